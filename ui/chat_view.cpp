#include "ui/chat_view.h"

#include <algorithm>

#include <QApplication>
#include <QAudioOutput>
#include <QClipboard>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMediaDevices>
#include <QMediaPlayer>
#include <QToolTip>
#include <QAudioDevice>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/attachment.h"
#include "ui/chat_controller.h"
#include "ui/image_convert.h"
#include "ui/retrieved_source.h"
#include "ui/starter_panel.h"

namespace weft::ui {

ChatView::ChatView(ChatController& controller, QWidget* parent) : QScrollArea(parent), m_controller(controller)
{
    // Scroll areas receive drops through their viewport (viewportEvent calls dropEvent).
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setWidgetResizable(true);
    setAccessibleName(tr("Chat"));
    m_canvas = new QWidget;
    auto* outer = new QVBoxLayout(m_canvas);
    m_starters = new StarterPanel(m_canvas);
    outer->addWidget(m_starters);
    m_messages = new QVBoxLayout;
    m_messages->setSpacing(12);
    outer->addLayout(m_messages);

    m_pending = new QWidget(m_canvas);
    auto* pendingLayout = new QVBoxLayout(m_pending);
    m_pendingText = new QLabel(m_pending);
    m_pendingText->setWordWrap(true);
    m_pendingText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pendingText->setAccessibleName(tr("Answer being written"));
    m_pendingImage = new QLabel(m_pending);
    m_pendingImage->setAccessibleName(tr("Image being generated"));
    m_progress = new QProgressBar(m_pending);
    m_progress->setAccessibleName(tr("Generation progress"));
    m_progress->setRange(0, 0);
    pendingLayout->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Weft")), m_pending));
    pendingLayout->addWidget(m_pendingText);
    pendingLayout->addWidget(m_pendingImage);
    pendingLayout->addWidget(m_progress);
    m_pending->hide();
    outer->addWidget(m_pending);

    auto* noticeRow = new QHBoxLayout;
    m_notice = new QLabel(m_canvas);
    m_notice->setWordWrap(true);
    m_notice->setAccessibleName(tr("Notice"));
    m_notice->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_retry = new QPushButton(tr("Retry"), m_canvas);
    m_retry->setAccessibleName(tr("Answer the last message again"));
    noticeRow->addWidget(m_notice, 1);
    noticeRow->addWidget(m_retry);
    outer->addLayout(noticeRow);
    outer->addStretch();
    setWidget(m_canvas);

    connect(m_retry, &QPushButton::clicked, this, &ChatView::retryRequested);
    connect(m_starters, &StarterPanel::starterChosen, this, &ChatView::starterChosen);
    connect(&m_controller, &ChatController::conversationChanged, this, &ChatView::rebuild);
    connect(&m_controller, &ChatController::pendingChanged, this, &ChatView::updatePending);
    connect(&m_controller, &ChatController::generatingChanged, this, &ChatView::updatePending);
    rebuild();
}

QImage ChatView::cachedImage(const QString& path, const weft::Image& decoded)
{
    if (!decoded.empty())
        return toQImage(decoded);
    auto it = m_imageCache.constFind(path);
    if (it != m_imageCache.constEnd())
        return *it;
    const QImage image = readImageForDisplay(path);
    m_imageCache.insert(path, image);
    return image;
}

void ChatView::ensurePlayer()
{
    // Created on first use: starting a media backend costs time at start-up, and a broken
    // backend (missing GStreamer plugins) then only affects playing sounds.
    if (m_player)
        return;
    m_audioOutput = new QAudioOutput(this);
    m_player = new QMediaPlayer(this);
    m_player->setAudioOutput(m_audioOutput);
    // Un-toggle the chip when its sound ends, fails or another one starts.
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState s) {
        if (s != QMediaPlayer::StoppedState || !m_playingChip)
            return;
        QPushButton* chip = m_playingChip;
        m_playingChip = nullptr;
        chip->setChecked(false);
    });
    connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString& reason) {
        QPushButton* chip = m_playingChip;
        m_playingChip = nullptr;
        refusePlayback(chip, tr("This sound cannot be played: %1").arg(reason));
    });
}

