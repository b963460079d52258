#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

#include <utility>

#include "ui/chat_controller.h"
#include "ui/composer.h"
#include "ui/conversation_exporter.h"
#include "ui/conversation_list_model.h"
#include "ui/conversation_sidebar.h"
#include "ui/conversation_store.h"
#include "ui/engine_host.h"
#include "ui/example_pair_dialog.h"
#include "ui/image_viewer.h"
#include "ui/model_card_dialog.h"
#include "ui/settings_dialog.h"

namespace weft::ui {

MainWindow::MainWindow(ConversationStore& store, EngineHost& engine, const AppSettings& settings, QWidget* parent)
    : QMainWindow(parent), m_store(store), m_engine(engine)
{
    // [*]: the title shows an asterisk while a conversation is not saved.
    setWindowTitle(tr("Weft") + QStringLiteral("[*]"));
    setAccessibleName(tr("Weft"));
    createParts(settings);
    QPushButton* undo = buildUndoBar();
    layOut();
    buildStatusBar();
    buildMenus();

    connect(undo, &QPushButton::clicked, this, &MainWindow::undoDelete);
    connectSidebar();
    connectController();
    connectComposer();
    connectChatView();
    connectEngine();
    openMostRecent();
    resize(1100, 760);
}

void MainWindow::createParts(const AppSettings& settings)
{
    m_controller = new ChatController(m_store, m_engine, this);
    m_controller->setSettings(settings);
    m_list = new ConversationListModel(m_store, this);
    m_sidebar = new ConversationSidebar(*m_list, this);
    m_chat = new ChatView(*m_controller, this);
    m_composer = new Composer(this);
    m_composer->setRecordLimit(settings.recordSeconds);
    m_composer->setRecordingWriter([this](const weft::AudioClip& clip, QString* error) {
        return m_controller->saveRecording(clip, error);
    });
}

QPushButton* MainWindow::buildUndoBar()
{
    m_undoBar = new QWidget(this);
    auto* undoLayout = new QHBoxLayout(m_undoBar);
    m_undoLabel = new QLabel(m_undoBar);
    auto* undo = new QPushButton(tr("Undo"), m_undoBar);
    undo->setAccessibleName(tr("Undo delete"));
    undoLayout->addWidget(m_undoLabel, 1);
    undoLayout->addWidget(undo);
    m_undoBar->hide();
    return undo;
}

void MainWindow::layOut()
{
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_undoBar);
    rightLayout->addWidget(m_chat, 1);
    rightLayout->addWidget(m_composer);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_sidebar);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 700});
    setCentralWidget(splitter);
}

void MainWindow::buildStatusBar()
{
    m_modelStatus = new QLabel(tr("No model"), this);
    m_modelStatus->setAccessibleName(tr("Model status"));
    m_modelProgress = new QProgressBar(this);
    m_modelProgress->setRange(0, 100);
    m_modelProgress->setMaximumWidth(160);
    m_modelProgress->setAccessibleName(tr("Model loading progress"));
    m_modelProgress->hide();
    m_unsaved = new QLabel(this);
    m_unsaved->setAccessibleName(tr("Unsaved changes"));
    m_unsaved->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_unsaved->hide();
    statusBar()->addWidget(m_modelStatus, 1);
    statusBar()->addPermanentWidget(m_unsaved);
    statusBar()->addPermanentWidget(m_modelProgress);
}

void MainWindow::connectSidebar()
{
    connect(m_sidebar, &ConversationSidebar::newRequested, m_newChat, &QAction::trigger);
    connect(m_sidebar, &ConversationSidebar::openRequested, this, [this](const QString& id) {
        if (id != m_controller->current().id)
            m_controller->open(id);
    });
    connect(m_sidebar, &ConversationSidebar::renameRequested, this, [this](const QString& id, const QString& title) {
        if (id == m_controller->current().id) {
            m_controller->rename(title);
            return;
        }
        m_controller->renameConversation(id, title);
    });
    connect(m_sidebar, &ConversationSidebar::deleteRequested, this, &MainWindow::deleteConversation);
}

