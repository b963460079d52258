#pragma once
// One image in the chat: shown crisp at a readable size, named after its alt text for screen
// readers, a row of actions (Edit this image, Use as subject, Use as example,
// Save as…, Copy), click or Enter/Space (it takes keyboard focus) to open the viewer, and drag
// to carry it into the composer. GUI thread only.

#include <QImage>
#include <QPoint>
#include <QWidget>

class QLabel;

namespace weft::ui {

enum class ImageAction { Edit, Subject, Example, SaveAs, Copy, View };

class ImageTile : public QWidget {
    Q_OBJECT
public:
    ImageTile(const QImage& image, const QString& path, const QString& altText, QWidget* parent = nullptr);

    const QString& path() const { return m_path; }
    const QImage& image() const { return m_image; }
    QLabel* pictureLabel() const { return m_picture; }

signals:
    void actionRequested(weft::ui::ImageAction action, const QString& path, const QImage& image);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QImage m_image;
    QString m_path;
    QLabel* m_picture = nullptr;
    QPoint m_pressPos;
};

/// Reads an image for display with the caps of readImageCapped (default AttachmentLimits):
/// Qt's readers first, then the engine's decoder (WebP). Null image when refused or unreadable.
QImage readImageForDisplay(const QString& path);

} // namespace weft::ui
