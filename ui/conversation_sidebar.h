#pragma once
// Sidebar: search field, list of conversations, New / Rename / Delete buttons. It only emits
// what the user asked for; MainWindow acts on it. GUI thread only.

#include <QWidget>

class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace weft::ui {

class ConversationListModel;

class ConversationSidebar : public QWidget {
    Q_OBJECT
public:
    explicit ConversationSidebar(ConversationListModel& model, QWidget* parent = nullptr);

    /// Selects the row of `id` without emitting openRequested.
    void select(const QString& id);
    /// Id of the selected conversation, empty when none.
    QString selectedId() const;
    QLineEdit* searchField() const { return m_search; }
    QListView* listView() const { return m_list; }

signals:
    void newRequested();
    void openRequested(const QString& id);
    void renameRequested(const QString& id, const QString& title);
    void deleteRequested(const QString& id);

private:
    void askRename();
    void retranslate();

    ConversationListModel& m_model;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_search = nullptr;
    QListView* m_list = nullptr;
    QPushButton* m_new = nullptr;
    QPushButton* m_rename = nullptr;
    QPushButton* m_delete = nullptr;
    bool m_selecting = false;
};

} // namespace weft::ui