void ChatView::refusePlayback(QPushButton* chip, const QString& message)
{
    if (chip) {
        chip->setChecked(false);
        chip->setToolTip(message);
        QToolTip::showText(chip->mapToGlobal(QPoint(0, chip->height())), message, chip);
    }
    emit playbackFailed(message);
}

double ChatView::audioSeconds(const QString& path)
{
    auto it = m_audioSeconds.constFind(path);
    if (it != m_audioSeconds.constEnd())
        return *it;
    // Decoded once: a chat is rebuilt after every turn and branch switch.
    const double seconds = audioFileSeconds(path, nullptr, AttachmentLimits{});
    m_audioSeconds.insert(path, seconds);
    return seconds;
}

QWidget* ChatView::makeAudioChip(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    const double seconds = audioSeconds(path);
    auto* chip = new QPushButton(seconds >= 0 ? tr("▶ %1 · %2 s").arg(name).arg(seconds, 0, 'f', 1)
                                              : tr("▶ %1 (unreadable)").arg(name));
    chip->setAccessibleName(seconds >= 0 ? tr("Play sound %1, %2 seconds").arg(name).arg(seconds, 0, 'f', 1)
                                         : tr("Play sound %1").arg(name));
    chip->setCheckable(true);
    connect(chip, &QPushButton::toggled, this, [this, chip, path](bool play) {
        if (!play) {
            if (m_player && m_playingChip == chip) {
                m_playingChip = nullptr;
                m_player->stop();
            }
            return;
        }
        // Without an output device the media backends crash inside play() (seen with both the
        // GStreamer and the FFmpeg backend of Qt 6.4), so refuse before creating a player.
        if (QMediaDevices::defaultAudioOutput().isNull()) {
            refusePlayback(chip, tr("No audio output device is available."));
            return;
        }
        ensurePlayer();
        // Cleared before setSource(): the Stopped state it causes must not un-toggle the chip
        // being started; the previous chip is un-toggled here instead.
        QPointer<QPushButton> previous = m_playingChip;
        m_playingChip = nullptr;
        if (previous && previous != chip)
            previous->setChecked(false);
        m_player->setSource(QUrl::fromLocalFile(path));
        m_playingChip = chip;
        chip->setToolTip(QString());
        m_player->play();
    });
    return chip;
}

ImageTile* ChatView::makeTile(int nodeId, const QImage& image, const QString& path, const QString& name, QWidget* box)
{
    auto* tile = new ImageTile(image, path, name, box);
    connect(tile, &ImageTile::actionRequested, this, [this, nodeId](ImageAction action, const QString& p, const QImage& img) {
        emit imageAction(action, p, img, nodeId);
    });
    return tile;
}

std::size_t ChatView::addExampleRows(int nodeId, QVBoxLayout* layout, QWidget* box)
{
    const auto& node = m_controller.current().tree.node(nodeId);
    const auto& segments = node.message.segments;
    const std::size_t images = static_cast<std::size_t>(2 * node.examplePairs + 1);
    if (node.examplePairs <= 0 || segments.size() < images ||
        !std::all_of(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(images),
                     [](const weft::Segment& s) { return s.kind == weft::SegmentKind::Image; }))
        return 0;
    auto tileAt = [&](std::size_t i, const QString& name) -> QWidget* {
        const QString path = QString::fromStdString(segments[i].path);
        const QImage image = cachedImage(path, segments[i].image);
        if (image.isNull())
            return new QLabel(tr("[image missing: %1]").arg(path), box);
        return makeTile(nodeId, image, path, name, box);
    };
    for (int pair = 0; pair < node.examplePairs; ++pair) {
        auto* row = new QWidget(box);
        row->setAccessibleName(tr("Example pair %1").arg(pair + 1));
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->addWidget(tileAt(std::size_t(2 * pair), tr("Before %1").arg(pair + 1)));
        auto* arrow = new QLabel(QStringLiteral("→"), row);
        arrow->setAccessibleName(tr("becomes"));
        rowLayout->addWidget(arrow);
        rowLayout->addWidget(tileAt(std::size_t(2 * pair + 1), tr("After %1").arg(pair + 1)));
        rowLayout->addStretch();
        layout->addWidget(row);
    }
    layout->addWidget(new QLabel(tr("Query:"), box));
    layout->addWidget(tileAt(images - 1, tr("Query picture")));
    return images;
}

