#pragma once
// The open conversation and what happens to it: sending, streaming answers, regenerating,
// editing and resending (both make branches), switching branches, reproducing from meta.
// Turns are saved through ConversationStore after every change; answers come from the
// EngineHost. Lives on the GUI thread; never blocks on the engine.

#include <QElapsedTimer>
#include <QImage>
#include <QList>
#include <QObject>
#include <QTimer>

#include <map>
#include <set>

#include "ui/app_settings.h"
#include "ui/attachment.h"
#include "ui/conversation_store.h"
#include "ui/conversation_writer.h"
#include "ui/engine_types.h"

namespace weft::ui {

class EngineHost;

class ChatController : public QObject {
    Q_OBJECT
public:
    ChatController(ConversationStore& store, EngineHost& engine, QObject* parent = nullptr);

    void setSettings(const AppSettings& settings) { m_settings = settings; }
    const AppSettings& settings() const { return m_settings; }

    /// Opens a stored conversation. False (and errorOccurred) when it cannot be read.
    bool open(const QString& id);
    /// Creates and opens a new empty conversation. Returns its id (empty on failure).
    QString createNew();
    /// Forgets the open conversation (after deleting it).
    void close();
    bool hasConversation() const { return !m_current.id.isEmpty(); }
    const StoredConversation& current() const { return m_current; }
    /// Renames the open conversation and saves it.
    bool rename(const QString& title);

    /// Sends a user turn: attachments (in order) then the text. Creates a conversation when
    /// none is open. Refuses (false + errorOccurred) while a reply runs or when empty.
    /// `examplePairs` > 0: the first 2N images are N before/after pairs and the next one the
    /// query (the example-pair builder's message); kept with the message and shown as pairs.
    bool send(const QString& text, const QList<Attachment>& attachments, int examplePairs = 0);
    /// An example-pair message edited in the builder, sent again as a new branch beside
    /// `userNodeId` (attachments already in media/ are not copied again). Refuses like send().
    bool resendExamples(int userNodeId, const QString& instruction, const QList<Attachment>& attachments,
                        int examplePairs);
    /// Writes a recorded clip as a 16-bit PCM mono WAV (weft::saveAudioWav: temporary file then
    /// rename) into the open conversation's media/ folder as `rec-<16 hex digits>.wav`,
    /// creating a conversation first when none is open. Returns the file's absolute path, or
    /// an empty string and a translated `error` when nothing could be written (no file is left
    /// behind and no existing file is touched). Attachments inside media/ are not copied
    /// again on send. GUI thread; blocks on the disk for the write (~130 KB for 4 s).
    QString saveRecording(const weft::AudioClip& clip, QString* error = nullptr);
    /// Regenerates an assistant message with a new seed as a new branch. -1: the last answer,
    /// or, when the last message is a question without an answer, answers that question.
    bool regenerate(int assistantNodeId = -1);
    /// Regenerates with the seed and options stored in the message's meta (same output). When
    /// the loaded model's hash (or the device) differs from the meta's, the reply still runs and
    /// the notice line says so (reproduceDifference).
    bool reproduce(int assistantNodeId);
    /// Replaces a user message's text in a new branch and asks again; media is kept.
    bool editAndResend(int userNodeId, const QString& text);
    /// Answers the last user message again when it has no answer (after a crash or error).
    bool retry();
    /// Shows another branch at `nodeId`'s position.
    void switchBranch(int nodeId, int delta);
    /// Stops the running reply (returns immediately; the engine stops within one token).
    void stop();

    bool isGenerating() const { return m_requestId != 0; }
    /// The conversation the running reply belongs to (empty when none runs). The reply lands
    /// there even when another conversation is open meanwhile.
    QString generatingConversationId() const;
    /// True while a reply for the open conversation runs (what the chat shows as pending).
    bool isGeneratingHere() const { return isGenerating() && generatingConversationId() == m_current.id; }
    /// The answer being streamed: text so far, last image preview, progress.
    const QString& pendingText() const { return m_pendingText; }
    const QImage& pendingImage() const { return m_pendingImage; }
    int pendingStep() const { return m_pendingStep; }
    int pendingTotal() const { return m_pendingTotal; }
    /// A failure or notice shown at the end of the open chat (not saved); empty when none.
    /// A notice about another conversation (its reply failed or was stopped while it was not
    /// open) is kept for it and shown when it is opened again.
    const QString& notice() const { return m_notice; }
    /// True when the last message is a user message without an answer.
    bool needsAnswer() const;
    /// Renames a stored conversation (the open one or another); saved through the same writer
    /// as every turn, failures reported and retried the same way.
    bool renameConversation(const QString& id, const QString& title);
    /// Blocks until every save queued so far is on disk (saves run on a writer thread).
    void flushSaves() { m_writer.flush(); }
    /// flushSaves(), then handles the writer's results at once (unsaved state is current after
    /// it). GUI thread; for closing the window.
    void settleSaves();

