#include "ui/composer.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMediaDevices>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/audio_recorder.h"

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

ComposerEdit::ComposerEdit(QWidget* parent) : QPlainTextEdit(parent)
{
    setTabChangesFocus(true);
}

void ComposerEdit::keyPressEvent(QKeyEvent* event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        emit submit();
        return;
    }
    if (enter) {
        // Shift+Enter: a plain newline rather than a Unicode line separator.
        insertPlainText(QStringLiteral("\n"));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

bool ComposerEdit::canInsertFromMimeData(const QMimeData* source) const
{
    return source->hasUrls() || source->hasImage() || QPlainTextEdit::canInsertFromMimeData(source);
}

void ComposerEdit::insertFromMimeData(const QMimeData* source)
{
    if (source->hasUrls() || source->hasImage()) {
        emit mediaReceived(source);
        return;
    }
    insertPlainText(source->text());
}

Composer::Composer(QWidget* parent) : QWidget(parent)
{
    setAcceptDrops(true);
    m_edit = new ComposerEdit(this);
    m_edit->setPlaceholderText(tr("Write a message, or drop images, sounds and text here"));
    m_edit->setAccessibleName(tr("Message"));
    m_edit->setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line"));
    m_edit->setMinimumHeight(60);
    m_edit->setMaximumHeight(140);

    m_strip = new QWidget(this);
    m_strip->setAccessibleName(tr("Attachments"));
    m_stripLayout = new QHBoxLayout(m_strip);
    m_stripLayout->setContentsMargins(0, 0, 0, 0);
    m_stripLayout->addStretch();
    m_strip->hide();

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Composer message"));
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->hide();

    m_attach = new QPushButton(tr("Attach…"), this);
    m_attach->setAccessibleName(tr("Attach files"));
    m_examples = new QPushButton(tr("Example pairs…"), this);
    m_examples->setAccessibleName(tr("Build an example-pair request"));
    m_send = new QPushButton(tr("Send"), this);
    m_send->setAccessibleName(tr("Send message"));
    m_send->setDefault(true);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setAccessibleName(tr("Stop generating"));
    m_stop->hide();

    m_recorder = new AudioRecorder(this);
    m_record = new QPushButton(tr("● Record"), this);
    m_record->setAccessibleName(tr("Record a sound"));
    m_recordPanel = new QWidget(this);
    m_recordPanel->setAccessibleName(tr("Recording"));
    auto* panel = new QHBoxLayout(m_recordPanel);
    panel->setContentsMargins(0, 0, 0, 0);
    m_recordTime = new QLabel(m_recordPanel);
    m_recordTime->setAccessibleName(tr("Recording time"));
    m_recordTime->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_level = new QProgressBar(m_recordPanel);
    m_level->setAccessibleName(tr("Microphone level"));
    m_level->setRange(0, 100);
    m_level->setValue(0);
    m_level->setTextVisible(false);
    m_level->setFixedSize(96, 12);
    m_stopRecording = new QPushButton(tr("■ Stop"), m_recordPanel);
    m_stopRecording->setAccessibleName(tr("Stop recording and attach the sound"));
    m_cancelRecording = new QPushButton(tr("Cancel"), m_recordPanel);
    m_cancelRecording->setAccessibleName(tr("Discard the recording"));
    panel->addWidget(m_recordTime);
    panel->addWidget(m_level);
    panel->addWidget(m_stopRecording);
    panel->addWidget(m_cancelRecording);
    m_recordPanel->hide();
    m_saveRecording = new QPushButton(tr("Save recording"), this);
    m_saveRecording->setAccessibleName(tr("Try to save the recording again"));
    m_discardRecording = new QPushButton(tr("Discard"), this);
    m_discardRecording->setAccessibleName(tr("Discard the recording that could not be saved"));
    m_devices = new QMediaDevices(this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_attach);
    buttons->addWidget(m_examples);
    buttons->addWidget(m_record);
    buttons->addWidget(m_recordPanel);
    buttons->addWidget(m_saveRecording);
    buttons->addWidget(m_discardRecording);
    buttons->addStretch();
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_strip);
    layout->addWidget(m_edit);
    layout->addWidget(m_message);
    layout->addLayout(buttons);

    auto submit = [this] {
        if (m_stop->isVisible())
            return;
        // Sending while recording sends the sound too: stop() delivers and attaches it
        // synchronously.
        if (m_recorder->isRecording())
            m_recorder->stop();
        emit sendRequested(text(), m_attachments);
    };
    connect(m_edit, &ComposerEdit::submit, this, submit);
    connect(m_send, &QPushButton::clicked, this, submit);
    connect(m_stop, &QPushButton::clicked, this, &Composer::stopRequested);
    connect(m_attach, &QPushButton::clicked, this, &Composer::browse);
    connect(m_examples, &QPushButton::clicked, this, &Composer::examplesRequested);
    connect(m_edit, &ComposerEdit::mediaReceived, this, &Composer::takeMimeData);
    connect(m_record, &QPushButton::clicked, this, &Composer::startRecording);
    connect(m_stopRecording, &QPushButton::clicked, m_recorder, &AudioRecorder::stop);
    connect(m_cancelRecording, &QPushButton::clicked, m_recorder, &AudioRecorder::cancel);
    connect(m_saveRecording, &QPushButton::clicked, this, &Composer::retrySaveRecording);
    connect(m_discardRecording, &QPushButton::clicked, this, &Composer::discardUnsavedRecording);
    connect(m_recorder, &AudioRecorder::started, this, &Composer::onRecordingStarted);
    connect(m_recorder, &AudioRecorder::levelChanged, this, &Composer::onLevel);
    connect(m_recorder, &AudioRecorder::finished, this, &Composer::onRecorded);
    connect(m_recorder, &AudioRecorder::cancelled, this, &Composer::onRecordingEnded);
    connect(m_recorder, &AudioRecorder::errorOccurred, this, [this](const QString& message) {
        onRecordingEnded();
        showMessage(message);
    });
    connect(m_devices, &QMediaDevices::audioInputsChanged, this, &Composer::updateRecordAvailability);
    updateRecordAvailability();
}

