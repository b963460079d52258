#include "ui/chat_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "ui/engine_host.h"
#include "ui/retrieved_source.h"
#include "weft/audio.h"

namespace weft::ui {
namespace {

constexpr int kTitleLength = 48;
// Conversation files cap one text segment at 64 KiB; leave room for the encoding.
constexpr int kMaxTextBytes = 60 * 1024;

double metaValue(const weft::MessageMeta& meta, const char* name, double fallback)
{
    auto it = meta.options.find(name);
    return it != meta.options.end() ? it->second : fallback;
}

// Copies every file of `from` into `to` (created when needed), keeping files already there.
// False with `error` (translated) at the first file that cannot be copied.
bool copyMediaFolder(const QString& from, const QString& to, QString* error)
{
    const QDir source(from);
    const QStringList names = source.entryList(QDir::Files);
    if (names.isEmpty())
        return true;
    if (!QDir().mkpath(to)) {
        *error = ChatController::tr("%1: cannot create folder").arg(to);
        return false;
    }
    for (const QString& name : names) {
        const QString target = QDir(to).filePath(name);
        if (QFile::exists(target))
            continue;
        // Media are capped at 64 MiB (ConversationStore::kMaxMediaBytes): one read, one atomic write.
        QFile in(source.filePath(name));
        QSaveFile out(target);
        if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0 ||
            !out.commit()) {
            *error = ChatController::tr("%1 could not be copied").arg(source.filePath(name));
            return false;
        }
    }
    return true;
}

// A retrieved picture is described as its source is (the worker describes only what it drew).
void describeRetrieved(ConversationTree& tree, int answerNodeId)
{
    auto& answer = tree.node(answerNodeId);
    for (std::size_t i = 0; i < answer.message.segments.size(); ++i) {
        const RetrievedSource source = findRetrievedSource(tree, answerNodeId, i);
        if (source.place == RetrievedSource::Place::None || answer.altTexts.count(static_cast<int>(i)))
            continue;
        const auto& from = tree.node(source.nodeId).altTexts;
        if (auto alt = from.find(source.segment); alt != from.end())
            answer.altTexts[static_cast<int>(i)] = alt->second;
    }
}

} // namespace

weft::ReplyOptions optionsFromMeta(const weft::MessageMeta& meta, const weft::ReplyOptions& fallback)
{
    weft::ReplyOptions o = fallback;
    o.seed = meta.seed;
    o.temperature = static_cast<float>(metaValue(meta, "temperature", o.temperature));
    o.topK = static_cast<int>(metaValue(meta, "top_k", o.topK));
    o.topP = static_cast<float>(metaValue(meta, "top_p", o.topP));
    o.guidanceScale = static_cast<float>(metaValue(meta, "guidance_scale", o.guidanceScale));
    o.maxTextTokens = static_cast<int>(metaValue(meta, "max_text_tokens", o.maxTextTokens));
    o.compressExamples = metaValue(meta, "compress_examples", o.compressExamples ? 1 : 0) != 0;
    return o;
}

ChatController::ChatController(ConversationStore& store, EngineHost& engine, QObject* parent)
    : QObject(parent), m_store(store), m_engine(engine)
{
    connect(&m_engine, &EngineHost::textDelta, this, [this](quint64 id, const QString& delta) {
        if (id != m_requestId)
            return;
        m_pendingText += delta;
        emit pendingChanged();
    });
    connect(&m_engine, &EngineHost::imageReady, this, [this](quint64 id, const QImage& image) {
        if (id != m_requestId)
            return;
        m_pendingImage = image;
        emit pendingChanged();
    });
    connect(&m_engine, &EngineHost::progress, this, [this](quint64 id, int, int step, int total) {
        if (id != m_requestId)
            return;
        m_pendingStep = step;
        m_pendingTotal = total;
        emit pendingChanged();
    });
    connect(&m_writer, &ConversationWriter::written, this, &ChatController::onWritten);
    m_retryTimer = new QTimer(this);
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &ChatController::retryUnsaved);
    connect(&m_engine, &EngineHost::replyFinished, this, &ChatController::onReplyFinished);
    connect(&m_engine, &EngineHost::replyFailed, this, &ChatController::onReplyFailed);
}