    /// Conversations whose newest state is not on disk because its save failed. Each is
    /// retried on its own, after 1 s, then 2, 4, … up to 30 s between tries, until it succeeds.
    bool hasUnsaved() const { return !m_unsaved.empty(); }
    int unsavedCount() const { return static_cast<int>(m_unsaved.size()); }
    /// The last save error (English, from the store); empty when everything is saved.
    const QString& lastSaveError() const { return m_lastSaveError; }
    /// Seconds until the next automatic try (0 when nothing is unsaved).
    int retrySeconds() const { return m_retryTimer->isActive() ? (m_retryTimer->remainingTime() + 999) / 1000 : 0; }
    /// Writes every unsaved conversation now, on this thread (blocks on the disk). True when
    /// all are on disk; otherwise `error` says why.
    bool retryUnsavedNow(QString* error = nullptr);
    /// Writes a copy of every unsaved conversation (both files and its media/) into
    /// `<folder>/<id>/`, atomically per file. True when every copy was written. The unsaved
    /// state stays (the real folder still lacks the change) and retries go on.
    bool saveUnsavedCopies(const QString& folder, QString* error = nullptr);

signals:
    void conversationChanged();
    void pendingChanged();
    void generatingChanged(bool generating);
    void errorOccurred(const QString& message);
    /// A save reached the disk.
    void conversationSaved(const QString& id);
    /// hasUnsaved() changed, or the next retry's delay did.
    void unsavedChanged();
    /// Emitted when a reply finished or failed; `milliseconds` since the request was sent.
    void replyCompleted(bool ok, qint64 milliseconds);

private:
    struct Pending {
        QString conversationId;
        int parentNodeId = 0;
    };
    bool startReply(int parentNodeId, const weft::ReplyOptions& options);
    bool saveCurrent();
    /// A user message from text and attachments (media copied into the open conversation,
    /// created when none is open; the title set when empty). False + errorOccurred when empty,
    /// too long or a file cannot be added.
    bool buildUserMessage(const QString& text, const QList<Attachment>& attachments, weft::Message& message);
    /// Marks the new question `nodeId` (its example pairs), saves it and asks the engine with
    /// a seed by the seed policy.
    bool ask(int nodeId, int examplePairs);
    /// Queues a snapshot on the writer and keeps it as that conversation's newest state (what
    /// a retry writes again).
    void enqueueSave(SaveJob job);
    void onWritten(const QString& id, bool ok, const QString& error);
    void retryUnsaved();
    void onReplyFinished(const ReplyResult& result);
    void onReplyFailed(quint64 id, const QString& message, bool cancelled);
    void clearPending();
    bool refuseWhileBusy();
    /// Shows `text` in the open chat when `conversationId` is open, else keeps it for that
    /// conversation until it is opened.
    void setNoticeFor(const QString& conversationId, const QString& text);
    /// Adds a finished reply below its question: in the open conversation, or (the user
    /// switched chats meanwhile) in the stored one, saved through the same writer.
    void attachReply(const QString& conversationId, int parentNodeId, const ReplyResult& result);

    ConversationStore& m_store;
    EngineHost& m_engine;
    ConversationWriter m_writer;
    AppSettings m_settings;
    StoredConversation m_current;
    std::map<quint64, Pending> m_requests;
    quint64 m_requestId = 0;
    QElapsedTimer m_requestTimer;
    QString m_pendingText;
    QImage m_pendingImage;
    int m_pendingStep = 0;
    int m_pendingTotal = 0;
    QString m_notice;
    std::map<QString, QString> m_otherNotices; ///< conversation id -> notice kept for it
    struct Queued {
        SaveJob job;      ///< the newest snapshot queued for that conversation
        int inFlight = 0; ///< jobs queued and not yet written
    };
    std::map<QString, Queued> m_queued;
    std::set<QString> m_unsaved; ///< ids whose newest save failed
    QString m_lastSaveError;
    QString m_saveFailurePrefix; ///< the translated "Saving failed…" text before the error
    QTimer* m_retryTimer = nullptr;
    int m_retryDelayMs = 1000;
};

/// The note shown in the chat when the engine shortened the conversation to fit the model's
/// context (translated); empty when nothing was left out. GUI thread (uses tr()).
QString contextNoticeText(const weft::ContextNotice& notice);

/// Why reproducing an answer with `loaded` will not give the same output (translated): the
/// model hash in its meta differs from the loaded model's, or the device it ran on differs.
/// Empty when they match or the meta does not say. GUI thread (uses tr()).
QString reproduceDifference(const weft::MessageMeta& meta, const ModelSummary& loaded);

/// Reply options recorded in a message's meta (names as the engine writes them).
weft::ReplyOptions optionsFromMeta(const weft::MessageMeta& meta, const weft::ReplyOptions& fallback);

} // namespace weft::ui