void MainWindow::connectController()
{
    connect(m_controller, &ChatController::conversationSaved, this, [this](const QString& id) {
        m_list->refresh(id);
        if (id == m_controller->current().id)
            m_sidebar->select(id);
    });
    connect(m_controller, &ChatController::unsavedChanged, this, &MainWindow::showUnsaved);
    connect(m_controller, &ChatController::errorOccurred, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(m_controller, &ChatController::generatingChanged, this, [this](bool generating) {
        m_list->setGenerating(generating ? m_controller->generatingConversationId() : QString());
        m_composer->setGenerating(generating);
        m_stop->setEnabled(generating);
    });
}

void MainWindow::connectComposer()
{
    connect(m_composer, &Composer::sendRequested, this, &MainWindow::sendFromComposer);
    connect(m_composer, &Composer::stopRequested, m_controller, &ChatController::stop);
    connect(m_composer, &Composer::examplesRequested, this, [this] { openExampleBuilder(); });
    connect(m_composer, &Composer::refused, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
}

void MainWindow::connectChatView()
{
    connect(m_chat, &ChatView::mediaDropped, m_composer, &Composer::takeMimeData);
    connect(m_chat, &ChatView::playbackFailed, this, &MainWindow::showError);
    connect(m_chat, &ChatView::imageAction, this, &MainWindow::onImageAction);
    connect(m_chat, &ChatView::editRequested, this, &MainWindow::editMessage);
    connect(m_chat, &ChatView::examplesEditRequested, this, &MainWindow::editExamples);
    connect(m_chat, &ChatView::regenerateRequested, m_controller, [this](int id) { m_controller->regenerate(id); });
    connect(m_chat, &ChatView::reproduceRequested, m_controller, [this](int id) { m_controller->reproduce(id); });
    connect(m_chat, &ChatView::retryRequested, m_controller, [this] { m_controller->retry(); });
    connect(m_chat, &ChatView::starterChosen, this, &MainWindow::sendStarter);
}

void MainWindow::connectEngine()
{
    connect(&m_engine, &EngineHost::loadProgress, this, [this](double f) {
        m_modelProgress->show();
        m_modelProgress->setValue(static_cast<int>(f * 100));
    });
    connect(&m_engine, &EngineHost::modelLoaded, this, [this](const ModelSummary& s) {
        m_modelProgress->hide();
        m_modelStatus->setText(tr("Model %1 on %2").arg(s.name, s.device));
    });
    connect(&m_engine, &EngineHost::modelLoadFailed, this, [this](const QString& message) {
        m_modelProgress->hide();
        if (!m_engine.isModelLoaded()) {
            m_modelStatus->setText(tr("Model not loaded: %1").arg(message));
            return;
        }
        // The engine kept the model that worked; the chat goes on with it.
        const ModelSummary& kept = m_engine.model();
        m_modelStatus->setText(tr("Model %1 on %2 (the new model could not be loaded)").arg(kept.name, kept.device));
        showError(tr("The model could not be loaded: %1. Still using %2.").arg(message, kept.name));
    });
}

void MainWindow::openMostRecent()
{
    m_list->reload();
    m_store.purgeTrash();
    if (m_list->rowCount() > 0) {
        const QString id = m_list->data(m_list->index(0), ConversationListModel::IdRole).toString();
        if (m_controller->open(id))
            m_sidebar->select(id);
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_newChat = file->addAction(tr("&New conversation"), this, [this] {
        if (!m_controller->createNew().isEmpty())
            m_composer->editor()->setFocus();
    });
    m_newChat->setShortcut(QKeySequence::New);
    file->addSeparator();
    file->addAction(tr("Export as &folder…"), this, &MainWindow::exportFolder);
    file->addAction(tr("Export as &HTML page…"), this, &MainWindow::exportHtml);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* chat = menuBar()->addMenu(tr("&Chat"));
    m_send = chat->addAction(tr("&Send"), this, [this] { sendFromComposer(); });
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_stop = chat->addAction(tr("S&top"), m_controller, &ChatController::stop);
    m_stop->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stop->setEnabled(false);
    m_regenerate = chat->addAction(tr("&Regenerate"), this, [this] { m_controller->regenerate(); });
    m_regenerate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    chat->addAction(tr("&Example pairs…"), this, [this] { openExampleBuilder(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction* paste = chat->addAction(tr("&Paste into message"), this, [this] {
        m_composer->takeMimeData(QApplication::clipboard()->mimeData());
    });
    paste->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&Settings…"), this, &MainWindow::openSettings)->setShortcut(QKeySequence::Preferences);
    tools->addAction(tr("&Model card…"), this, &MainWindow::openModelCard);
}

void MainWindow::startModelLoad()
{
    const AppSettings& s = m_controller->settings();
    const QString dir = s.effectiveModelDirectory();
    m_modelStatus->setText(tr("Loading model %1…").arg(QDir::toNativeSeparators(dir)));
    m_modelProgress->setValue(0);
    m_modelProgress->show();
    m_engine.loadModel(dir, s.device, s.threads);
}

void MainWindow::sendFromComposer()
{
    if (m_controller->isGenerating())
        return;
    if (m_controller->send(m_composer->text(), m_composer->attachments()))
        m_composer->clear();
    else if (m_controller->hasConversation() && m_controller->needsAnswer())
        m_composer->clear(); // saved, waiting for the model: the chat shows Retry
}

void MainWindow::sendStarter(const QString& text, const QStringList& paths, const QString& error)
{
    if (!error.isEmpty()) {
        showError(error);
        return;
    }
    if (m_controller->isGenerating())
        return;
    // The starter replaces whatever the composer held: it is a complete request.
    m_composer->clear();
    if (m_composer->addFiles(paths) != paths.size())
        return; // the composer said why
    m_composer->setText(text);
    sendFromComposer();
}

void MainWindow::showError(const QString& message)
{
    statusBar()->showMessage(message, 8000);
}

void MainWindow::deleteConversation(const QString& id)
{
    if (!m_undoId.isEmpty())
        m_store.purgeTrash();
    QString error;
    if (!m_store.remove(id, &error)) {
        showError(error);
        return;
    }
    m_undoId = id;
    if (id == m_controller->current().id)
        m_controller->close();
    m_list->reload();
    m_undoLabel->setText(tr("Conversation deleted."));
    m_undoBar->show();
}

void MainWindow::undoDelete()
{
    if (m_undoId.isEmpty())
        return;
    QString error;
    if (!m_store.restore(m_undoId, &error)) {
        showError(error);
        return;
    }
    const QString id = m_undoId;
    m_undoId.clear();
    m_undoBar->hide();
    m_list->reload();
    if (m_controller->open(id))
        m_sidebar->select(id);
}

void MainWindow::onImageAction(ImageAction action, const QString& path, const QImage& image, int nodeId)
{
    switch (action) {
    case ImageAction::Edit:
    case ImageAction::Subject:
        if (path.isEmpty() ? !m_composer->addImage(image, tr("Image")) : m_composer->addFiles({path}) == 0)
            return;
        // The model's own phrasings (WORLD.md tasks 5 and 7) as a starting point.
        m_composer->setText(action == ImageAction::Edit ? QStringLiteral("make the ")
                                                        : QStringLiteral("this is my creature. draw it "));
        m_composer->editor()->setFocus();
        return;
    case ImageAction::Example:
        openExampleBuilder(path);
        return;
    case ImageAction::SaveAs: {
        const QString target = QFileDialog::getSaveFileName(this, tr("Save image"), QString(), tr("PNG image (*.png)"));
        if (!target.isEmpty() && !image.save(target, "PNG"))
            showError(tr("The image could not be saved to %1.").arg(target));
        return;
    }
    case ImageAction::Copy:
        QApplication::clipboard()->setImage(image);
        statusBar()->showMessage(tr("Image copied."), 3000);
        return;
    case ImageAction::View:
        openViewer(path, image, nodeId);
        return;
    }
}

void MainWindow::openViewer(const QString& path, const QImage& image, int nodeId)
{
    // An answer's image is compared with the first image of the question it answers.
    const auto& tree = m_controller->current().tree;
    QImage before;
    QString alt;
    if (tree.isValid(nodeId)) {
        const auto& node = tree.node(nodeId);
        for (std::size_t i = 0; i < node.message.segments.size(); ++i) {
            if (QString::fromStdString(node.message.segments[i].path) == path) {
                auto it = node.altTexts.find(static_cast<int>(i));
                if (it != node.altTexts.end())
                    alt = it->second;
            }
        }
        if (node.message.role == weft::Role::Assistant && tree.isValid(node.parent)) {
            for (const auto& s : tree.node(node.parent).message.segments) {
                if (s.kind == weft::SegmentKind::Image) {
                    before = readImageForDisplay(QString::fromStdString(s.path));
                    break;
                }
            }
        }
    }
    ImageViewer viewer(image, before, alt, this);
    viewer.exec();
}

void MainWindow::openExampleBuilder(const QString& firstImagePath)
{
    ExamplePairDialog dialog(this);
    if (!firstImagePath.isEmpty()) {
        QString error;
        dialog.beforeSlot(0)->setFile(firstImagePath, error);
    }
    runExampleBuilder(dialog, -1);
}

void MainWindow::editExamples(int nodeId)
{
    const auto& tree = m_controller->current().tree;
    if (!tree.isValid(nodeId) || tree.node(nodeId).examplePairs <= 0)
        return;
    const auto& node = tree.node(nodeId);
    QStringList images;
    QString text;
    for (const auto& s : node.message.segments) {
        if (s.kind == weft::SegmentKind::Image)
            images << QString::fromStdString(s.path);
        else if (s.kind == weft::SegmentKind::Text)
            text += QString::fromStdString(s.text);
    }
    if (images.size() < 2 * node.examplePairs + 1)
        return;
    QList<QPair<QString, QString>> pairs;
    for (int i = 0; i < node.examplePairs; ++i)
        pairs.append({images[2 * i], images[2 * i + 1]});
    ExamplePairDialog dialog(this);
    QString error;
    if (!dialog.fill(pairs, images[2 * node.examplePairs], text, error))
        dialog.setMessage(error);
    runExampleBuilder(dialog, nodeId);
}

void MainWindow::runExampleBuilder(ExamplePairDialog& dialog, int replaceNodeId)
{
    // While an answer is being written Send waits (and says why); the pairs stay in the builder.
    auto busy = [this, &dialog](bool generating) {
        dialog.setBusyReason(generating ? tr("An answer is being written: Send is available again when it is done. "
                                             "Your pairs stay here.")
                                        : QString());
    };
    busy(m_controller->isGenerating());
    connect(m_controller, &ChatController::generatingChanged, &dialog, busy);
    QString refusal;
    const auto refused = connect(m_controller, &ChatController::errorOccurred, &dialog,
                                 [&refusal](const QString& m) { refusal = m; });
    while (dialog.exec() == QDialog::Accepted) {
        refusal.clear();
        const auto before = std::make_pair(m_controller->current().id, m_controller->current().tree.nodeCount());
        const bool sent = replaceNodeId > 0
                              ? m_controller->resendExamples(replaceNodeId, dialog.instruction(), dialog.attachments(),
                                                             dialog.pairCount())
                              : m_controller->send(dialog.instruction(), dialog.attachments(), dialog.pairCount());
        // Saved but not answered (no model yet) counts as sent: the chat offers Retry.
        const bool saved = before != std::make_pair(m_controller->current().id, m_controller->current().tree.nodeCount());
        if (sent || saved)
            break;
        dialog.setMessage(refusal); // refused: the builder opens again with everything in it
    }
    disconnect(refused);
}

void MainWindow::editMessage(int nodeId)
{
    const auto& tree = m_controller->current().tree;
    if (!tree.isValid(nodeId))
        return;
    QString text;
    for (const auto& s : tree.node(nodeId).message.segments) {
        if (s.kind == weft::SegmentKind::Text)
            text += QString::fromStdString(s.text);
    }
    bool ok = false;
    const QString edited = QInputDialog::getMultiLineText(this, tr("Edit and resend"), tr("Message:"), text, &ok);
    if (ok)
        m_controller->editAndResend(nodeId, edited);
}

void MainWindow::openSettings()
{
    // libtorch is not linked into the UI: CUDA is offered and the engine reports if it is missing.
    SettingsDialog dialog(m_controller->settings(), true, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const AppSettings before = m_controller->settings();
    const AppSettings after = dialog.settings();
    QSettings settings;
    after.save(settings);
    m_controller->setSettings(after);
    m_composer->setRecordLimit(after.recordSeconds);
    if (before.modelDirectory != after.modelDirectory || before.device != after.device || before.threads != after.threads)
        startModelLoad();
    if (before.language != after.language)
        statusBar()->showMessage(tr("The language changes at the next start."), 6000);
}

void MainWindow::openModelCard()
{
    const QString dir = m_engine.isModelLoaded() ? m_engine.model().directory
                                                 : m_controller->settings().effectiveModelDirectory();
    ModelCardDialog dialog(dir, m_engine.model(), this);
    dialog.exec();
}

void MainWindow::exportFolder()
{
    if (!m_controller->hasConversation())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export to folder"));
    if (dir.isEmpty())
        return;
    QString error;
    if (weft::ui::exportFolder(m_controller->current(), dir, &error))
        statusBar()->showMessage(tr("Exported to %1.").arg(QDir::toNativeSeparators(dir)), 5000);
    else
        showError(tr("Export failed: %1").arg(error));
}

void MainWindow::exportHtml()
{
    if (!m_controller->hasConversation())
        return;
    const QString file = QFileDialog::getSaveFileName(this, tr("Export as HTML page"), QString(), tr("HTML page (*.html)"));
    if (file.isEmpty())
        return;
    QString error;
    if (weft::ui::exportHtml(m_controller->current(), file, &error))
        statusBar()->showMessage(tr("Exported to %1.").arg(QDir::toNativeSeparators(file)), 5000);
    else
        showError(tr("Export failed: %1").arg(error));
}

void MainWindow::showUnsaved()
{
    const bool unsaved = m_controller->hasUnsaved();
    setWindowModified(unsaved);
    m_unsaved->setVisible(unsaved);
    if (!unsaved)
        return;
    const int seconds = m_controller->retrySeconds();
    m_unsaved->setText(seconds > 0 ? tr("● Not saved, next try in %1 s").arg(seconds) : tr("● Not saved"));
    m_unsaved->setToolTip(m_controller->lastSaveError());
}

bool MainWindow::confirmQuitUnsaved()
{
    while (m_controller->hasUnsaved()) {
        QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                        tr("%n conversation(s) could not be saved: %1\nIf you quit now, the last changes are lost.", "",
                           m_controller->unsavedCount()).arg(m_controller->lastSaveError()),
                        QMessageBox::NoButton, this);
        QPushButton* retry = box.addButton(tr("Retry"), QMessageBox::AcceptRole);
        QPushButton* copy = box.addButton(tr("Save a copy elsewhere…"), QMessageBox::ActionRole);
        QPushButton* quit = box.addButton(tr("Quit anyway"), QMessageBox::DestructiveRole);
        box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(retry);
        box.exec();
        if (box.clickedButton() == quit)
            return true;
        if (box.clickedButton() == retry) {
            m_controller->retryUnsavedNow();
            continue;
        }
        if (box.clickedButton() != copy)
            return false; // Cancel or Esc: keep the window open
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Save a copy of the unsaved conversations"));
        QString error;
        if (dir.isEmpty())
            continue;
        if (m_controller->saveUnsavedCopies(dir, &error)) {
            statusBar()->showMessage(tr("A copy was saved in %1.").arg(QDir::toNativeSeparators(dir)), 5000);
            return true;
        }
        QMessageBox::warning(this, tr("Unsaved changes"), tr("The copy could not be saved: %1").arg(error));
    }
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_controller->stop();
    // Every queued save reaches the disk (or fails) before deciding whether anything is lost.
    m_controller->settleSaves();
    if (!confirmQuitUnsaved()) {
        event->ignore();
        return;
    }
    m_store.purgeTrash();
    event->accept();
}

} // namespace weft::ui
