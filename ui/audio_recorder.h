#pragma once
// Captures a short mono sound clip from the default microphone (QAudioSource) or from any
// QIODevice delivering PCM (tests feed a QBuffer), with a live level and elapsed time, a
// length limit, stop and cancel. Delivers the clip as samples; writing it to disk is the
// caller's business (ChatController::saveRecording). GUI thread only.

#include <QAudioFormat>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include "weft/media.h"

class QAudioSource;
class QIODevice;

namespace weft::ui {

/// The longest recording by default, in seconds: the model's audio window (DESIGN.md, audio
/// "up to 4 s"; config.json audio.max_seconds of weft-tiny).
constexpr double kDefaultRecordSeconds = 4.0;
/// The bounds a configured limit is clamped to, in seconds (the upper one is the engine's
/// MediaLimits::maxAudioSeconds for decoded files).
constexpr double kMinRecordSeconds = 0.5;
constexpr double kMaxRecordSeconds = 30.0;
/// The rate finished clips are delivered at, Hz: the model's audio rate.
constexpr int kRecordSampleRate = 16000;
/// The span of sound one level value covers, in seconds: 50 ms, i.e. 20 updates a second.
constexpr double kLevelBlockSeconds = 0.05;

class AudioRecorder : public QObject {
    Q_OBJECT
public:
    explicit AudioRecorder(QObject* parent = nullptr);
    ~AudioRecorder() override;

    /// True when the system has a default audio input device. When it has none, `why` (if
    /// given) receives a translated sentence saying so. Cheap; GUI thread.
    static bool inputAvailable(QString* why = nullptr);

    /// Sets the length limit in seconds, clamped to [kMinRecordSeconds, kMaxRecordSeconds];
    /// a recording that reaches it stops by itself and is delivered (finished with
    /// reachedLimit = true). Default kDefaultRecordSeconds. Takes effect at the next start().
    void setMaxSeconds(double seconds);
    double maxSeconds() const { return m_maxSeconds; }

    /// Starts capturing from the default microphone, asking for 16 kHz mono 16-bit PCM and
    /// falling back to the device's preferred format. Returns false and emits errorOccurred
    /// (translated) when there is no input device, a recording is already running, or the
    /// device does not start.
    bool start();
    /// Starts capturing from `pcm`, an open readable device delivering interleaved PCM in
    /// `format` (any sample format and channel count; channels are averaged to mono). The
    /// device is read every 50 ms and on readyRead; it is not owned and must outlive the
    /// recording (a device destroyed mid-recording ends it as by stop()). Returns false and
    /// emits errorOccurred for an invalid format, an unreadable device, or while recording.
    bool start(QIODevice* pcm, const QAudioFormat& format);
    /// Ends the recording and delivers what was captured through finished() (resampled to
    /// kRecordSampleRate). A recording with no sound at all emits errorOccurred instead.
    /// No-op when idle.
    void stop();
    /// Ends the recording and discards it; emits cancelled(). No-op when idle.
    void cancel();

    bool isRecording() const { return m_recording; }
    /// Seconds captured so far in the running (or last) recording.
    double elapsedSeconds() const;
    /// Peak of the latest 50 ms of sound, in [0, 1].
    float level() const { return m_level; }

signals:
    /// A recording began (from either start()).
    void started();
    /// The peak absolute sample of each 50 ms block of sound, in [0, 1] (20 per second of
    /// sound), and the seconds captured so far.
    void levelChanged(float peak, double elapsedSeconds);
    /// The recording ended and holds sound: mono, samples in [-1, 1], kRecordSampleRate Hz
    /// (or the capture rate if resampling failed); reachedLimit when the limit stopped it.
    void finished(const weft::AudioClip& clip, bool reachedLimit);
    /// cancel() discarded the recording.
    void cancelled();
    /// Something went wrong (translated, for the user). When the device failed after sound
    /// was captured, finished() delivers that sound first, so nothing recorded is lost.
    void errorOccurred(const QString& message);

private:
    bool begin(QIODevice* pcm, const QAudioFormat& format);
    void drain();
    void append(const char* data, qint64 bytes);
    void finish(bool reachedLimit);
    void teardown();
    void onSourceStateChanged();

    QAudioSource* m_source = nullptr; ///< the microphone, when start() opened one
    QPointer<QIODevice> m_device;
    QAudioFormat m_format;
    QTimer m_poll;
    QByteArray m_partialFrame; ///< bytes of a frame split across two reads
    weft::AudioClip m_clip;    ///< at the capture rate until finish()
    qint64 m_maxFrames = 0;
    qint64 m_blockFrames = 1;
    qint64 m_blockFill = 0;
    float m_blockPeak = 0.0f;
    float m_level = 0.0f;
    double m_maxSeconds = kDefaultRecordSeconds;
    bool m_recording = false;
};

} // namespace weft::ui

Q_DECLARE_METATYPE(weft::AudioClip)
