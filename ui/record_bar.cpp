#include "ui/record_bar.h"

#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>
#include <cmath>

#include "ui/audio_recorder.h"

// The record bar was part of the Composer, and the shipped translations (translations/weft_*.ts)
// hold its strings under the Composer's context: they keep that context here.

namespace weft::ui {
namespace {

// The meter spans -60 dBFS (empty) to 0 dBFS (full), as level meters do: speech peaks around
// -20 dBFS, which a linear bar would show as a sliver.
constexpr double kMeterFloorDb = -60.0;

int meterValue(float peak)
{
    if (!(peak > 0.0f))
        return 0;
    const double db = 20.0 * std::log10(double(peak));
    return static_cast<int>(std::lround(std::clamp((db - kMeterFloorDb) / -kMeterFloorDb, 0.0, 1.0) * 100.0));
}

} // namespace

RecordBar::RecordBar(QWidget* parent) : QWidget(parent)
{
    m_recorder = new AudioRecorder(this);
    m_record = new QPushButton(QCoreApplication::translate("weft::ui::Composer", "● Record"), this);
    m_record->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Record a sound"));
    buildRecordPanel();
    m_saveRecording = new QPushButton(QCoreApplication::translate("weft::ui::Composer", "Save recording"), this);
    m_saveRecording->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Try to save the recording again"));
    m_discardRecording = new QPushButton(QCoreApplication::translate("weft::ui::Composer", "Discard"), this);
    m_discardRecording->setAccessibleName(
        QCoreApplication::translate("weft::ui::Composer", "Discard the recording that could not be saved"));
    m_devices = new QMediaDevices(this);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_record);
    layout->addWidget(m_recordPanel);
    layout->addWidget(m_saveRecording);
    layout->addWidget(m_discardRecording);

    connect(m_record, &QPushButton::clicked, this, &RecordBar::startRecording);
    connect(m_saveRecording, &QPushButton::clicked, this, &RecordBar::retrySaveRecording);
    connect(m_discardRecording, &QPushButton::clicked, this, &RecordBar::discardUnsavedRecording);
    connectRecorder();
    connect(m_devices, &QMediaDevices::audioInputsChanged, this, &RecordBar::updateRecordAvailability);
    updateRecordAvailability();
}

void RecordBar::buildRecordPanel()
{
    m_recordPanel = new QWidget(this);
    m_recordPanel->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Recording"));
    auto* panel = new QHBoxLayout(m_recordPanel);
    panel->setContentsMargins(0, 0, 0, 0);
    m_recordTime = new QLabel(m_recordPanel);
    m_recordTime->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Recording time"));
    m_recordTime->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_level = new QProgressBar(m_recordPanel);
    m_level->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Microphone level"));
    m_level->setRange(0, 100);
    m_level->setValue(0);
    m_level->setTextVisible(false);
    m_level->setFixedSize(96, 12);
    m_stopRecording = new QPushButton(QCoreApplication::translate("weft::ui::Composer", "■ Stop"), m_recordPanel);
    m_stopRecording->setAccessibleName(
        QCoreApplication::translate("weft::ui::Composer", "Stop recording and attach the sound"));
    m_cancelRecording = new QPushButton(QCoreApplication::translate("weft::ui::Composer", "Cancel"), m_recordPanel);
    m_cancelRecording->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Discard the recording"));
    panel->addWidget(m_recordTime);
    panel->addWidget(m_level);
    panel->addWidget(m_stopRecording);
    panel->addWidget(m_cancelRecording);
    m_recordPanel->hide();
}

void RecordBar::connectRecorder()
{
    connect(m_stopRecording, &QPushButton::clicked, m_recorder, &AudioRecorder::stop);
    connect(m_cancelRecording, &QPushButton::clicked, m_recorder, &AudioRecorder::cancel);
    connect(m_recorder, &AudioRecorder::started, this, &RecordBar::onRecordingStarted);
    connect(m_recorder, &AudioRecorder::levelChanged, this, &RecordBar::onLevel);
    connect(m_recorder, &AudioRecorder::finished, this, &RecordBar::onRecorded);
    connect(m_recorder, &AudioRecorder::cancelled, this, &RecordBar::onRecordingEnded);
    connect(m_recorder, &AudioRecorder::errorOccurred, this, [this](const QString& text) {
        onRecordingEnded();
        emit message(text);
    });
}

