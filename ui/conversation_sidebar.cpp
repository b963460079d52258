#include "ui/conversation_sidebar.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

#include "ui/conversation_list_model.h"

namespace weft::ui {

ConversationSidebar::ConversationSidebar(ConversationListModel& model, QWidget* parent)
    : QWidget(parent), m_model(model)
{
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(&m_model);
    m_proxy->setFilterRole(ConversationListModel::SearchRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_search = new QLineEdit(this);
    m_search->setClearButtonEnabled(true);
    m_list = new QListView(this);
    m_list->setModel(m_proxy);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_new = new QPushButton(this);
    m_rename = new QPushButton(this);
    m_delete = new QPushButton(this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_rename);
    buttons->addWidget(m_delete);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_new, &QPushButton::clicked, this, &ConversationSidebar::newRequested);
    connect(m_rename, &QPushButton::clicked, this, &ConversationSidebar::askRename);
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const QString id = selectedId();
        if (!id.isEmpty())
            emit deleteRequested(id);
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& index) {
        if (!m_selecting && index.isValid())
            emit openRequested(index.data(ConversationListModel::IdRole).toString());
    });
    retranslate();
}

void ConversationSidebar::retranslate()
{
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setAccessibleName(tr("Search conversations"));
    m_list->setAccessibleName(tr("Conversations"));
    m_new->setText(tr("New"));
    m_new->setAccessibleName(tr("New conversation"));
    m_rename->setText(tr("Rename"));
    m_rename->setAccessibleName(tr("Rename conversation"));
    m_delete->setText(tr("Delete"));
    m_delete->setAccessibleName(tr("Delete conversation"));
}

void ConversationSidebar::select(const QString& id)
{
    const int row = m_model.rowOf(id);
    const QModelIndex index = row < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model.index(row));
    m_selecting = true;
    m_list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_selecting = false;
}

QString ConversationSidebar::selectedId() const
{
    const QModelIndex index = m_list->currentIndex();
    return index.isValid() ? index.data(ConversationListModel::IdRole).toString() : QString();
}

void ConversationSidebar::askRename()
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid())
        return;
    bool ok = false;
    const QString title = QInputDialog::getText(this, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal,
                                                index.data(Qt::EditRole).toString(), &ok);
    if (ok && !title.trimmed().isEmpty())
        emit renameRequested(index.data(ConversationListModel::IdRole).toString(), title.trimmed());
}

} // namespace weft::ui
