#pragma once
// The composer: multi-line text (Enter sends, Shift+Enter breaks the line), an attachment
// strip with thumbnails and remove buttons (AttachmentStrip), Attach / Examples / Record /
// Send / Stop buttons. Accepts files, images and text by drag and drop and from the clipboard,
// and sounds recorded from the microphone (RecordBar: a level meter and the elapsed time show
// while it runs). Refused files and failures are named in a message under the text (and in
// the refused() signal); nothing is thrown. GUI thread only.

#include <QList>
#include <QPlainTextEdit>
#include <QWidget>

#include "ui/attachment.h"
#include "ui/record_bar.h"
#include "weft/media.h"

class QLabel;
class QMimeData;
class QProgressBar;
class QPushButton;

namespace weft::ui {

/// The text field: turns Enter into submit() and pasted/dropped media into mediaReceived().
class ComposerEdit : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ComposerEdit(QWidget* parent = nullptr);

signals:
    void submit();
    void mediaReceived(const QMimeData* mime);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool canInsertFromMimeData(const QMimeData* source) const override;
    void insertFromMimeData(const QMimeData* source) override;
};

class AttachmentStrip;
class AudioRecorder;

class Composer : public QWidget {
    Q_OBJECT
public:
    /// Writes a finished recording to a file and returns its path, or returns an empty string
    /// and sets the (translated) error. MainWindow passes ChatController::saveRecording.
    using RecordingWriter = RecordBar::RecordingWriter;

    explicit Composer(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    const QList<Attachment>& attachments() const;
    /// Empties the text and the attachment strip.
    void clear();

    /// Adds files, refusing unsupported or oversized ones with a message. Returns how many
    /// were added.
    int addFiles(const QStringList& paths);
    /// Adds an in-memory image (pasted, or dragged from the chat).
    bool addImage(const QImage& image, const QString& name);
    /// Handles dropped or pasted data: local files, an image, or plain text. Returns true
    /// when something was taken.
    bool takeMimeData(const QMimeData* mime);
    void removeAttachment(int index);

    /// Switches between the Send and Stop buttons.
    void setGenerating(bool generating);

    /// Sets who writes finished recordings to disk. Without a writer a recording is kept in
    /// memory with a message, as after a failed write.
    void setRecordingWriter(RecordingWriter writer) { m_recordBar->setRecordingWriter(std::move(writer)); }
    /// The recording length limit in seconds (clamped as by AudioRecorder::setMaxSeconds;
    /// default kDefaultRecordSeconds). Applies from the next recording.
    void setRecordLimit(double seconds);
    /// Re-checks whether a microphone exists: the Record button is disabled, with a tooltip
    /// saying why, when there is none. Runs on construction and when inputs change.
    void updateRecordAvailability();
    /// True while a finished recording could not be written: it is kept in memory, and the
    /// "Save recording" button retries (Discard drops it). Record stays disabled meanwhile.
    bool hasUnsavedRecording() const { return m_recordBar->hasUnsavedRecording(); }
    /// Writes the kept recording again; true when it was saved and attached.
    bool retrySaveRecording();
    /// Drops a recording that could not be written.
    void discardUnsavedRecording();
    /// The last refusal message shown (empty when none).
    QString lastMessage() const;
    ComposerEdit* editor() const { return m_edit; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* stopButton() const { return m_stop; }
    AudioRecorder* recorder() const { return m_recordBar->recorder(); }
    QPushButton* recordButton() const { return m_recordBar->recordButton(); }
    QProgressBar* levelMeter() const { return m_recordBar->levelMeter(); }
    QLabel* recordTimeLabel() const { return m_recordBar->recordTimeLabel(); }
    QPushButton* stopRecordingButton() const { return m_recordBar->stopRecordingButton(); }
    QPushButton* cancelRecordingButton() const { return m_recordBar->cancelRecordingButton(); }
    QPushButton* saveRecordingButton() const { return m_recordBar->saveRecordingButton(); }

signals:
    void sendRequested(const QString& text, const QList<weft::ui::Attachment>& attachments);
    void stopRequested();
    void examplesRequested();
    void refused(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildEditor();
    void buildButtons();
    void layOut();
    void connectParts();
    /// Sends the text and attachments unless an answer is being written (Stop is shown).
    void submit();
    void showMessage(const QString& message);
    void browse();

    ComposerEdit* m_edit = nullptr;
    AttachmentStrip* m_strip = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_attach = nullptr;
    QPushButton* m_examples = nullptr;
    QPushButton* m_send = nullptr;
    QPushButton* m_stop = nullptr;
    RecordBar* m_recordBar = nullptr;
};

} // namespace weft::ui