void RecordBar::setRecordLimit(double seconds)
{
    m_recorder->setMaxSeconds(seconds);
    updateRecordControls();
}

void RecordBar::updateRecordAvailability()
{
    m_noInputReason.clear();
    AudioRecorder::inputAvailable(&m_noInputReason);
    updateRecordControls();
}

void RecordBar::finishRecording()
{
    if (m_recorder->isRecording())
        m_recorder->stop(); // delivers through finished() or errorOccurred() synchronously
}

void RecordBar::updateRecordControls()
{
    const bool recording = m_recorder->isRecording();
    const bool unsaved = hasUnsavedRecording();
    m_recordPanel->setVisible(recording);
    m_record->setVisible(!recording);
    m_record->setEnabled(m_noInputReason.isEmpty() && !unsaved);
    if (!m_noInputReason.isEmpty())
        m_record->setToolTip(m_noInputReason);
    else if (unsaved)
        m_record->setToolTip(QCoreApplication::translate("weft::ui::Composer", "Save or discard the last recording first."));
    else
        m_record->setToolTip(QCoreApplication::translate("weft::ui::Composer", "Record up to %1 s from the microphone")
                                 .arg(m_recorder->maxSeconds(), 0, 'g', 3));
    m_saveRecording->setVisible(unsaved);
    m_discardRecording->setVisible(unsaved);
}

void RecordBar::startRecording()
{
    if (hasUnsavedRecording() || m_recorder->isRecording())
        return;
    m_recorder->start(); // failures arrive through errorOccurred
}

void RecordBar::onRecordingStarted()
{
    emit message({});
    onLevel(0.0f, 0.0);
    updateRecordControls();
    m_stopRecording->setFocus();
}

void RecordBar::onLevel(float peak, double seconds)
{
    m_level->setValue(meterValue(peak));
    m_recordTime->setText(QCoreApplication::translate("weft::ui::Composer", "● %1 / %2 s")
                              .arg(seconds, 0, 'f', 1)
                              .arg(m_recorder->maxSeconds(), 0, 'f', 1));
}

void RecordBar::onRecordingEnded()
{
    m_level->setValue(0);
    updateRecordControls();
}

void RecordBar::onRecorded(const weft::AudioClip& clip, bool /*reachedLimit*/)
{
    onRecordingEnded();
    storeRecording(clip);
}

bool RecordBar::storeRecording(const weft::AudioClip& clip)
{
    QString error;
    const QString path = m_recordingWriter ? m_recordingWriter(clip, &error) : QString();
    if (path.isEmpty()) {
        // The sound stays in memory until a write succeeds or the user discards it.
        m_unsavedClip = clip;
        updateRecordControls();
        if (error.isEmpty())
            error = QCoreApplication::translate("weft::ui::Composer", "Recordings cannot be saved here.");
        emit message(QCoreApplication::translate("weft::ui::Composer",
                                                 "%1\nThe recording is kept: press Save recording to try again, or Discard.")
                         .arg(error));
        return false;
    }
    m_unsavedClip = weft::AudioClip();
    updateRecordControls();
    Attachment a;
    QString refused;
    if (!attachmentFromFile(path, a, refused)) {
        emit message(refused);
        return false;
    }
    emit recorded(a);
    return true;
}

bool RecordBar::retrySaveRecording()
{
    if (!hasUnsavedRecording())
        return false;
    return storeRecording(m_unsavedClip);
}

void RecordBar::discardUnsavedRecording()
{
    m_unsavedClip = weft::AudioClip();
    emit message({});
    updateRecordControls();
}

} // namespace weft::ui