QHBoxLayout* ChatView::makeHeader(int nodeId, QWidget* box)
{
    const auto& tree = m_controller.current().tree;
    const auto& node = tree.node(nodeId);
    const bool user = node.message.role == weft::Role::User;
    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(user ? tr("You") : tr("Weft")), box));
    header->addStretch();
    const int count = tree.branchCount(nodeId);
    if (count > 1) {
        const int index = tree.branchIndex(nodeId);
        auto* previous = new QToolButton(box);
        previous->setText(QStringLiteral("‹"));
        previous->setAccessibleName(tr("Previous version"));
        previous->setEnabled(index > 0);
        auto* label = new QLabel(tr("%1 / %2").arg(index + 1).arg(count), box);
        label->setAccessibleName(tr("Version %1 of %2").arg(index + 1).arg(count));
        auto* next = new QToolButton(box);
        next->setText(QStringLiteral("›"));
        next->setAccessibleName(tr("Next version"));
        next->setEnabled(index + 1 < count);
        connect(previous, &QToolButton::clicked, this, [this, nodeId] { m_controller.switchBranch(nodeId, -1); });
        connect(next, &QToolButton::clicked, this, [this, nodeId] { m_controller.switchBranch(nodeId, +1); });
        header->addWidget(previous);
        header->addWidget(label);
        header->addWidget(next);
    }
    auto addButton = [&](const QString& text, const QString& accessible, auto signal) {
        auto* button = new QToolButton(box);
        button->setText(text);
        button->setAccessibleName(accessible);
        button->setToolTip(accessible);
        connect(button, &QToolButton::clicked, this, [this, nodeId, signal] { emit(this->*signal)(nodeId); });
        header->addWidget(button);
    };
    if (user && node.examplePairs > 0) {
        addButton(tr("Edit pairs…"), tr("Edit the example pairs and send again"), &ChatView::examplesEditRequested);
    } else if (user) {
        addButton(tr("Edit"), tr("Edit and resend"), &ChatView::editRequested);
    } else {
        addButton(tr("Regenerate"), tr("Regenerate with a new seed"), &ChatView::regenerateRequested);
        if (node.message.meta)
            addButton(tr("Reproduce"), tr("Reproduce with the same seed and options"), &ChatView::reproduceRequested);
        const QString text = QString::fromStdString(node.message.joinedText()).trimmed();
        if (!text.isEmpty()) {
            // Reached with Tab like every tool button; Space copies the whole answer's text.
            auto* copy = new QToolButton(box);
            copy->setText(tr("Copy text"));
            copy->setAccessibleName(tr("Copy the answer's text"));
            copy->setToolTip(copy->accessibleName());
            connect(copy, &QToolButton::clicked, this, [text] { QApplication::clipboard()->setText(text); });
            header->addWidget(copy);
        }
    }
    return header;
}

bool ChatView::addImage(int nodeId, std::size_t index, int imageNumber, QVBoxLayout* layout, QWidget* box)
{
    const auto& tree = m_controller.current().tree;
    const auto& node = tree.node(nodeId);
    const auto& segment = node.message.segments[index];
    const QString path = QString::fromStdString(segment.path);
    const QImage image = cachedImage(path, segment.image);
    if (image.isNull()) {
        layout->addWidget(new QLabel(tr("[image missing: %1]").arg(path), box));
        return false;
    }
    const bool user = node.message.role == weft::Role::User;
    const RetrievedSource source = findRetrievedSource(tree, nodeId, index);
    const bool fromUser = source.place != RetrievedSource::Place::None &&
                          tree.node(source.nodeId).message.role == weft::Role::User;
    // Named after its alt text; a picture the user sent has none and is named by place, and
    // a retrieved one of theirs by where it came from.
    auto alt = node.altTexts.find(static_cast<int>(index));
    const QString name = alt != node.altTexts.end() ? alt->second
                         : user                     ? tr("Your picture %1").arg(imageNumber)
                         : segment.retrieved        ? (fromUser ? tr("Your earlier picture") : tr("An earlier picture"))
                                                    : tr("Picture %1 of the answer").arg(imageNumber);
    layout->addWidget(makeTile(nodeId, image, path, name, box));
    if (segment.retrieved)
        layout->addWidget(makeSourceLabel(source, box), 0, Qt::AlignLeft);
    return true;
}

