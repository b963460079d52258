#pragma once
// The chat canvas: the active branch of the open conversation as a column of messages
// (text, images, audio chips), branch arrows, per-message actions, the answer being
// streamed with its progress bar, and a notice line for failures. Files dropped on it go
// to the composer (mediaDropped). Reads the ChatController; GUI thread only.

#include <QHash>
#include <QImage>
#include <QMimeData>
#include <QPointer>
#include <QScrollArea>

#include "ui/image_tile.h"
#include "weft/media.h"

class QAudioOutput;
class QHBoxLayout;
class QLabel;
class QMediaPlayer;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace weft::ui {

class ChatController;
class StarterPanel;
struct RetrievedSource;

class ChatView : public QScrollArea {
    Q_OBJECT
public:
    explicit ChatView(ChatController& controller, QWidget* parent = nullptr);

    /// Rebuilds every message from the controller (after a turn or a branch switch).
    void rebuild();
    /// Number of message widgets shown (for tests and accessibility checks).
    int messageCount() const { return m_messageCount; }
    /// The widget showing message `nodeId`, nullptr when it is not on screen.
    QWidget* messageWidget(int nodeId) const { return m_messageWidgets.value(nodeId); }
    /// Scrolls message `nodeId` to the top of the view and focuses its first button or picture
    /// (what the link under a retrieved picture does). Nothing when it is not on screen.
    void showMessage(int nodeId);
    /// The streamed answer's text label and progress bar (visible while generating).
    QLabel* pendingLabel() const { return m_pendingText; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* noticeLabel() const { return m_notice; }
    /// What an empty chat shows (visible only while the chat has no messages).
    StarterPanel* starters() const { return m_starters; }
    /// The sound player, created on the first play (nullptr before).
    QMediaPlayer* player() const { return m_player; }
    /// The duration shown on a sound chip, in seconds (decoded once per file and cached);
    /// negative when the file cannot be decoded.
    double audioSeconds(const QString& path);

signals:
    void imageAction(weft::ui::ImageAction action, const QString& path, const QImage& image, int nodeId);
    void editRequested(int nodeId);
    /// "Edit pairs…" on a message built with the example-pair builder.
    void examplesEditRequested(int nodeId);
    void regenerateRequested(int nodeId);
    void reproduceRequested(int nodeId);
    void retryRequested();
    /// A starter of the empty chat was clicked (see StarterPanel::starterChosen).
    void starterChosen(const QString& text, const QStringList& paths, const QString& error);
    void mediaDropped(const QMimeData* mime);
    /// A sound could not be played (no output device, a backend error); translated. The chip
    /// also shows it as its tooltip.
    void playbackFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QWidget* makeMessage(int nodeId);
    /// The message's header row: who, branch arrows, and its actions (Edit; Regenerate,
    /// Reproduce, Copy text). Widgets are children of `box`.
    QHBoxLayout* makeHeader(int nodeId, QWidget* box);
    /// A tile for one image of message `nodeId`, its actions relayed as imageAction.
    ImageTile* makeTile(int nodeId, const QImage& image, const QString& path, const QString& name, QWidget* box);
    /// For an example-pair message: adds its pairs as "A → A′" rows and its query. Returns how
    /// many leading segments it showed (0 when the message is not one or does not fit).
    std::size_t addExampleRows(int nodeId, QVBoxLayout* layout, QWidget* box);
    QWidget* makeAudioChip(const QString& path);
    /// Adds image segment `index` of message `nodeId` as a tile (a retrieved one with the line
    /// saying where it came from). False when the image cannot be read (a note is shown instead).
    bool addImage(int nodeId, std::size_t index, int imageNumber, QVBoxLayout* layout, QWidget* box);
    /// "From your message of 14:02" and the like (translated).
    QString sourceText(const RetrievedSource& source) const;
    /// The line under a retrieved picture; a link to its source when that is shown above.
    QLabel* makeSourceLabel(const RetrievedSource& source, QWidget* box);
    void updatePending();
    void ensurePlayer();
    void refusePlayback(QPushButton* chip, const QString& message);
    QImage cachedImage(const QString& path, const weft::Image& decoded);
    void scrollToEnd();

    ChatController& m_controller;
    QWidget* m_canvas = nullptr;
    QVBoxLayout* m_messages = nullptr;
    StarterPanel* m_starters = nullptr;
    QWidget* m_pending = nullptr;
    QLabel* m_pendingText = nullptr;
    QLabel* m_pendingImage = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_notice = nullptr;
    QPushButton* m_retry = nullptr;
    QMediaPlayer* m_player = nullptr;
    QAudioOutput* m_audioOutput = nullptr;
    QPointer<QPushButton> m_playingChip; ///< the chip whose sound the player holds
    QHash<QString, QImage> m_imageCache;
    QHash<QString, double> m_audioSeconds;
    QHash<int, QPointer<QWidget>> m_messageWidgets; ///< node id -> its widget, for links to it
    int m_messageCount = 0;
};

} // namespace weft::ui
