#pragma once
// The composer's recording controls: a Record button, replaced while recording by a panel
// with the elapsed time, a level meter, Stop and Cancel; when a finished recording cannot
// be written, Save recording / Discard keep it in memory until it is written or dropped.
// Watches for microphones (Record is disabled, with a tooltip saying why, without one).
// A written recording becomes an attachment for the composer (recorded()); messages for the
// user go out through message(). Nothing is thrown. GUI thread only.

#include <QWidget>

#include <functional>

#include "ui/attachment.h"
#include "weft/media.h"

class QLabel;
class QMediaDevices;
class QProgressBar;
class QPushButton;

namespace weft::ui {

class AudioRecorder;

class RecordBar : public QWidget {
    Q_OBJECT
public:
    /// Writes a finished recording to a file and returns its path, or returns an empty string
    /// and sets the (translated) error. MainWindow passes ChatController::saveRecording.
    using RecordingWriter = std::function<QString(const weft::AudioClip& clip, QString* error)>;

    explicit RecordBar(QWidget* parent = nullptr);

    /// Sets who writes finished recordings to disk. Without a writer a recording is kept in
    /// memory with a message, as after a failed write.
    void setRecordingWriter(RecordingWriter writer) { m_recordingWriter = std::move(writer); }
    /// The recording length limit in seconds (clamped as by AudioRecorder::setMaxSeconds).
    /// Applies from the next recording.
    void setRecordLimit(double seconds);
    /// Re-checks whether a microphone exists and updates the Record button. Runs on
    /// construction and when the system's audio inputs change.
    void updateRecordAvailability();
    /// Ends a running recording and delivers it (recorded() or message()) before returning;
    /// no-op when not recording.
    void finishRecording();
    /// True while a finished recording could not be written and is kept in memory.
    bool hasUnsavedRecording() const { return !m_unsavedClip.empty(); }
    /// Writes the kept recording again; true when it was saved and became an attachment.
    bool retrySaveRecording();
    /// Drops a recording that could not be written.
    void discardUnsavedRecording();

    AudioRecorder* recorder() const { return m_recorder; }
    QPushButton* recordButton() const { return m_record; }
    QProgressBar* levelMeter() const { return m_level; }
    QLabel* recordTimeLabel() const { return m_recordTime; }
    QPushButton* stopRecordingButton() const { return m_stopRecording; }
    QPushButton* cancelRecordingButton() const { return m_cancelRecording; }
    QPushButton* saveRecordingButton() const { return m_saveRecording; }

signals:
    /// A recording was written and checked: the attachment to add (its sourcePath is the file).
    void recorded(const weft::ui::Attachment& attachment);
    /// A message for the user (translated): why recording failed or what to do with a kept
    /// recording. An empty message clears the previous one.
    void message(const QString& text);

private:
    void buildRecordPanel();
    void connectRecorder();
    void startRecording();
    void onRecordingStarted();
    void onLevel(float peak, double seconds);
    void onRecorded(const weft::AudioClip& clip, bool reachedLimit);
    void onRecordingEnded();
    bool storeRecording(const weft::AudioClip& clip);
    void updateRecordControls();

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
};

} // namespace weft::ui
