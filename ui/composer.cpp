#include "ui/composer.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/attachment_strip.h"

namespace weft::ui {

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
    buildEditor();
    buildButtons();
    layOut();
    connectParts();
}

void Composer::buildEditor()
{
    m_edit = new ComposerEdit(this);
    m_edit->setPlaceholderText(tr("Write a message, or drop images, sounds and text here"));
    m_edit->setAccessibleName(tr("Message"));
    m_edit->setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line"));
    m_edit->setMinimumHeight(60);
    m_edit->setMaximumHeight(140);

    m_strip = new AttachmentStrip(this);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Composer message"));
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->hide();
}

void Composer::buildButtons()
{
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
    m_recordBar = new RecordBar(this);
}

void Composer::layOut()
{
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_attach);
    buttons->addWidget(m_examples);
    buttons->addWidget(m_recordBar);
    buttons->addStretch();
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_strip);
    layout->addWidget(m_edit);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
}

void Composer::connectParts()
{
    connect(m_edit, &ComposerEdit::submit, this, &Composer::submit);
    connect(m_send, &QPushButton::clicked, this, &Composer::submit);
    connect(m_stop, &QPushButton::clicked, this, &Composer::stopRequested);
    connect(m_attach, &QPushButton::clicked, this, &Composer::browse);
    connect(m_examples, &QPushButton::clicked, this, &Composer::examplesRequested);
    connect(m_edit, &ComposerEdit::mediaReceived, this, &Composer::takeMimeData);
    connect(m_recordBar, &RecordBar::recorded, this, [this](const Attachment& a) {
        m_strip->append({a});
        showMessage({});
    });
    connect(m_recordBar, &RecordBar::message, this, &Composer::showMessage);
}

void Composer::submit()
{
    if (m_stop->isVisible())
        return;
    // Sending while recording sends the sound too: the record bar delivers and attaches it
    // synchronously.
    m_recordBar->finishRecording();
    emit sendRequested(text(), m_strip->attachments());
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
    m_strip->clear();
    m_message->hide();
    m_message->clear();
}

const QList<Attachment>& Composer::attachments() const
{
    return m_strip->attachments();
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
    QList<Attachment> added;
    QStringList problems;
    for (const QString& path : paths) {
        Attachment a;
        QString error;
        if (!attachmentFromFile(path, a, error)) {
            problems << error;
            continue;
        }
        added.append(a);
    }
    m_strip->append(added);
    showMessage(problems.join(QLatin1Char('\n')));
    return static_cast<int>(added.size());
}

bool Composer::addImage(const QImage& image, const QString& name)
{
    Attachment a;
    QString error;
    if (!attachmentFromImage(image, name, a, error)) {
        showMessage(error);
        return false;
    }
    m_strip->append({a});
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
    m_strip->removeAt(index);
}

void Composer::setGenerating(bool generating)
{
    m_send->setVisible(!generating);
    m_stop->setVisible(generating);
}

void Composer::setRecordLimit(double seconds)
{
    m_recordBar->setRecordLimit(seconds);
}

void Composer::updateRecordAvailability()
{
    m_recordBar->updateRecordAvailability();
}

bool Composer::retrySaveRecording()
{
    return m_recordBar->retrySaveRecording();
}

void Composer::discardUnsavedRecording()
{
    m_recordBar->discardUnsavedRecording();
}

void Composer::browse()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Attach files"), QString(), attachmentFileFilter());
    if (!files.isEmpty())
        addFiles(files);
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