bool ChatController::open(const QString& id)
{
    // A save of it still on the writer's queue must reach the disk before it is read back.
    if (auto queued = m_queued.find(id); queued != m_queued.end() && queued->second.inFlight > 0)
        m_writer.flush();
    StoredConversation loaded;
    QString error;
    if (!m_store.load(id, loaded, &error)) {
        emit errorOccurred(tr("The conversation could not be opened: %1").arg(error));
        return false;
    }
    m_current = std::move(loaded);
    m_notice.clear();
    if (auto kept = m_otherNotices.find(id); kept != m_otherNotices.end()) {
        m_notice = kept->second;
        m_otherNotices.erase(kept);
    } else if (!m_current.recovered.isEmpty())
        m_notice = tr("Recovered after an interrupted save: %1").arg(m_current.recovered.join(QStringLiteral(", ")));
    else if (needsAnswer() && !isGeneratingHere())
        m_notice = tr("The last message has no answer yet (the app was closed while it was generating). Press Retry to answer it.");
    emit conversationChanged();
    return true;
}

QString ChatController::createNew()
{
    QString error;
    const QString id = m_store.create(QString(), &error);
    if (id.isEmpty()) {
        emit errorOccurred(tr("A new conversation could not be created: %1").arg(error));
        return {};
    }
    open(id);
    emit conversationSaved(id);
    return id;
}

void ChatController::close()
{
    m_current = StoredConversation();
    m_notice.clear();
    emit conversationChanged();
}

bool ChatController::rename(const QString& title)
{
    if (!hasConversation())
        return false;
    m_current.title = title;
    return saveCurrent();
}

bool ChatController::refuseWhileBusy()
{
    if (!isGenerating())
        return false;
    emit errorOccurred(tr("Wait for the answer or press Stop first."));
    return true;
}

QString ChatController::generatingConversationId() const
{
    auto it = m_requests.find(m_requestId);
    return it == m_requests.end() ? QString() : it->second.conversationId;
}

void ChatController::setNoticeFor(const QString& conversationId, const QString& text)
{
    if (conversationId != m_current.id) {
        m_otherNotices[conversationId] = text;
        return;
    }
    m_notice = text;
    emit conversationChanged();
}

bool ChatController::needsAnswer() const
{
    const int leaf = m_current.tree.activeLeaf();
    return m_current.tree.isValid(leaf) && m_current.tree.node(leaf).message.role == weft::Role::User;
}

bool ChatController::saveCurrent()
{
    QString error;
    SaveJob job;
    if (!m_store.prepare(m_current, job, &error)) {
        m_notice = tr("Saving failed, the previous copy is kept: %1").arg(error);
        emit errorOccurred(m_notice);
        return false;
    }
    // The disk write (with fsync) runs on the writer thread; see onWritten for failures.
    enqueueSave(std::move(job));
    return true;
}

void ChatController::enqueueSave(SaveJob job)
{
    Queued& queued = m_queued[job.id];
    queued.job = job;
    ++queued.inFlight;
    m_writer.enqueue(std::move(job));
}

void ChatController::onWritten(const QString& id, bool ok, const QString& error)
{
    auto it = m_queued.find(id);
    if (it != m_queued.end() && --it->second.inFlight <= 0 && ok)
        m_queued.erase(it); // the newest snapshot is on disk
    if (ok) {
        const bool wasUnsaved = m_unsaved.erase(id) > 0;
        if (m_unsaved.empty()) {
            m_retryTimer->stop();
            m_retryDelayMs = 1000;
            m_lastSaveError.clear();
        }
        if (wasUnsaved) {
            // The failure notice of that conversation is out of date now.
            if (id == m_current.id && m_notice.startsWith(m_saveFailurePrefix))
                setNoticeFor(id, QString());
            else if (auto kept = m_otherNotices.find(id); kept != m_otherNotices.end() && kept->second.startsWith(m_saveFailurePrefix))
                m_otherNotices.erase(kept);
            emit unsavedChanged();
        }
        emit conversationSaved(id);
        return;
    }
    // The last good copy is untouched; the user keeps working, sees why, and it is tried again.
    m_unsaved.insert(id);
    m_lastSaveError = error;
    if (!m_retryTimer->isActive()) {
        m_retryTimer->start(m_retryDelayMs);
        m_retryDelayMs = std::min(m_retryDelayMs * 2, 30000);
    }
    const QString notice = tr("Saving failed, the previous copy is kept: %1").arg(error);
    m_saveFailurePrefix = notice.left(notice.size() - error.size());
    setNoticeFor(id, notice);
    emit errorOccurred(notice);
    emit unsavedChanged();
}

