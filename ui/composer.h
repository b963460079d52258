#pragma once
// The composer: multi-line text (Enter sends, Shift+Enter breaks the line), an attachment
// strip with thumbnails and remove buttons, Attach / Examples / Record / Send / Stop buttons.
// Accepts files, images and text by drag and drop and from the clipboard, and sounds recorded
// from the microphone (AudioRecorder; a level meter and the elapsed time show while it runs).
// Refused files and failures are named in a message under the text (and in the refused()
// signal); nothing is thrown. GUI thread only.

#include <QList>
#include <QPlainTextEdit>
#include <QWidget>

#include <functional>

#include "ui/attachment.h"
#include "weft/media.h"

class QHBoxLayout;
class QLabel;
class QMediaDevices;
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

class AudioRecorder;

class Composer : public QWidget {
    Q_OBJECT
public:
    /// Writes a finished recording to a file and returns its path, or returns an empty string
    /// and sets the (translated) error. MainWindow passes ChatController::saveRecording.
    using RecordingWriter = std::function<QString(const weft::AudioClip& clip, QString* error)>;

    explicit Composer(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    const QList<Attachment>& attachments() const { return m_attachments; }
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
    void setRecordingWriter(RecordingWriter writer) { m_recordingWriter = std::move(writer); }
    /// The recording length limit in seconds (clamped as by AudioRecorder::setMaxSeconds;
    /// default kDefaultRecordSeconds). Applies from the next recording.
    void setRecordLimit(double seconds);
    /// Re-checks whether a microphone exists: the Record button is disabled, with a tooltip
    /// saying why, when there is none. Runs on construction and when inputs change.
    void updateRecordAvailability();
    /// True while a finished recording could not be written: it is kept in memory, and the
    /// "Save recording" button retries (Discard drops it). Record stays disabled meanwhile.
    bool hasUnsavedRecording() const { return !m_unsavedClip.empty(); }
    /// Writes the kept recording again; true when it was saved and attached.
    bool retrySaveRecording();
    /// Drops a recording that could not be written.
    void discardUnsavedRecording();
    /// The last refusal message shown (empty when none).
    QString lastMessage() const;
    ComposerEdit* editor() const { return m_edit; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* stopButton() const { return m_stop; }
    AudioRecorder* recorder() const { return m_recorder; }
    QPushButton* recordButton() const { return m_record; }
    QProgressBar* levelMeter() const { return m_level; }
    QLabel* recordTimeLabel() const { return m_recordTime; }
    QPushButton* stopRecordingButton() const { return m_stopRecording; }
    QPushButton* cancelRecordingButton() const { return m_cancelRecording; }
    QPushButton* saveRecordingButton() const { return m_saveRecording; }

signals:
    void sendRequested(const QString& text, const QList<weft::ui::Attachment>& attachments);
    void stopRequested();
    void examplesRequested();
    void refused(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void rebuildStrip();
    void showMessage(const QString& message);
    void browse();
    void startRecording();
    void onRecordingStarted();
    void onLevel(float peak, double seconds);
    void onRecorded(const weft::AudioClip& clip, bool reachedLimit);
    void onRecordingEnded();
    bool storeRecording(const weft::AudioClip& clip);
    void updateRecordControls();

    ComposerEdit* m_edit = nullptr;
    QWidget* m_strip = nullptr;
    QHBoxLayout* m_stripLayout = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_attach = nullptr;
    QPushButton* m_examples = nullptr;
    QPushButton* m_send = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_record = nullptr;
    QWidget* m_recordPanel = nullptr;
    QProgressBar* m_level = nullptr;
    QLabel* m_recordTime = nullptr;
    QPushButton* m_stopRecording = nullptr;
    QPushButton* m_cancelRecording = nullptr;
    QPushButton* m_saveRecording = nullptr;
    QPushButton* m_discardRecording = nullptr;
    AudioRecorder* m_recorder = nullptr;
    QMediaDevices* m_devices = nullptr;
    RecordingWriter m_recordingWriter;
    weft::AudioClip m_unsavedClip;
    QString m_noInputReason; ///< why Record is disabled; empty when a microphone exists
    QList<Attachment> m_attachments;
};

} // namespace weft::ui
