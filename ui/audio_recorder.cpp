#include "ui/audio_recorder.h"

#include <QAudioDevice>
#include <QAudioSource>
#include <QIODevice>
#include <QMediaDevices>

#include <algorithm>
#include <cmath>

#include "weft/audio.h"

namespace weft::ui {
namespace {

// The poll interval matches the level block: a microphone delivers in ~10-40 ms chunks
// through readyRead, but a QBuffer (tests) or a quiet backend never signals, so the timer
// guarantees progress at the meter's rate either way.
constexpr int kPollMs = 50;

QString sourceErrorText(QAudio::Error error)
{
    switch (error) {
    case QAudio::OpenError:
        return AudioRecorder::tr("the microphone could not be opened");
    case QAudio::IOError:
        return AudioRecorder::tr("the microphone stopped delivering sound");
    case QAudio::FatalError:
        return AudioRecorder::tr("the audio system failed");
    case QAudio::UnderrunError:
    case QAudio::NoError:
        break;
    }
    return AudioRecorder::tr("the microphone failed");
}

} // namespace

AudioRecorder::AudioRecorder(QObject* parent) : QObject(parent)
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &AudioRecorder::drain);
}

AudioRecorder::~AudioRecorder()
{
    // Stops the device before members go; no signal is emitted from a destructor.
    blockSignals(true);
    teardown();
}

bool AudioRecorder::inputAvailable(QString* why)
{
    if (!QMediaDevices::defaultAudioInput().isNull())
        return true;
    if (why)
        *why = tr("No microphone was found: recording needs an audio input device.");
    return false;
}

void AudioRecorder::setMaxSeconds(double seconds)
{
    if (!std::isfinite(seconds))
        seconds = kDefaultRecordSeconds;
    m_maxSeconds = std::clamp(seconds, kMinRecordSeconds, kMaxRecordSeconds);
}

double AudioRecorder::elapsedSeconds() const
{
    return m_clip.sampleRate > 0 ? double(m_clip.samples.size()) / m_clip.sampleRate : 0.0;
}