QString Composer::text() const
{
    return m_edit->toPlainText();
}

void Composer::setText(const QString& text)
{
    m_edit->setPlainText(text);
    m_edit->moveCursor(QTextCursor::End);
}

void Composer::clear()
{
    m_edit->clear();
    m_attachments.clear();
    m_message->hide();
    m_message->clear();
    rebuildStrip();
}

QString Composer::lastMessage() const
{
    return m_message->text();
}

void Composer::showMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    if (!message.isEmpty())
        emit refused(message);
}

int Composer::addFiles(const QStringList& paths)
{
    int added = 0;
    QStringList problems;
    for (const QString& path : paths) {
        Attachment a;
        QString error;
        if (!attachmentFromFile(path, a, error)) {
            problems << error;
            continue;
        }
        m_attachments.append(a);
        ++added;
    }
    rebuildStrip();
    showMessage(problems.join(QLatin1Char('\n')));
    return added;
}

bool Composer::addImage(const QImage& image, const QString& name)
{
    Attachment a;
    QString error;
    if (!attachmentFromImage(image, name, a, error)) {
        showMessage(error);
        return false;
    }
    m_attachments.append(a);
    rebuildStrip();
    showMessage({});
    return true;
}

bool Composer::takeMimeData(const QMimeData* mime)
{
    if (!mime)
        return false;
    if (mime->hasUrls()) {
        QStringList files;
        QStringList remote;
        for (const QUrl& url : mime->urls()) {
            if (url.isLocalFile())
                files << url.toLocalFile();
            else
                remote << url.toString();
        }
        if (!files.isEmpty()) {
            addFiles(files);
            if (!remote.isEmpty())
                showMessage(tr("Only local files can be attached: %1").arg(remote.join(QStringLiteral(", "))));
            return true;
        }
    }
    if (mime->hasImage()) {
        return addImage(qvariant_cast<QImage>(mime->imageData()), tr("Pasted image"));
    }
    if (mime->hasText()) {
        m_edit->insertPlainText(mime->text());
        return true;
    }
    showMessage(tr("This data cannot be attached (only files, images and text)."));
    return false;
}

void Composer::removeAttachment(int index)
{
    if (index < 0 || index >= m_attachments.size())
        return;
    m_attachments.removeAt(index);
    rebuildStrip();
}

void Composer::setGenerating(bool generating)
{
    m_send->setVisible(!generating);
    m_stop->setVisible(generating);
}

void Composer::setRecordLimit(double seconds)
{
    m_recorder->setMaxSeconds(seconds);
    updateRecordControls();
}

void Composer::updateRecordAvailability()
{
    m_noInputReason.clear();
    AudioRecorder::inputAvailable(&m_noInputReason);
    updateRecordControls();
}

void Composer::updateRecordControls()
{
    const bool recording = m_recorder->isRecording();
    const bool unsaved = hasUnsavedRecording();
    m_recordPanel->setVisible(recording);
    m_record->setVisible(!recording);
    m_record->setEnabled(m_noInputReason.isEmpty() && !unsaved);
    if (!m_noInputReason.isEmpty())
        m_record->setToolTip(m_noInputReason);
    else if (unsaved)
        m_record->setToolTip(tr("Save or discard the last recording first."));
    else
        m_record->setToolTip(tr("Record up to %1 s from the microphone").arg(m_recorder->maxSeconds(), 0, 'g', 3));
    m_saveRecording->setVisible(unsaved);
    m_discardRecording->setVisible(unsaved);
}