QString ChatView::sourceText(const RetrievedSource& source) const
{
    if (source.place == RetrievedSource::Place::OtherBranch)
        return tr("From another version of this chat");
    if (source.place == RetrievedSource::Place::None)
        return tr("An earlier picture, shown again");
    const auto& from = m_controller.current().tree.node(source.nodeId);
    const bool user = from.message.role == weft::Role::User;
    if (!from.time.isValid())
        return user ? tr("From your earlier message") : tr("From an earlier answer");
    // The time alone on the day it was sent, with the date on later days.
    const QDateTime local = from.time.toLocalTime();
    const QString when = local.date() == QDate::currentDate() ? QLocale().toString(local.time(), QLocale::ShortFormat)
                                                              : QLocale().toString(local, QLocale::ShortFormat);
    return user ? tr("From your message of %1").arg(when) : tr("From the answer of %1").arg(when);
}

QLabel* ChatView::makeSourceLabel(const RetrievedSource& source, QWidget* box)
{
    const QString text = sourceText(source);
    auto* label = new QLabel(box);
    label->setObjectName(QStringLiteral("retrievedSource"));
    label->setAccessibleName(tr("Picture shown again: %1").arg(text));
    label->setStyleSheet(QStringLiteral("color: gray;"));
    if (source.place != RetrievedSource::Place::Earlier) {
        // Not on screen with this answer: nothing to scroll to.
        label->setTextFormat(Qt::PlainText);
        label->setText(QStringLiteral("↩ ") + text);
        return label;
    }
    label->setTextFormat(Qt::RichText);
    label->setText(QStringLiteral("↩ <a href=\"#message-%1\">%2</a>").arg(source.nodeId).arg(text.toHtmlEscaped()));
    // A link reachable with Tab and followed with Enter, like the message's buttons.
    label->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    label->setToolTip(tr("Show that message"));
    const int target = source.nodeId;
    connect(label, &QLabel::linkActivated, this, [this, target] { showMessage(target); });
    return label;
}

void ChatView::showMessage(int nodeId)
{
    QWidget* message = m_messageWidgets.value(nodeId);
    if (!message)
        return;
    // Its top at the top of the view: a tall message is read from its beginning.
    verticalScrollBar()->setValue(message->mapTo(m_canvas, QPoint(0, 0)).y());
    // Keyboard users land in that message too (its first button or picture).
    const auto children = message->findChildren<QWidget*>();
    auto first = std::find_if(children.begin(), children.end(),
                              [](QWidget* w) { return (w->focusPolicy() & Qt::TabFocus) && w->isVisibleTo(w->window()); });
    if (first != children.end())
        (*first)->setFocus(Qt::OtherFocusReason);
}

