#pragma once
// The composer's attachment strip: one chip per attachment (a thumbnail, or "¶ text" /
// "♪ 1.5 s" for text and sounds, the name, and a ✕ button that removes it), hidden while
// empty. It holds the list of attachments that the composer sends. GUI thread only.

#include <QList>
#include <QWidget>

#include "ui/attachment.h"

class QHBoxLayout;

namespace weft::ui {

class AttachmentStrip : public QWidget {
    Q_OBJECT
public:
    explicit AttachmentStrip(QWidget* parent = nullptr);

    const QList<Attachment>& attachments() const { return m_attachments; }
    /// Adds `attachments` after those shown (already validated: see attachmentFromFile).
    void append(const QList<Attachment>& attachments);
    /// Removes the attachment at `index`; out-of-range indices are ignored. Safe to call from
    /// that chip's own ✕ button.
    void removeAt(int index);
    /// Removes every attachment and hides the strip.
    void clear();

private:
    /// Replaces the chips with one per attachment and shows the strip when there are any.
    void rebuild();
    QWidget* makeChip(const Attachment& attachment, int index);

    QHBoxLayout* m_layout = nullptr;
    QList<Attachment> m_attachments;
};

} // namespace weft::ui
