#include "ui/image_tile.h"

#include <QApplication>
#include <QDrag>
#include <QKeyEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QMouseEvent>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/attachment.h"
#include "ui/image_convert.h"
#include "weft/media.h"

namespace weft::ui {

QImage readImageForDisplay(const QString& path)
{
    return readImageCapped(path);
}

ImageTile::ImageTile(const QImage& image, const QString& path, const QString& altText, QWidget* parent)
    : QWidget(parent), m_image(image), m_path(path)
{
    m_picture = new QLabel(this);
    m_picture->setPixmap(QPixmap::fromImage(displayScaled(image)));
    m_picture->setCursor(Qt::PointingHandCursor);
    m_picture->installEventFilter(this);
    // Tab reaches the picture; Enter or Space opens the viewer (as a click does).
    m_picture->setFocusPolicy(Qt::StrongFocus);
    m_picture->setStyleSheet(QStringLiteral("QLabel:focus { border: 2px solid palette(highlight); }"));
    // A screen reader names the tile after its alt text.
    const QString alt = altText.isEmpty() ? tr("Image") : altText;
    m_picture->setAccessibleName(alt);
    m_picture->setAccessibleDescription(tr("Press Enter to open the viewer"));
    m_picture->setToolTip(alt);

    auto* actions = new QHBoxLayout;
    actions->setContentsMargins(0, 0, 0, 0);
    auto addAction = [&](ImageAction action, const QString& text, const QString& accessible) {
        auto* button = new QToolButton(this);
        button->setText(text);
        button->setAccessibleName(accessible);
        button->setToolTip(accessible);
        button->setAutoRaise(true);
        connect(button, &QToolButton::clicked, this, [this, action] { emit actionRequested(action, m_path, m_image); });
        actions->addWidget(button);
    };
    addAction(ImageAction::Edit, tr("Edit"), tr("Edit this image"));
    addAction(ImageAction::Subject, tr("Subject"), tr("Use as subject"));
    addAction(ImageAction::Example, tr("Example"), tr("Use as example"));
    addAction(ImageAction::SaveAs, tr("Save as…"), tr("Save image as…"));
    addAction(ImageAction::Copy, tr("Copy"), tr("Copy image"));
    actions->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_picture, 0, Qt::AlignLeft);
    layout->addLayout(actions);
}

bool ImageTile::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_picture)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Space) {
            emit actionRequested(ImageAction::View, m_path, m_image);
            return true;
        }
    }
    if (event->type() == QEvent::MouseButtonPress) {
        m_pressPos = static_cast<QMouseEvent*>(event)->position().toPoint();
        return true;
    }
    if (event->type() == QEvent::MouseMove) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if ((mouse->buttons() & Qt::LeftButton) &&
            (mouse->position().toPoint() - m_pressPos).manhattanLength() >= QApplication::startDragDistance()) {
            // Carries both the file (for the composer and file managers) and the pixels.
            auto* mime = new QMimeData;
            if (!m_path.isEmpty())
                mime->setUrls({QUrl::fromLocalFile(m_path)});
            mime->setImageData(m_image);
            auto* drag = new QDrag(this);
            drag->setMimeData(mime);
            drag->setPixmap(QPixmap::fromImage(m_image.scaled(64, 64, Qt::KeepAspectRatio)));
            drag->exec(Qt::CopyAction);
            return true;
        }
    }
    if (event->type() == QEvent::MouseButtonRelease) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if ((mouse->position().toPoint() - m_pressPos).manhattanLength() < QApplication::startDragDistance())
            emit actionRequested(ImageAction::View, m_path, m_image);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace weft::ui