QWidget* ChatView::makeMessage(int nodeId)
{
    const auto& tree = m_controller.current().tree;
    const auto& node = tree.node(nodeId);
    const bool user = node.message.role == weft::Role::User;
    auto* box = new QFrame;
    box->setFrameShape(QFrame::StyledPanel);
    box->setAccessibleName(user ? tr("Your message") : tr("Answer"));
    if (user)
        box->setStyleSheet(QStringLiteral("QFrame { background: palette(alternate-base); }"));
    auto* layout = new QVBoxLayout(box);

    layout->addLayout(makeHeader(nodeId, box));

    int imageNumber = 0;
    // An example-pair message shows its pairs as "A → A′" rows and its query first.
    const std::size_t firstPlain = user ? addExampleRows(nodeId, layout, box) : 0;
    for (std::size_t i = firstPlain; i < node.message.segments.size(); ++i) {
        const auto& segment = node.message.segments[i];
        const QString path = QString::fromStdString(segment.path);
        switch (segment.kind) {
        case weft::SegmentKind::Text: {
            auto* text = new QLabel(QString::fromStdString(segment.text), box);
            text->setWordWrap(true);
            text->setTextFormat(Qt::PlainText);
            // Keyboard-selectable too: Tab focuses it, Shift+arrows or Ctrl+A select, Ctrl+C copies.
            text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
            text->setAccessibleName(user ? tr("Your text") : tr("Answer text"));
            layout->addWidget(text);
            break;
        }
        case weft::SegmentKind::Image:
            imageNumber += addImage(nodeId, i, imageNumber + 1, layout, box) ? 1 : 0;
            break;
        case weft::SegmentKind::Audio:
            layout->addWidget(makeAudioChip(path), 0, Qt::AlignLeft);
            break;
        }
    }
    if (!user && node.message.meta) {
        const auto& meta = *node.message.meta;
        auto* info = new QLabel(tr("seed %1 · %2 · %3 s").arg(meta.seed).arg(QString::fromStdString(meta.modelId))
                                    .arg(meta.seconds, 0, 'f', 2), box);
        info->setStyleSheet(QStringLiteral("color: gray; font-size: small;"));
        info->setAccessibleName(tr("Provenance"));
        layout->addWidget(info);
    }
    return box;
}

void ChatView::rebuild()
{
    // deleteLater: the button that triggered this rebuild (branch arrow, Regenerate) may
    // still be inside its clicked() emission.
    while (QLayoutItem* item = m_messages->takeAt(0)) {
        if (QWidget* w = item->widget()) {
            w->hide();
            w->setParent(nullptr);
            w->deleteLater();
        }
        delete item;
    }
    m_messageCount = 0;
    m_messageWidgets.clear();
    if (m_controller.hasConversation()) {
        for (int id : m_controller.current().tree.activePath()) {
            QWidget* message = makeMessage(id);
            m_messageWidgets.insert(id, message);
            m_messages->addWidget(message);
            ++m_messageCount;
        }
    }
    m_starters->setVisible(m_messageCount == 0 && !m_controller.isGeneratingHere());
    const QString notice = m_controller.notice();
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
    m_retry->setVisible(!m_controller.isGeneratingHere() && m_controller.needsAnswer());
    updatePending();
    scrollToEnd();
}

void ChatView::updatePending()
{
    // Only the chat that asked shows its answer being written; the sidebar marks it.
    const bool generating = m_controller.isGeneratingHere();
    m_pending->setVisible(generating);
    if (!generating)
        return;
    m_retry->hide();
    m_pendingText->setText(m_controller.pendingText().isEmpty() ? tr("…") : m_controller.pendingText());
    const QImage& preview = m_controller.pendingImage();
    m_pendingImage->setVisible(!preview.isNull());
    if (!preview.isNull())
        m_pendingImage->setPixmap(QPixmap::fromImage(displayScaled(preview)));
    if (m_controller.pendingTotal() > 0) {
        m_progress->setRange(0, m_controller.pendingTotal());
        m_progress->setValue(m_controller.pendingStep());
    } else {
        m_progress->setRange(0, 0);
    }
    scrollToEnd();
}

void ChatView::scrollToEnd()
{
    // After layout: the scroll range only grows once the new widgets are laid out.
    QTimer::singleShot(0, this, [this] { verticalScrollBar()->setValue(verticalScrollBar()->maximum()); });
}

void ChatView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage() || event->mimeData()->hasText())
        event->acceptProposedAction();
}

void ChatView::dragMoveEvent(QDragMoveEvent* event)
{
    event->acceptProposedAction();
}

void ChatView::dropEvent(QDropEvent* event)
{
    emit mediaDropped(event->mimeData());
    event->acceptProposedAction();
}

} // namespace weft::ui
