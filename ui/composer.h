#pragma once
// The composer: multi-line text (Enter sends, Shift+Enter breaks the line), an attachment
// strip with thumbnails and remove buttons, Attach / Examples / Send / Stop buttons. Accepts
// files, images and text by drag and drop and from the clipboard. Refused files are named
// in a message under the text (and in the refused() signal); nothing is thrown.
// GUI thread only.

#include <QList>
#include <QPlainTextEdit>
#include <QWidget>

#include "ui/attachment.h"

class QHBoxLayout;
class QLabel;
class QMimeData;
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

class Composer : public QWidget {
    Q_OBJECT
public:
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
    /// The last refusal message shown (empty when none).
    QString lastMessage() const;
    ComposerEdit* editor() const { return m_edit; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* stopButton() const { return m_stop; }

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

    ComposerEdit* m_edit = nullptr;
    QWidget* m_strip = nullptr;
    QHBoxLayout* m_stripLayout = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_attach = nullptr;
    QPushButton* m_examples = nullptr;
    QPushButton* m_send = nullptr;
    QPushButton* m_stop = nullptr;
    QList<Attachment> m_attachments;
};

} // namespace weft::ui