bool AudioRecorder::start()
{
    if (m_recording) {
        emit errorOccurred(tr("A recording is already running."));
        return false;
    }
    QString why;
    if (!inputAvailable(&why)) {
        emit errorOccurred(why);
        return false;
    }
    const QAudioDevice device = QMediaDevices::defaultAudioInput();
    QAudioFormat format;
    format.setSampleRate(kRecordSampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    // Most microphones offer 16 kHz mono; the others are read in their own format and the
    // clip is resampled at the end, which costs less than a second of CPU for 30 s.
    if (!device.isFormatSupported(format))
        format = device.preferredFormat();
    auto* source = new QAudioSource(device, format, this);
    QIODevice* io = source->start();
    if (!io || source->error() != QAudio::NoError) {
        const QString reason = sourceErrorText(source->error());
        source->deleteLater();
        emit errorOccurred(tr("Recording could not start: %1.").arg(reason));
        return false;
    }
    m_source = source;
    connect(m_source, &QAudioSource::stateChanged, this, &AudioRecorder::onSourceStateChanged);
    if (!begin(io, format)) {
        teardown();
        return false;
    }
    return true;
}

bool AudioRecorder::start(QIODevice* pcm, const QAudioFormat& format)
{
    if (m_recording) {
        emit errorOccurred(tr("A recording is already running."));
        return false;
    }
    return begin(pcm, format);
}

bool AudioRecorder::begin(QIODevice* pcm, const QAudioFormat& format)
{
    if (!format.isValid() || format.bytesPerFrame() <= 0 || format.sampleRate() <= 0 ||
        format.sampleRate() > weft::MediaLimits{}.maxAudioSampleRate) { // the engine's cap on any rate
        emit errorOccurred(tr("Recording could not start: the sound format is not supported."));
        return false;
    }
    if (!pcm || !pcm->isReadable()) {
        emit errorOccurred(tr("Recording could not start: the sound source cannot be read."));
        return false;
    }
    m_device = pcm;
    m_format = format;
    m_partialFrame.clear();
    m_clip = weft::AudioClip();
    m_clip.sampleRate = format.sampleRate();
    m_maxFrames = std::max<qint64>(1, std::llround(m_maxSeconds * format.sampleRate()));
    // Reserved once: appending never reallocates while the level meter is being driven.
    m_clip.samples.reserve(static_cast<std::size_t>(m_maxFrames));
    m_blockFrames = std::max<qint64>(1, std::llround(kLevelBlockSeconds * format.sampleRate()));
    m_blockFill = 0;
    m_blockPeak = 0.0f;
    m_level = 0.0f;
    m_recording = true;
    connect(pcm, &QIODevice::readyRead, this, &AudioRecorder::drain);
    m_poll.start();
    emit started();
    return true;
}

void AudioRecorder::drain()
{
    if (!m_recording)
        return;
    if (!m_device) {
        // The source went away (a test's buffer destroyed, a backend torn down): keep what
        // was captured rather than losing it.
        finish(false);
        return;
    }
    const QByteArray data = m_device->readAll();
    if (!data.isEmpty())
        append(data.constData(), data.size());
}

void AudioRecorder::append(const char* data, qint64 bytes)
{
    const int frameBytes = m_format.bytesPerFrame();
    const int sampleBytes = m_format.bytesPerSample();
    const int channels = m_format.channelCount();
    // A frame split across two reads is completed from the front of the new data.
    QByteArray joined;
    if (!m_partialFrame.isEmpty()) {
        joined = m_partialFrame + QByteArray::fromRawData(data, static_cast<qsizetype>(bytes));
        m_partialFrame.clear();
        data = joined.constData();
        bytes = joined.size();
    }
    const qint64 frames = bytes / frameBytes;
    for (qint64 f = 0; f < frames; ++f) {
        const char* frame = data + f * frameBytes;
        float sum = 0.0f;
        for (int c = 0; c < channels; ++c)
            sum += m_format.normalizedSampleValue(frame + c * sampleBytes);
        float sample = sum / float(channels);
        // Float formats pass through unclamped, and a broken driver may send NaN.
        if (!std::isfinite(sample))
            sample = 0.0f;
        sample = std::clamp(sample, -1.0f, 1.0f);
        m_clip.samples.push_back(sample);
        m_blockPeak = std::max(m_blockPeak, std::fabs(sample));
        if (++m_blockFill == m_blockFrames) {
            m_level = m_blockPeak;
            m_blockFill = 0;
            m_blockPeak = 0.0f;
            emit levelChanged(m_level, elapsedSeconds());
            if (!m_recording)
                return; // a receiver stopped or cancelled the recording
        }
        if (qint64(m_clip.samples.size()) >= m_maxFrames) {
            finish(true);
            return;
        }
    }
    const qint64 rest = bytes - frames * frameBytes;
    if (rest > 0)
        m_partialFrame = QByteArray(data + frames * frameBytes, static_cast<qsizetype>(rest));
}

void AudioRecorder::stop()
{
    if (!m_recording)
        return;
    drain(); // what the device holds belongs to the recording
    if (m_recording)
        finish(false);
}

void AudioRecorder::cancel()
{
    if (!m_recording)
        return;
    teardown();
    m_clip.samples.clear();
    emit cancelled();
}

void AudioRecorder::finish(bool reachedLimit)
{
    teardown();
    weft::AudioClip clip = m_clip;
    if (clip.empty()) {
        emit errorOccurred(tr("Nothing was recorded: the microphone delivered no sound."));
        return;
    }
    if (clip.sampleRate != kRecordSampleRate) {
        // Delivered at the model's rate; if resampling fails the capture rate is kept (the
        // engine resamples on its own), so the recording is never dropped for it.
        auto resampled = weft::resampleAudio(clip, kRecordSampleRate);
        if (resampled.ok())
            clip = std::move(resampled.value());
    }
    emit finished(clip, reachedLimit);
}

void AudioRecorder::teardown()
{
    m_recording = false;
    m_poll.stop();
    if (m_device)
        disconnect(m_device, nullptr, this, nullptr);
    m_device = nullptr;
    m_partialFrame.clear();
    if (m_source) {
        // deleteLater: teardown may run inside the source's own stateChanged emission.
        disconnect(m_source, nullptr, this, nullptr);
        m_source->stop();
        m_source->deleteLater();
        m_source = nullptr;
    }
}

void AudioRecorder::onSourceStateChanged()
{
    if (!m_source || !m_recording || m_source->error() == QAudio::NoError)
        return;
    const QString reason = sourceErrorText(m_source->error());
    const bool captured = !m_clip.samples.empty();
    if (captured)
        finish(false);
    else
        teardown();
    emit errorOccurred(captured ? tr("Recording ended early: %1. The sound so far is kept.").arg(reason)
                                : tr("Recording failed: %1.").arg(reason));
}

} // namespace weft::ui