void ChatController::retryUnsaved()
{
    // The newest snapshot of each, so a retry never writes an older state over a newer one.
    for (const QString& id : m_unsaved) {
        auto it = m_queued.find(id);
        if (it != m_queued.end() && it->second.inFlight == 0)
            enqueueSave(it->second.job);
    }
}

bool ChatController::retryUnsavedNow(QString* error)
{
    settleSaves();
    const std::set<QString> ids = m_unsaved;
    for (const QString& id : ids) {
        auto it = m_queued.find(id);
        QString why;
        if (it != m_queued.end() && !ConversationStore::write(it->second.job, &why)) {
            if (error)
                *error = why;
            m_lastSaveError = why;
            continue;
        }
        m_queued.erase(id);
        m_unsaved.erase(id);
    }
    if (m_unsaved.empty())
        m_retryTimer->stop();
    emit unsavedChanged();
    return m_unsaved.empty();
}

bool ChatController::saveUnsavedCopies(const QString& folder, QString* error)
{
    settleSaves();
    bool allWritten = true;
    for (const QString& id : m_unsaved) {
        auto it = m_queued.find(id);
        if (it == m_queued.end())
            continue;
        SaveJob copy = it->second.job;
        copy.folder = QDir(folder).filePath(id);
        QString why;
        // The media the files refer to (written at send time) go beside them.
        const bool ok = ConversationStore::write(copy, &why) &&
                        copyMediaFolder(QDir(it->second.job.folder).filePath(QStringLiteral("media")),
                                        QDir(copy.folder).filePath(QStringLiteral("media")), &why);
        if (!ok && error)
            *error = why;
        allWritten = allWritten && ok;
    }
    return allWritten;
}

void ChatController::settleSaves()
{
    m_writer.flush();
    // The writer's results are queued to this thread; take them now.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

bool ChatController::renameConversation(const QString& id, const QString& title)
{
    if (id == m_current.id)
        return rename(title);
    StoredConversation other;
    QString error;
    SaveJob job;
    bool ok = m_store.load(id, other, &error);
    if (ok) {
        other.title = title;
        ok = m_store.prepare(other, job, &error);
    }
    if (!ok) {
        emit errorOccurred(tr("Saving failed, the previous copy is kept: %1").arg(error));
        return false;
    }
    enqueueSave(std::move(job));
    return true;
}

bool ChatController::buildUserMessage(const QString& text, const QList<Attachment>& attachments, weft::Message& message)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() && attachments.isEmpty()) {
        emit errorOccurred(tr("Write a message or attach a file first."));
        return false;
    }
    if (!hasConversation() && createNew().isEmpty())
        return false;
    message.role = weft::Role::User;
    QStringList textParts;
    for (const Attachment& a : attachments) {
        if (a.kind == Attachment::Kind::Text) {
            textParts << a.text;
            continue;
        }
        QString error;
        // A recording was written into this chat's media/ already (saveRecording); a second
        // copy would only double it on disk.
        const QString stored = a.sourcePath.isEmpty() ? m_store.writeMedia(m_current.id, a.bytes, QStringLiteral("png"), &error)
                               : m_store.isMediaOf(m_current.id, a.sourcePath)
                                   ? QFileInfo(a.sourcePath).absoluteFilePath()
                                   : m_store.importMedia(m_current.id, a.sourcePath, &error);
        if (stored.isEmpty()) {
            emit errorOccurred(tr("%1 could not be added: %2").arg(a.name, error));
            return false;
        }
        message.segments.push_back(a.kind == Attachment::Kind::Image
                                       ? weft::Segment::makeImage({}, stored.toStdString())
                                       : weft::Segment::makeAudio({}, stored.toStdString()));
    }
    if (!trimmed.isEmpty())
        textParts << trimmed;
    if (textParts.join(QLatin1Char('\n')).toUtf8().size() > kMaxTextBytes) {
        emit errorOccurred(tr("The text is too long (more than %1 KiB).").arg(kMaxTextBytes / 1024));
        return false;
    }
    if (!textParts.isEmpty())
        message.segments.push_back(weft::Segment::makeText(textParts.join(QLatin1Char('\n')).toStdString()));
    if (m_current.title.isEmpty()) {
        const QString source = trimmed.isEmpty() ? attachments.first().name : trimmed;
        m_current.title = source.left(kTitleLength).simplified();
    }
    return true;
}

