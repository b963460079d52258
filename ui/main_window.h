#pragma once
// The main window: conversation sidebar, chat canvas, composer, menus and shortcuts, the
// model-loading status, the undo bar for deleted conversations. It wires the parts together
// and owns no engine or file logic itself. GUI thread only.

#include <QMainWindow>

#include "ui/app_settings.h"
#include "ui/chat_view.h"

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;

namespace weft::ui {

class ChatController;
class Composer;
class ConversationListModel;
class ConversationSidebar;
class ConversationStore;
class EngineHost;
class ExamplePairDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `store` and `engine` must outlive the window. Loads the conversation list and opens
    /// the most recent conversation; does not start loading the model (see startModelLoad).
    MainWindow(ConversationStore& store, EngineHost& engine, const AppSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Starts loading the configured model in the background; progress shows in the status bar.
    void startModelLoad();

    ChatController& controller() const { return *m_controller; }
    ChatView* chatView() const { return m_chat; }
    Composer* composer() const { return m_composer; }
    ConversationSidebar* sidebar() const { return m_sidebar; }
    ConversationListModel* conversationList() const { return m_list; }
    QLabel* modelStatus() const { return m_modelStatus; }
    /// The status bar's unsaved marker ("● Not saved, next try in 2 s"); hidden when all is saved.
    QLabel* unsavedMarker() const { return m_unsaved; }
    QAction* sendAction() const { return m_send; }
    QAction* stopAction() const { return m_stop; }
    QAction* newChatAction() const { return m_newChat; }
    QAction* regenerateAction() const { return m_regenerate; }
    /// Id of the conversation whose deletion can still be undone (empty when none).
    const QString& pendingUndoId() const { return m_undoId; }
    /// Restores the last deleted conversation.
    void undoDelete();
    /// Deletes a conversation (undoable until the next delete or quit).
    void deleteConversation(const QString& id);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    /// The constructor's steps, in order.
    void createParts(const AppSettings& settings);
    /// Builds the hidden undo bar shown after a delete; returns its Undo button.
    QPushButton* buildUndoBar();
    void layOut();
    void buildStatusBar();
    void buildMenus();
    void connectSidebar();
    void connectController();
    void connectComposer();
    void connectChatView();
    void connectEngine();
    /// Loads the conversation list, empties the trash and opens the most recent conversation.
    void openMostRecent();

    void onImageAction(ImageAction action, const QString& path, const QImage& image, int nodeId);
    void openViewer(const QString& path, const QImage& image, int nodeId);
    void openExampleBuilder(const QString& firstImagePath = {});
    /// Opens the builder on an example-pair message's pairs, query and instruction.
    void editExamples(int nodeId);
    /// Runs the builder until it is sent (as a new message, or with replaceNodeId > 0 as a new
    /// branch of that one) or cancelled; a refused send reopens it with everything kept.
    void runExampleBuilder(ExamplePairDialog& dialog, int replaceNodeId);
    void openSettings();
    void openModelCard();
    void exportFolder();
    void exportHtml();
    void editMessage(int nodeId);
    void sendFromComposer();
    /// Sends a starter of the empty chat (text and files) through the composer.
    void sendStarter(const QString& text, const QStringList& paths, const QString& error);
    void showError(const QString& message);
    /// Updates the unsaved marker and the title's asterisk from the controller.
    void showUnsaved();
    /// When a conversation is not saved, asks Retry / Save a copy elsewhere / Quit anyway /
    /// Cancel until it is saved, copied or given up. True when the window may close. Modal.
    bool confirmQuitUnsaved();

    ConversationStore& m_store;
    EngineHost& m_engine;
    ChatController* m_controller = nullptr;
    ConversationListModel* m_list = nullptr;
    ConversationSidebar* m_sidebar = nullptr;
    ChatView* m_chat = nullptr;
    Composer* m_composer = nullptr;
    QWidget* m_undoBar = nullptr;
    QLabel* m_undoLabel = nullptr;
    QLabel* m_modelStatus = nullptr;
    QLabel* m_unsaved = nullptr;
    QProgressBar* m_modelProgress = nullptr;
    QAction* m_send = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_newChat = nullptr;
    QAction* m_regenerate = nullptr;
    QString m_undoId;
};

} // namespace weft::ui
