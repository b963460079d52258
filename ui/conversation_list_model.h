#pragma once
// The sidebar's list of stored conversations (title, last change, searchable text).
// GUI thread only.

#include <QAbstractListModel>
#include <QDateTime>

namespace weft::ui {

class ConversationStore;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, SearchRole, UpdatedRole, GeneratingRole };

    explicit ConversationListModel(const ConversationStore& store, QObject* parent = nullptr);

    /// Re-reads every conversation folder (titles and text for search).
    void reload();
    /// Re-reads one conversation (after a save) in place; a new one is added at the top.
    void refresh(const QString& id);
    /// Marks the conversation whose answer is being written (empty: none). Its row shows
    /// "(answering…)" after the title and GeneratingRole is true.
    void setGenerating(const QString& id);
    const QString& generatingId() const { return m_generating; }
    /// Row of a conversation, -1 when absent.
    int rowOf(const QString& id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

private:
    struct Entry {
        QString id;
        QString title;
        QDateTime updated;
        QString search;
    };
    bool read(const QString& id, Entry& entry) const;

    const ConversationStore& m_store;
    QList<Entry> m_entries;
    QString m_generating;
};

} // namespace weft::ui