bool ChatController::send(const QString& text, const QList<Attachment>& attachments, int examplePairs)
{
    weft::Message message;
    if (refuseWhileBusy() || !buildUserMessage(text, attachments, message))
        return false;
    return ask(m_current.tree.append(std::move(message)), examplePairs);
}

bool ChatController::ask(int nodeId, int examplePairs)
{
    m_current.tree.node(nodeId).examplePairs = examplePairs;
    m_current.tree.node(nodeId).time = QDateTime::currentDateTimeUtc();
    m_notice.clear();
    // The question is saved before the engine sees it, so a crash never loses it.
    saveCurrent();
    emit conversationChanged();
    const quint64 seed = m_settings.seedPolicy == SeedPolicy::Fixed ? m_settings.fixedSeed : randomSeed();
    return startReply(nodeId, m_settings.replyOptions(seed));
}

bool ChatController::resendExamples(int userNodeId, const QString& instruction, const QList<Attachment>& attachments,
                                    int examplePairs)
{
    weft::Message message;
    if (refuseWhileBusy() || !m_current.tree.isValid(userNodeId) ||
        !buildUserMessage(instruction, attachments, message))
        return false;
    return ask(m_current.tree.addSibling(userNodeId, std::move(message)), examplePairs);
}

QString ChatController::saveRecording(const weft::AudioClip& clip, QString* error)
{
    auto fail = [error](const QString& why) {
        if (error)
            *error = tr("The recording could not be saved: %1").arg(why);
        return QString();
    };
    if (clip.empty())
        return fail(tr("it holds no sound"));
    if (!hasConversation() && createNew().isEmpty())
        return fail(tr("no conversation could be created"));
    QString why;
    const QString path = m_store.newMediaPath(m_current.id, QStringLiteral("rec-"), QStringLiteral("wav"), &why);
    if (path.isEmpty())
        return fail(why);
    const auto saved = weft::saveAudioWav(clip, path.toStdString());
    if (!saved.ok())
        return fail(QString::fromStdString(saved.error().message));
    return path;
}

bool ChatController::startReply(int parentNodeId, const weft::ReplyOptions& options)
{
    if (!m_engine.isModelLoaded()) {
        m_notice = tr("The model is not loaded yet; the message is saved. Press Retry when it is ready.");
        emit conversationChanged();
        emit errorOccurred(m_notice);
        return false;
    }
    ReplyRequest request;
    request.sessionKey = m_current.id;
    request.messages = m_current.tree.activeMessages(parentNodeId);
    request.options = options;
    request.mediaDir = QDir(m_store.folderOf(m_current.id)).filePath(QStringLiteral("media"));
    // The conversation's other pictures may be retrieved too, and are then referred to.
    request.gallery = galleryPaths(m_current.tree, request.messages);
    clearPending();
    m_notice.clear();
    m_requestTimer.start();
    m_requestId = m_engine.reply(std::move(request));
    m_requests[m_requestId] = Pending{m_current.id, parentNodeId};
    emit generatingChanged(true);
    emit pendingChanged();
    return true;
}

