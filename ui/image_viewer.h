#pragma once
// A dialog showing one image with zoom (nearest-neighbour, so model pixels stay sharp)
// and, when the image was made from another one, a before/after compare with a slider
// that moves the split line. GUI thread only.

#include <QDialog>
#include <QImage>

class QCheckBox;
class QSlider;

namespace weft::ui {

/// Paints `after` with `before` shown left of a vertical split at `split` (0..1).
class CompareCanvas : public QWidget {
    Q_OBJECT
public:
    explicit CompareCanvas(QWidget* parent = nullptr);
    void setImages(const QImage& after, const QImage& before);
    void setZoom(double zoom);
    void setSplit(double split);
    void setCompare(bool on);
    double zoom() const { return m_zoom; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_after;
    QImage m_before;
    double m_zoom = 4.0;
    double m_split = 0.5;
    bool m_compare = false;
};

class ImageViewer : public QDialog {
    Q_OBJECT
public:
    /// `before` may be null: the compare controls are then hidden.
    ImageViewer(const QImage& image, const QImage& before, const QString& altText, QWidget* parent = nullptr);
    CompareCanvas* canvas() const { return m_canvas; }

private:
    CompareCanvas* m_canvas = nullptr;
    QSlider* m_zoom = nullptr;
    QSlider* m_split = nullptr;
    QCheckBox* m_compare = nullptr;
};

} // namespace weft::ui