void Composer::startRecording()
{
    if (hasUnsavedRecording() || m_recorder->isRecording())
        return;
    m_recorder->start(); // failures arrive through errorOccurred
}

void Composer::onRecordingStarted()
{
    showMessage({});
    onLevel(0.0f, 0.0);
    updateRecordControls();
    m_stopRecording->setFocus();
}

void Composer::onLevel(float peak, double seconds)
{
    m_level->setValue(meterValue(peak));
    m_recordTime->setText(tr("● %1 / %2 s").arg(seconds, 0, 'f', 1).arg(m_recorder->maxSeconds(), 0, 'f', 1));
}

void Composer::onRecordingEnded()
{
    m_level->setValue(0);
    updateRecordControls();
}

void Composer::onRecorded(const weft::AudioClip& clip, bool /*reachedLimit*/)
{
    onRecordingEnded();
    storeRecording(clip);
}

bool Composer::storeRecording(const weft::AudioClip& clip)
{
    QString error;
    const QString path = m_recordingWriter ? m_recordingWriter(clip, &error) : QString();
    if (path.isEmpty()) {
        // The sound stays in memory until a write succeeds or the user discards it.
        m_unsavedClip = clip;
        updateRecordControls();
        if (error.isEmpty())
            error = tr("Recordings cannot be saved here.");
        showMessage(tr("%1\nThe recording is kept: press Save recording to try again, or Discard.").arg(error));
        return false;
    }
    m_unsavedClip = weft::AudioClip();
    updateRecordControls();
    Attachment a;
    QString refused;
    if (!attachmentFromFile(path, a, refused)) {
        showMessage(refused);
        return false;
    }
    m_attachments.append(a);
    rebuildStrip();
    showMessage({});
    return true;
}

bool Composer::retrySaveRecording()
{
    if (!hasUnsavedRecording())
        return false;
    return storeRecording(m_unsavedClip);
}

void Composer::discardUnsavedRecording()
{
    m_unsavedClip = weft::AudioClip();
    showMessage({});
    updateRecordControls();
}

void Composer::browse()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Attach files"), QString(), attachmentFileFilter());
    if (!files.isEmpty())
        addFiles(files);
}

void Composer::rebuildStrip()
{
    while (m_stripLayout->count() > 1) {
        QLayoutItem* item = m_stripLayout->takeAt(0);
        // The remove button that triggered this rebuild is still inside clicked().
        if (QWidget* w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    for (int i = 0; i < m_attachments.size(); ++i) {
        const Attachment& a = m_attachments[i];
        auto* chip = new QWidget(m_strip);
        auto* chipLayout = new QVBoxLayout(chip);
        chipLayout->setContentsMargins(2, 2, 2, 2);
        auto* preview = new QLabel(chip);
        if (a.kind == Attachment::Kind::Image)
            preview->setPixmap(QPixmap::fromImage(a.thumbnail));
        else
            preview->setText(a.kind != Attachment::Kind::Audio ? tr("¶ text")
                             : a.seconds > 0 ? tr("♪ %1 s").arg(a.seconds, 0, 'f', 1)
                                             : tr("♪ sound"));
        preview->setFixedSize(96, 96);
        preview->setAlignment(Qt::AlignCenter);
        preview->setFrameShape(QFrame::StyledPanel);
        preview->setAccessibleName(tr("Attachment %1").arg(a.name));
        auto* name = new QLabel(a.name, chip);
        name->setMaximumWidth(96);
        name->setToolTip(a.name);
        auto* remove = new QToolButton(chip);
        remove->setText(QStringLiteral("✕"));
        remove->setToolTip(tr("Remove %1").arg(a.name));
        remove->setAccessibleName(tr("Remove attachment %1").arg(a.name));
        connect(remove, &QToolButton::clicked, this, [this, i] { removeAttachment(i); });
        auto* row = new QHBoxLayout;
        row->addWidget(name, 1);
        row->addWidget(remove);
        chipLayout->addWidget(preview);
        chipLayout->addLayout(row);
        m_stripLayout->insertWidget(i, chip);
    }
    m_strip->setVisible(!m_attachments.isEmpty());
}

void Composer::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage() || event->mimeData()->hasText())
        event->acceptProposedAction();
}

void Composer::dropEvent(QDropEvent* event)
{
    if (takeMimeData(event->mimeData()))
        event->acceptProposedAction();
}

} // namespace weft::ui