bool ChatController::regenerate(int assistantNodeId)
{
    if (refuseWhileBusy() || !hasConversation())
        return false;
    const auto& tree = m_current.tree;
    // Ctrl+R on a question without an answer answers it: regenerating the answer before it
    // would hide the question in an inactive branch.
    if (assistantNodeId < 0 && needsAnswer())
        return retry();
    if (assistantNodeId < 0) {
        for (int id : tree.activePath()) {
            if (tree.node(id).message.role == weft::Role::Assistant)
                assistantNodeId = id;
        }
    }
    if (!tree.isValid(assistantNodeId) || tree.node(assistantNodeId).message.role != weft::Role::Assistant) {
        if (needsAnswer())
            return retry();
        emit errorOccurred(tr("There is no answer to regenerate."));
        return false;
    }
    const weft::ReplyOptions options = m_settings.replyOptions(randomSeed());
    return startReply(tree.node(assistantNodeId).parent, options);
}

bool ChatController::reproduce(int assistantNodeId)
{
    if (refuseWhileBusy() || !m_current.tree.isValid(assistantNodeId))
        return false;
    const auto& node = m_current.tree.node(assistantNodeId);
    if (!node.message.meta) {
        emit errorOccurred(tr("This message carries no seed and options to reproduce it from."));
        return false;
    }
    const weft::MessageMeta meta = *node.message.meta;
    if (!startReply(node.parent, optionsFromMeta(meta, m_settings.replyOptions(0))))
        return false;
    const QString difference = reproduceDifference(meta, m_engine.model());
    if (!difference.isEmpty()) {
        m_notice = difference;
        emit errorOccurred(difference);
        emit conversationChanged();
    }
    return true;
}

bool ChatController::editAndResend(int userNodeId, const QString& text)
{
    if (refuseWhileBusy() || !m_current.tree.isValid(userNodeId))
        return false;
    weft::Message edited = m_current.tree.node(userNodeId).message;
    if (edited.role != weft::Role::User)
        return false;
    std::vector<weft::Segment> segments;
    for (auto& s : edited.segments) {
        if (s.kind != weft::SegmentKind::Text)
            segments.push_back(std::move(s));
    }
    if (!text.trimmed().isEmpty())
        segments.push_back(weft::Segment::makeText(text.trimmed().toStdString()));
    if (segments.empty())
        return false;
    edited.segments = std::move(segments);
    const int nodeId = m_current.tree.addSibling(userNodeId, std::move(edited));
    m_current.tree.node(nodeId).time = QDateTime::currentDateTimeUtc();
    saveCurrent();
    emit conversationChanged();
    const quint64 seed = m_settings.seedPolicy == SeedPolicy::Fixed ? m_settings.fixedSeed : randomSeed();
    return startReply(nodeId, m_settings.replyOptions(seed));
}

bool ChatController::retry()
{
    if (refuseWhileBusy() || !needsAnswer())
        return false;
    const quint64 seed = m_settings.seedPolicy == SeedPolicy::Fixed ? m_settings.fixedSeed : randomSeed();
    return startReply(m_current.tree.activeLeaf(), m_settings.replyOptions(seed));
}

void ChatController::switchBranch(int nodeId, int delta)
{
    if (m_current.tree.switchBranch(nodeId, delta)) {
        saveCurrent();
        emit conversationChanged();
    }
}

void ChatController::stop()
{
    if (isGenerating())
        m_engine.stop();
}

void ChatController::clearPending()
{
    m_pendingText.clear();
    m_pendingImage = QImage();
    m_pendingStep = 0;
    m_pendingTotal = 0;
}

void ChatController::attachReply(const QString& conversationId, int parentNodeId, const ReplyResult& result)
{
    QString error;
    // False when the question is not there (its save failed and the copy on disk predates it).
    auto attach = [&](StoredConversation& c) {
        const int id = c.tree.addChild(parentNodeId, result.message);
        if (id < 0) {
            error = tr("the question it answers is not in the conversation");
            return false;
        }
        for (auto a = result.altTexts.begin(); a != result.altTexts.end(); ++a)
            c.tree.node(id).altTexts[a.key()] = a.value();
        c.tree.node(id).time = QDateTime::currentDateTimeUtc();
        describeRetrieved(c.tree, id);
        // Visible even when another branch was chosen while it was being written.
        c.tree.activatePath(id);
        return true;
    };
    if (conversationId == m_current.id) {
        if (attach(m_current)) {
            saveCurrent(); // reports its own failure
            return;
        }
    } else {
        // The user switched chats meanwhile: the answer still belongs to its own chat. Its last
        // save must be on disk before it is read back; the new copy goes through the same writer.
        StoredConversation other;
        SaveJob job;
        m_writer.flush();
        if (m_store.load(conversationId, other, &error) && attach(other) && m_store.prepare(other, job, &error)) {
            enqueueSave(std::move(job));
            return;
        }
    }
    const QString notice = tr("The answer could not be saved: %1").arg(error);
    setNoticeFor(conversationId, notice);
    emit errorOccurred(notice);
}

