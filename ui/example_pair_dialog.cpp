#include "ui/example_pair_dialog.h"

#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace weft::ui {

ImageSlot::ImageSlot(const QString& role, QWidget* parent) : QLabel(parent), m_role(role)
{
    setAcceptDrops(true);
    setFixedSize(120, 120);
    setAlignment(Qt::AlignCenter);
    setFrameShape(QFrame::Box);
    setWordWrap(true);
    setText(tr("%1\n(drop or click)").arg(role));
    setAccessibleName(role);
    setCursor(Qt::PointingHandCursor);
    setFocusPolicy(Qt::StrongFocus);
    m_clear = new QToolButton(this);
    m_clear->setText(QStringLiteral("✕"));
    m_clear->setAccessibleName(tr("Clear %1").arg(role));
    m_clear->setToolTip(m_clear->accessibleName());
    m_clear->move(width() - 26, 2);
    m_clear->hide();
    connect(m_clear, &QToolButton::clicked, this, &ImageSlot::clear);
}

void ImageSlot::clear()
{
    m_attachment = Attachment();
    m_filled = false;
    setPixmap(QPixmap());
    setText(tr("%1\n(drop or click)").arg(m_role));
    setToolTip(QString());
    setAccessibleDescription(QString());
    m_clear->hide();
}

void ImageSlot::keyPressEvent(QKeyEvent* event)
{
    if (m_filled && (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace)) {
        clear();
        return;
    }
    QLabel::keyPressEvent(event);
}

void ImageSlot::showAttachment(const Attachment& a)
{
    m_attachment = a;
    m_filled = true;
    setPixmap(QPixmap::fromImage(a.thumbnail));
    setToolTip(a.name);
    setAccessibleDescription(a.name);
    m_clear->show();
    m_clear->raise();
}

bool ImageSlot::setFile(const QString& path, QString& error)
{
    Attachment a;
    if (!attachmentFromFile(path, a, error))
        return false;
    if (a.kind != Attachment::Kind::Image) {
        error = tr("%1 is not an image.").arg(a.name);
        return false;
    }
    showAttachment(a);
    return true;
}

bool ImageSlot::setImage(const QImage& image, QString& error)
{
    Attachment a;
    if (!attachmentFromImage(image, m_role, a, error))
        return false;
    showAttachment(a);
    return true;
}

bool ImageSlot::takeMimeData(const QMimeData* mime, QString& error)
{
    if (mime->hasUrls() && mime->urls().first().isLocalFile())
        return setFile(mime->urls().first().toLocalFile(), error);
    if (mime->hasImage())
        return setImage(qvariant_cast<QImage>(mime->imageData()), error);
    error = tr("Drop an image file here.");
    return false;
}

void ImageSlot::mousePressEvent(QMouseEvent*)
{
    const QString path = QFileDialog::getOpenFileName(this, m_role, QString(), attachmentFileFilter());
    QString error;
    if (!path.isEmpty() && !setFile(path, error))
        emit refused(error);
}

void ImageSlot::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void ImageSlot::dropEvent(QDropEvent* event)
{
    QString error;
    if (takeMimeData(event->mimeData(), error))
        event->acceptProposedAction();
    else
        emit refused(error);
}

ExamplePairDialog::ExamplePairDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Example pairs"));
    setAccessibleName(tr("Example pairs"));
    auto* intro = new QLabel(tr("Show the change with one or more before → after pairs, then give the image to change the same way."), this);
    intro->setWordWrap(true);
    m_grid = new QGridLayout;
    m_grid->addWidget(new QLabel(tr("Before"), this), 0, 0);
    m_grid->addWidget(new QLabel(tr("After"), this), 0, 1);
    m_query = new ImageSlot(tr("Query image"), this);
    m_instruction = new QLineEdit(QStringLiteral("do the same"), this);
    m_instruction->setAccessibleName(tr("Instruction"));
    m_message = new QLabel(this);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->setAccessibleName(tr("Builder message"));
    auto* add = new QPushButton(tr("Add pair"), this);
    add->setAccessibleName(tr("Add an example pair"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_send = buttons->button(QDialogButtonBox::Ok);
    m_send->setText(tr("Send"));

    auto* queryRow = new QHBoxLayout;
    queryRow->addWidget(m_query);
    queryRow->addWidget(m_instruction, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(m_grid);
    layout->addWidget(add, 0, Qt::AlignLeft);
    layout->addWidget(new QLabel(tr("Query"), this));
    layout->addLayout(queryRow);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    addPair();
    addPair();
    connect(m_query, &ImageSlot::refused, m_message, &QLabel::setText);
    connect(add, &QPushButton::clicked, this, &ExamplePairDialog::addPair);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        const QString why = problem();
        m_message->setText(why);
        if (why.isEmpty())
            accept();
    });
}

int ExamplePairDialog::addPair()
{
    const int index = static_cast<int>(m_before.size());
    auto* before = new ImageSlot(tr("Before %1").arg(index + 1), this);
    auto* after = new ImageSlot(tr("After %1").arg(index + 1), this);
    connect(before, &ImageSlot::refused, m_message, &QLabel::setText);
    connect(after, &ImageSlot::refused, m_message, &QLabel::setText);
    m_before.append(before);
    m_after.append(after);
    m_grid->addWidget(before, index + 1, 0);
    m_grid->addWidget(after, index + 1, 1);
    return index;
}

bool ExamplePairDialog::fill(const QList<QPair<QString, QString>>& pairs, const QString& queryPath,
                             const QString& instruction, QString& error)
{
    while (m_before.size() < pairs.size())
        addPair();
    for (int i = 0; i < pairs.size(); ++i) {
        if (!m_before[i]->setFile(pairs[i].first, error) || !m_after[i]->setFile(pairs[i].second, error))
            return false;
    }
    m_instruction->setText(instruction);
    return m_query->setFile(queryPath, error);
}

void ExamplePairDialog::setBusyReason(const QString& why)
{
    m_send->setEnabled(why.isEmpty());
    m_message->setText(why);
}

void ExamplePairDialog::setMessage(const QString& text)
{
    m_message->setText(text);
}

int ExamplePairDialog::pairCount() const
{
    int complete = 0;
    for (int i = 0; i < m_before.size(); ++i)
        complete += m_before[i]->hasImage() && m_after[i]->hasImage();
    return complete;
}

QString ExamplePairDialog::problem() const
{
    int complete = 0;
    for (int i = 0; i < m_before.size(); ++i) {
        const bool b = m_before[i]->hasImage();
        const bool a = m_after[i]->hasImage();
        if (b != a)
            return tr("Pair %1 needs both a before and an after image.").arg(i + 1);
        complete += b && a;
    }
    if (complete == 0)
        return tr("Add at least one complete before → after pair.");
    if (!m_query->hasImage())
        return tr("Add the query image.");
    return {};
}

QList<Attachment> ExamplePairDialog::attachments() const
{
    QList<Attachment> out;
    if (!problem().isEmpty())
        return out;
    for (int i = 0; i < m_before.size(); ++i) {
        if (m_before[i]->hasImage() && m_after[i]->hasImage())
            out << m_before[i]->attachment() << m_after[i]->attachment();
    }
    out << m_query->attachment();
    return out;
}

QString ExamplePairDialog::instruction() const
{
    const QString text = m_instruction->text().trimmed();
    return text.isEmpty() ? QStringLiteral("do the same") : text;
}

} // namespace weft::ui
