#include "ui/image_viewer.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace weft::ui {

CompareCanvas::CompareCanvas(QWidget* parent) : QWidget(parent) {}

void CompareCanvas::setImages(const QImage& after, const QImage& before)
{
    m_after = after;
    m_before = before;
    updateGeometry();
    resize(sizeHint());
    update();
}

void CompareCanvas::setZoom(double zoom)
{
    m_zoom = std::clamp(zoom, 0.1, 32.0);
    resize(sizeHint());
    update();
}

void CompareCanvas::setSplit(double split)
{
    m_split = std::clamp(split, 0.0, 1.0);
    update();
}

void CompareCanvas::setCompare(bool on)
{
    m_compare = on;
    update();
}

QSize CompareCanvas::sizeHint() const
{
    return (QSizeF(m_after.size()) * m_zoom).toSize().expandedTo(QSize(16, 16));
}

void CompareCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    // Nearest-neighbour when enlarging: the model's pixels are the content.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    const QRect target(QPoint(0, 0), sizeHint());
    painter.drawImage(target, m_after);
    if (m_compare && !m_before.isNull()) {
        const int splitX = static_cast<int>(std::round(target.width() * m_split));
        painter.save();
        painter.setClipRect(QRect(0, 0, splitX, target.height()));
        painter.drawImage(target, m_before);
        painter.restore();
        painter.setPen(QPen(Qt::white, 2));
        painter.drawLine(splitX, 0, splitX, target.height());
    }
}

ImageViewer::ImageViewer(const QImage& image, const QImage& before, const QString& altText, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Image"));
    setAccessibleName(tr("Image viewer"));
    m_canvas = new CompareCanvas;
    m_canvas->setImages(image, before);
    m_canvas->setAccessibleName(tr("Image"));
    m_canvas->setAccessibleDescription(altText);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_canvas);
    scroll->setAccessibleName(tr("Image view"));

    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setRange(1, 32);
    m_zoom->setValue(std::max(1, 512 / std::max(1, std::max(image.width(), image.height()))));
    m_zoom->setAccessibleName(tr("Zoom"));
    m_canvas->setZoom(m_zoom->value());
    m_compare = new QCheckBox(tr("Compare with the original"), this);
    m_compare->setAccessibleName(tr("Compare with the original"));
    m_split = new QSlider(Qt::Horizontal, this);
    m_split->setRange(0, 100);
    m_split->setValue(50);
    m_split->setAccessibleName(tr("Compare split position"));
    m_split->setEnabled(false);
    const bool canCompare = !before.isNull();
    m_compare->setVisible(canCompare);
    m_split->setVisible(canCompare);

    auto* caption = new QLabel(altText, this);
    caption->setWordWrap(true);
    caption->setAccessibleName(tr("Description"));
    auto* zoomRow = new QHBoxLayout;
    zoomRow->addWidget(new QLabel(tr("Zoom:"), this));
    zoomRow->addWidget(m_zoom, 1);
    auto* compareRow = new QHBoxLayout;
    compareRow->addWidget(m_compare);
    compareRow->addWidget(m_split, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addWidget(caption);
    layout->addLayout(zoomRow);
    layout->addLayout(compareRow);
    layout->addWidget(buttons);
    resize(640, 720);

    connect(m_zoom, &QSlider::valueChanged, this, [this](int v) { m_canvas->setZoom(v); });
    connect(m_split, &QSlider::valueChanged, this, [this](int v) { m_canvas->setSplit(v / 100.0); });
    connect(m_compare, &QCheckBox::toggled, this, [this](bool on) {
        m_split->setEnabled(on);
        m_canvas->setCompare(on);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

} // namespace weft::ui
