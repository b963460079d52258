#include "ui/conversation_list_model.h"

#include "ui/conversation_store.h"

namespace weft::ui {

ConversationListModel::ConversationListModel(const ConversationStore& store, QObject* parent)
    : QAbstractListModel(parent), m_store(store)
{
}

bool ConversationListModel::read(const QString& id, Entry& entry) const
{
    StoredConversation c;
    if (!m_store.load(id, c))
        return false;
    entry.id = id;
    entry.title = c.title;
    entry.updated = c.updated;
    entry.search = c.title.toLower() + QLatin1Char('\n') + c.tree.searchText();
    return true;
}

void ConversationListModel::reload()
{
    beginResetModel();
    m_entries.clear();
    for (const QString& id : m_store.list()) {
        Entry e;
        if (read(id, e))
            m_entries.append(e);
    }
    endResetModel();
}

void ConversationListModel::refresh(const QString& id)
{
    Entry e;
    if (!read(id, e))
        return;
    // Updated in place: moving rows would move the list's current index and with it the
    // open conversation. The order by date is applied on reload().
    const int row = rowOf(id);
    if (row >= 0) {
        m_entries[row] = e;
        emit dataChanged(index(row), index(row));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_entries.prepend(e);
    endInsertRows();
}

void ConversationListModel::setGenerating(const QString& id)
{
    if (id == m_generating)
        return;
    const QString before = m_generating;
    m_generating = id;
    for (const QString& changed : {before, id}) {
        const int row = rowOf(changed);
        if (!changed.isEmpty() && row >= 0)
            emit dataChanged(index(row), index(row));
    }
}

int ConversationListModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].id == id)
            return i;
    }
    return -1;
}

int ConversationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry& e = m_entries[index.row()];
    switch (role) {
    case Qt::DisplayRole: {
        const QString title = e.title.isEmpty() ? tr("New conversation") : e.title;
        return e.id == m_generating ? tr("%1 (answering…)").arg(title) : title;
    }
    case Qt::EditRole:
        return e.title.isEmpty() ? tr("New conversation") : e.title;
    case GeneratingRole:
        return e.id == m_generating;
    case Qt::ToolTipRole:
        return QLocale().toString(e.updated.toLocalTime(), QLocale::ShortFormat);
    case IdRole:
        return e.id;
    case SearchRole:
        return e.search;
    case UpdatedRole:
        return e.updated;
    default:
        return {};
    }
}

} // namespace weft::ui