void ChatController::onReplyFinished(const ReplyResult& result)
{
    auto it = m_requests.find(result.id);
    if (it == m_requests.end())
        return;
    const Pending pending = it->second;
    m_requests.erase(it);
    const qint64 elapsed = m_requestTimer.isValid() ? m_requestTimer.elapsed() : 0;
    attachReply(pending.conversationId, pending.parentNodeId, result);
    if (result.id == m_requestId) {
        m_requestId = 0;
        clearPending();
        if (!result.context.empty()) {
            // Beside a save failure already reported for this turn, not instead of it.
            const QString shortened = contextNoticeText(result.context);
            const QString before = pending.conversationId == m_current.id ? m_notice
                                                                          : m_otherNotices[pending.conversationId];
            setNoticeFor(pending.conversationId, before.isEmpty() ? shortened : before + QLatin1Char('\n') + shortened);
        }
        emit generatingChanged(false);
    }
    emit conversationChanged();
    emit replyCompleted(true, elapsed);
}

void ChatController::onReplyFailed(quint64 id, const QString& message, bool cancelled)
{
    auto it = m_requests.find(id);
    const QString conversationId = it == m_requests.end() ? QString() : it->second.conversationId;
    if (it != m_requests.end())
        m_requests.erase(it);
    if (id != m_requestId)
        return;
    const qint64 elapsed = m_requestTimer.isValid() ? m_requestTimer.elapsed() : 0;
    m_requestId = 0;
    clearPending();
    // The notice belongs to the chat that asked, even when another one is open now.
    const QString notice = cancelled ? tr("Stopped. Press Retry to answer again.")
                                     : tr("The engine could not answer: %1").arg(message);
    setNoticeFor(conversationId, notice);
    emit generatingChanged(false);
    emit conversationChanged();
    if (!cancelled)
        emit errorOccurred(notice);
    emit replyCompleted(false, elapsed);
}

QString reproduceDifference(const weft::MessageMeta& meta, const ModelSummary& loaded)
{
    const QString hash = QString::fromStdString(meta.modelHash);
    if (!hash.isEmpty() && hash.compare(loaded.sha256, Qt::CaseInsensitive) != 0)
        return ChatController::tr("This answer was made by model %1 (%2); the loaded model %3 (%4) is a different "
                                  "one, so the reproduction will not be the same.")
            .arg(QString::fromStdString(meta.modelId), hash.left(12), loaded.name, loaded.sha256.left(12));
    const QString device = QString::fromStdString(meta.device);
    if (!device.isEmpty() && device != loaded.device)
        return ChatController::tr("This answer was made on %1 and is reproduced on %2; the output may differ.")
            .arg(device, loaded.device);
    return {};
}

QString contextNoticeText(const weft::ContextNotice& notice)
{
    QStringList parts;
    if (notice.compressedPairs > 0)
        parts << ChatController::tr("the example pairs of %n earlier message(s) were left out (their questions were kept)",
                                    "", notice.compressedMessages);
    if (notice.droppedMessages > 0)
        parts << ChatController::tr("the %n oldest message(s) were left out", "", notice.droppedMessages);
    if (parts.isEmpty())
        return {};
    return ChatController::tr("The conversation is longer than the model's context of %1 tokens, so for this answer %2.")
        .arg(notice.contextTokens)
        .arg(parts.join(ChatController::tr(" and ")));
}

} // namespace weft::ui
