#include "ui/attachment_strip.h"

#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace weft::ui {

// The strip was part of the Composer, and the shipped translations (translations/weft_*.ts)
// hold its strings under the Composer's context: they keep that context here.

AttachmentStrip::AttachmentStrip(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Attachments"));
    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->addStretch();
    hide();
}

void AttachmentStrip::append(const QList<Attachment>& attachments)
{
    m_attachments.append(attachments);
    rebuild();
}

void AttachmentStrip::removeAt(int index)
{
    if (index < 0 || index >= m_attachments.size())
        return;
    m_attachments.removeAt(index);
    rebuild();
}

void AttachmentStrip::clear()
{
    m_attachments.clear();
    rebuild();
}

void AttachmentStrip::rebuild()
{
    while (m_layout->count() > 1) {
        QLayoutItem* item = m_layout->takeAt(0);
        // The remove button that triggered this rebuild is still inside clicked().
        if (QWidget* w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    for (int i = 0; i < m_attachments.size(); ++i)
        m_layout->insertWidget(i, makeChip(m_attachments[i], i));
    setVisible(!m_attachments.isEmpty());
}

QWidget* AttachmentStrip::makeChip(const Attachment& a, int index)
{
    auto* chip = new QWidget(this);
    auto* chipLayout = new QVBoxLayout(chip);
    chipLayout->setContentsMargins(2, 2, 2, 2);
    auto* preview = new QLabel(chip);
    if (a.kind == Attachment::Kind::Image)
        preview->setPixmap(QPixmap::fromImage(a.thumbnail));
    else
        preview->setText(a.kind != Attachment::Kind::Audio
                             ? QCoreApplication::translate("weft::ui::Composer", "¶ text")
                         : a.seconds > 0 ? QCoreApplication::translate("weft::ui::Composer", "♪ %1 s").arg(a.seconds, 0, 'f', 1)
                                         : QCoreApplication::translate("weft::ui::Composer", "♪ sound"));
    preview->setFixedSize(96, 96);
    preview->setAlignment(Qt::AlignCenter);
    preview->setFrameShape(QFrame::StyledPanel);
    preview->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Attachment %1").arg(a.name));
    auto* name = new QLabel(a.name, chip);
    name->setMaximumWidth(96);
    name->setToolTip(a.name);
    auto* remove = new QToolButton(chip);
    remove->setText(QStringLiteral("✕"));
    remove->setToolTip(QCoreApplication::translate("weft::ui::Composer", "Remove %1").arg(a.name));
    remove->setAccessibleName(QCoreApplication::translate("weft::ui::Composer", "Remove attachment %1").arg(a.name));
    connect(remove, &QToolButton::clicked, this, [this, index] { removeAt(index); });
    auto* row = new QHBoxLayout;
    row->addWidget(name, 1);
    row->addWidget(remove);
    chipLayout->addWidget(preview);
    chipLayout->addLayout(row);
    return chip;
}

} // namespace weft::ui
