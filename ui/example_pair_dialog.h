#pragma once
// Builder for in-context requests (X-Prompt / CoDi-2 A:A'::B:?): the user drops before/after
// pairs and a query image; the result is one message holding the pairs' images, then the
// query image, then the instruction text ("do the same" by default). GUI thread only.

#include <QDialog>
#include <QLabel>
#include <QList>
#include <QPair>

#include "ui/attachment.h"


class QLineEdit;
class QPushButton;
class QToolButton;
class QGridLayout;
class QMimeData;

namespace weft::ui {

/// A square that takes one image by drop or by clicking (file dialog).
class ImageSlot : public QLabel {
    Q_OBJECT
public:
    explicit ImageSlot(const QString& role, QWidget* parent = nullptr);
    bool hasImage() const { return m_filled; }
    const Attachment& attachment() const { return m_attachment; }
    /// Fills the slot from a file; false (and the message in error) when refused.
    bool setFile(const QString& path, QString& error);
    bool setImage(const QImage& image, QString& error);
    bool takeMimeData(const QMimeData* mime, QString& error);
    /// Empties the slot (its ✕ button and the Delete key do this).
    void clear();
    /// The ✕ button shown while the slot holds an image.
    QToolButton* clearButton() const { return m_clear; }

signals:
    void refused(const QString& message);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void showAttachment(const Attachment& a);
    QString m_role;
    QToolButton* m_clear = nullptr;
    Attachment m_attachment;
    bool m_filled = false;
};

class ExamplePairDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExamplePairDialog(QWidget* parent = nullptr);

    /// Adds a before/after row (two empty slots). Returns its index.
    int addPair();
    ImageSlot* beforeSlot(int pair) const { return m_before.value(pair); }
    ImageSlot* afterSlot(int pair) const { return m_after.value(pair); }
    ImageSlot* querySlot() const { return m_query; }
    QLineEdit* instructionField() const { return m_instruction; }

    /// Fills the builder from an earlier message: pairs (added as needed), query, instruction.
    /// False with `error` when a file cannot be used.
    bool fill(const QList<QPair<QString, QString>>& pairs, const QString& queryPath, const QString& instruction,
              QString& error);
    /// Non-empty: Send is disabled and `why` is shown (a reply is running); the pairs stay.
    void setBusyReason(const QString& why);
    /// Shows `text` in the builder's message line (why the last Send did not go through).
    void setMessage(const QString& text);
    QPushButton* sendButton() const { return m_send; }

    /// Complete pairs then the query, in the order the model expects. Empty when not valid.
    QList<Attachment> attachments() const;
    /// Number of complete before/after pairs in attachments().
    int pairCount() const;
    QString instruction() const;
    /// Why the request is not ready ("add a query image", ...), empty when it is.
    QString problem() const;

private:
    QGridLayout* m_grid = nullptr;
    QList<ImageSlot*> m_before;
    QList<ImageSlot*> m_after;
    ImageSlot* m_query = nullptr;
    QLineEdit* m_instruction = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_send = nullptr;
};

} // namespace weft::ui
