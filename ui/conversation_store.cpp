#include "ui/conversation_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

#include "weft/conversation.h"

namespace weft::ui {
namespace {

const QString kBranchesFile = QStringLiteral("branches.json");
const QString kConversationFile = QStringLiteral("conversation.json");
const QString kTrashDir = QStringLiteral(".trash");
const QString kMediaDir = QStringLiteral("media");

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

bool writeAtomic(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return false;
    }
    if (file.write(bytes) != bytes.size()) {
        setError(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        file.cancelWriting();
        return false;
    }
    // A full disk can accept part of the data without an error from write() (a short write);
    // QSaveFile would then commit a truncated file over the good one. Check the size first.
    if (!file.flush() || file.size() != bytes.size()) {
        setError(error, QStringLiteral("%1: only %2 of %3 bytes could be written (%4)")
                            .arg(path).arg(file.size()).arg(bytes.size()).arg(file.errorString()));
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        setError(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

// A killed QSaveFile (or any atomic writer) can leave "<name>.<random>" beside the target.
// They are never newer *and* complete (the rename is the commit), so they are removed.
QStringList removeLeftovers(const QString& folder)
{
    QStringList removed;
    QDir media(QDir(folder).filePath(kMediaDir));
    for (const QString& name : media.entryList({QStringLiteral("*.tmp")}, QDir::Files | QDir::Hidden)) {
        if (media.remove(name))
            removed << QStringLiteral("media/") + name;
    }
    QDir dir(folder);
    const QStringList patterns{kBranchesFile + QStringLiteral(".*"), kConversationFile + QStringLiteral(".*"),
                               QStringLiteral(".*.tmp*")};
    for (const QString& name : dir.entryList(patterns, QDir::Files | QDir::Hidden)) {
        if (dir.remove(name))
            removed << name;
    }
    return removed;
}

bool parseOneMessage(const std::string& messageJson, const QString& folder, weft::Message& out, QString* error)
{
    // The message is re-wrapped as a one-message conversation so that the engine's own
    // parser (with its limits and path checks) validates it.
    const std::string wrapped = std::string("{\"format\":\"weft-conversation\",\"version\":") +
                                std::to_string(weft::kConversationVersion) + ",\"messages\":[" + messageJson + "]}";
    auto parsed = weft::parseConversation(wrapped, folder.toStdString());
    if (!parsed.ok()) {
        setError(error, QString::fromStdString(parsed.error().message));
        return false;
    }
    if (parsed.value().messages.size() != 1) {
        setError(error, QStringLiteral("expected one message"));
        return false;
    }
    out = std::move(parsed.value().messages.front());
    return true;
}

bool loadBranches(const QString& folder, StoredConversation& out, QString* error)
{
    QFile file(QDir(folder).filePath(kBranchesFile));
    if (!file.exists()) {
        setError(error, QStringLiteral("no %1").arg(kBranchesFile));
        return false;
    }
    // Checked before reading: a file this large was not written by this app.
    if (file.size() > ConversationStore::kMaxBranchesBytes) {
        setError(error, QStringLiteral("%1: %2 bytes, more than the limit of %3 bytes")
                            .arg(file.fileName()).arg(file.size()).arg(ConversationStore::kMaxBranchesBytes));
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("%1: cannot be read").arg(file.fileName()));
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        setError(error, QStringLiteral("%1: %2").arg(file.fileName(), parseError.errorString()));
        return false;
    }
    QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("weft-branches")) {
        setError(error, QStringLiteral("%1: not a weft-branches file").arg(file.fileName()));
        return false;
    }
    if (!ConversationStore::migrate(root, error))
        return false;
    out.title = root.value(QStringLiteral("title")).toString();
    out.created = QDateTime::fromString(root.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    out.updated = QDateTime::fromString(root.value(QStringLiteral("updated")).toString(), Qt::ISODateWithMs);
    const QJsonArray array = root.value(QStringLiteral("nodes")).toArray();
    std::vector<ConversationTree::Node> nodes;
    nodes.reserve(static_cast<std::size_t>(array.size()));
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject o = array.at(i).toObject();
        ConversationTree::Node n;
        n.parent = o.value(QStringLiteral("parent")).toInt(-1);
        n.activeChild = o.value(QStringLiteral("active")).toInt(-1);
        for (const QJsonValue& c : o.value(QStringLiteral("children")).toArray())
            n.children.push_back(c.toInt(-1));
        if (i > 0) {
            QString messageError;
            if (!parseOneMessage(o.value(QStringLiteral("message")).toString().toStdString(), folder, n.message,
                                 &messageError)) {
                setError(error, QStringLiteral("%1: node %2: %3").arg(file.fileName()).arg(i).arg(messageError));
                return false;
            }
        }
        const QJsonObject alt = o.value(QStringLiteral("alt")).toObject();
        for (auto it = alt.begin(); it != alt.end(); ++it)
            n.altTexts[it.key().toInt()] = it.value().toString();
        // Optional (absent in older files): how many example pairs lead the message's images.
        n.examplePairs = std::clamp(o.value(QStringLiteral("pairs")).toInt(0), 0, 1000);
        // Optional too: when the message was added (shown where a retrieved picture came from).
        n.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        nodes.push_back(std::move(n));
    }
    if (!out.tree.assign(std::move(nodes))) {
        setError(error, QStringLiteral("%1: inconsistent branch tree").arg(file.fileName()));
        return false;
    }
    return true;
}

bool loadLinear(const QString& folder, StoredConversation& out, QString* error)
{
    const QString path = QDir(folder).filePath(kConversationFile);
    auto parsed = weft::readConversationFile(path.toStdString());
    if (!parsed.ok()) {
        setError(error, QStringLiteral("%1: %2").arg(path, QString::fromStdString(parsed.error().message)));
        return false;
    }
    out.tree = ConversationTree();
    for (auto& m : parsed.value().messages)
        out.tree.append(std::move(m));
    out.title = QString::fromStdString(parsed.value().title);
    const QFileInfo info(path);
    out.created = info.birthTime().isValid() ? info.birthTime() : info.lastModified();
    out.updated = info.lastModified();
    return true;
}

} // namespace

ConversationStore::ConversationStore(const QString& rootDir)
    : m_root(rootDir.isEmpty()
                 ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("conversations"))
                 : rootDir)
{
}

QString ConversationStore::folderOf(const QString& id) const
{
    return QDir(m_root).filePath(id);
}

QStringList ConversationStore::list() const
{
    QDir dir(m_root);
    QList<QPair<QDateTime, QString>> found;
    for (const QFileInfo& info : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QDir sub(info.absoluteFilePath());
        const QFileInfo branches(sub.filePath(kBranchesFile));
        const QFileInfo linear(sub.filePath(kConversationFile));
        if (!branches.exists() && !linear.exists())
            continue;
        found.append({std::max(branches.lastModified(), linear.lastModified()), info.fileName()});
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    QStringList ids;
    for (const auto& f : found)
        ids << f.second;
    return ids;
}

QString ConversationStore::create(const QString& title, QString* error)
{
    if (!QDir().mkpath(m_root)) {
        setError(error, QStringLiteral("%1: cannot create folder").arg(m_root));
        return {};
    }
    StoredConversation c;
    // Time-ordered ids keep folders sorted by creation in a file manager.
    c.id = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-")) +
           QUuid::createUuid().toString(QUuid::Id128).left(8);
    c.title = title;
    c.created = QDateTime::currentDateTimeUtc();
    if (!QDir().mkpath(folderOf(c.id))) {
        setError(error, QStringLiteral("%1: cannot create folder").arg(folderOf(c.id)));
        return {};
    }
    if (!save(c, error))
        return {};
    return c.id;
}

bool ConversationStore::load(const QString& id, StoredConversation& out, QString* error) const
{
    const QString folder = folderOf(id);
    out = StoredConversation();
    out.id = id;
    out.recovered = removeLeftovers(folder);
    QString branchesError;
    if (loadBranches(folder, out, &branchesError))
        return true;
    if (branchesError.contains(QLatin1String("newer than this build"))) {
        // Falling back to conversation.json would let the next save overwrite the newer file.
        setError(error, branchesError);
        return false;
    }
    QString linearError;
    if (loadLinear(folder, out, &linearError)) {
        if (QFileInfo::exists(QDir(folder).filePath(kBranchesFile)))
            out.recovered << QStringLiteral("%1 unreadable (%2); recovered from %3").arg(kBranchesFile, branchesError, kConversationFile);
        return true;
    }
    setError(error, branchesError + QStringLiteral("; ") + linearError);
    return false;
}

bool ConversationStore::save(StoredConversation& conversation, QString* error) const
{
    SaveJob job;
    return prepare(conversation, job, error) && write(job, error);
}

bool ConversationStore::prepare(StoredConversation& conversation, SaveJob& job, QString* error) const
{
    const QString folder = folderOf(conversation.id);
    const std::string base = folder.toStdString();
    const QDateTime now = QDateTime::currentDateTimeUtc();

    QJsonArray nodes;
    const auto& treeNodes = conversation.tree.nodes();
    for (std::size_t i = 0; i < treeNodes.size(); ++i) {
        const auto& n = treeNodes[i];
        QJsonObject o;
        o.insert(QStringLiteral("parent"), n.parent);
        o.insert(QStringLiteral("active"), n.activeChild);
        QJsonArray children;
        for (int c : n.children)
            children.append(c);
        o.insert(QStringLiteral("children"), children);
        if (i > 0) {
            auto json = weft::serializeMessage(n.message, base);
            if (!json.ok()) {
                setError(error, QString::fromStdString(json.error().message));
                return false;
            }
            // Kept as a string: QJsonDocument would round 64-bit seeds through a double.
            o.insert(QStringLiteral("message"), QString::fromStdString(json.value()));
        }
        if (!n.altTexts.empty()) {
            QJsonObject alt;
            for (const auto& [index, text] : n.altTexts)
                alt.insert(QString::number(index), text);
            o.insert(QStringLiteral("alt"), alt);
        }
        if (n.examplePairs > 0)
            o.insert(QStringLiteral("pairs"), n.examplePairs);
        if (n.time.isValid())
            o.insert(QStringLiteral("time"), n.time.toUTC().toString(Qt::ISODateWithMs));
        nodes.append(o);
    }
    if (!conversation.created.isValid())
        conversation.created = now;
    conversation.updated = now;
    QJsonObject root;
    root.insert(QStringLiteral("format"), QStringLiteral("weft-branches"));
    root.insert(QStringLiteral("version"), kBranchesVersion);
    root.insert(QStringLiteral("title"), conversation.title);
    root.insert(QStringLiteral("created"), conversation.created.toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("updated"), now.toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("nodes"), nodes);

    weft::Conversation linear;
    linear.title = conversation.title.toStdString();
    linear.messages = conversation.tree.activeMessages();
    auto linearJson = weft::serializeConversation(linear, base);
    if (!linearJson.ok()) {
        setError(error, QString::fromStdString(linearJson.error().message));
        return false;
    }
    job.id = conversation.id;
    job.folder = folder;
    job.branchesJson = QJsonDocument(root).toJson(QJsonDocument::Compact);
    job.conversationJson = QByteArray::fromStdString(linearJson.value());
    return true;
}

bool ConversationStore::write(const SaveJob& job, QString* error)
{
    if (!QDir().mkpath(job.folder)) {
        setError(error, QStringLiteral("%1: cannot create folder").arg(job.folder));
        return false;
    }
    // branches.json is the source of truth and goes first; conversation.json mirrors it.
    return writeAtomic(QDir(job.folder).filePath(kBranchesFile), job.branchesJson, error) &&
           writeAtomic(QDir(job.folder).filePath(kConversationFile), job.conversationJson, error);
}

bool ConversationStore::remove(const QString& id, QString* error) const
{
    QDir root(m_root);
    root.mkpath(kTrashDir);
    const QString target = QDir(root.filePath(kTrashDir)).filePath(id);
    QDir(target).removeRecursively();
    if (!root.rename(id, QDir(kTrashDir).filePath(id))) {
        setError(error, QStringLiteral("%1: cannot move to trash").arg(folderOf(id)));
        return false;
    }
    return true;
}

bool ConversationStore::restore(const QString& id, QString* error) const
{
    QDir root(m_root);
    if (!root.rename(QDir(kTrashDir).filePath(id), id)) {
        setError(error, QStringLiteral("%1: cannot restore from trash").arg(id));
        return false;
    }
    return true;
}

void ConversationStore::purgeTrash() const
{
    QDir(QDir(m_root).filePath(kTrashDir)).removeRecursively();
}

QString ConversationStore::writeMedia(const QString& id, const QByteArray& bytes, const QString& extension,
                                      QString* error) const
{
    if (bytes.size() > kMaxMediaBytes) {
        setError(error, QStringLiteral("file larger than %1 MiB").arg(kMaxMediaBytes / (1024 * 1024)));
        return {};
    }
    const QString path = newMediaPath(id, QString(), extension, error);
    if (path.isEmpty())
        return {};
    // Temporary file + rename without fsync: a killed process never leaves a half file under
    // the final name, and the GUI thread does not wait tens of milliseconds on the disk for
    // every attachment (the conversation files that refer to it are fsynced by the writer).
    const QString temporary = path + QStringLiteral(".tmp");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        setError(error, QStringLiteral("%1: %2").arg(temporary, file.errorString()));
        file.remove();
        return {};
    }
    file.close();
    if (!QFile::rename(temporary, path)) {
        setError(error, QStringLiteral("%1: cannot rename to %2").arg(temporary, path));
        QFile::remove(temporary);
        return {};
    }
    return QFileInfo(path).absoluteFilePath();
}

QString ConversationStore::newMediaPath(const QString& id, const QString& prefix, const QString& extension,
                                        QString* error) const
{
    QDir folder(folderOf(id));
    // mkpath also fails when "media" exists as a file, which the caller then reports.
    if (!folder.mkpath(kMediaDir) || !QFileInfo(folder.filePath(kMediaDir)).isDir()) {
        setError(error, QStringLiteral("%1: cannot create folder").arg(folder.filePath(kMediaDir)));
        return {};
    }
    const QString name = prefix + QUuid::createUuid().toString(QUuid::Id128).left(16) + QLatin1Char('.') +
                         extension.toLower();
    return QFileInfo(QDir(folder.filePath(kMediaDir)).filePath(name)).absoluteFilePath();
}

bool ConversationStore::isMediaOf(const QString& id, const QString& path) const
{
    const QFileInfo file(path);
    const QString media = QFileInfo(QDir(folderOf(id)).filePath(kMediaDir)).canonicalFilePath();
    return file.isFile() && !media.isEmpty() && file.canonicalPath() == media;
}

QString ConversationStore::importMedia(const QString& id, const QString& sourcePath, QString* error) const
{
    QFile file(sourcePath);
    if (file.size() > kMaxMediaBytes) {
        setError(error, QStringLiteral("%1: larger than %2 MiB").arg(sourcePath).arg(kMaxMediaBytes / (1024 * 1024)));
        return {};
    }
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("%1: %2").arg(sourcePath, file.errorString()));
        return {};
    }
    return writeMedia(id, file.readAll(), QFileInfo(sourcePath).suffix(), error);
}

bool ConversationStore::migrate(QJsonObject& object, QString* error)
{
    const int version = object.value(QStringLiteral("version")).toInt(0);
    if (version > kBranchesVersion) {
        setError(error, QStringLiteral("branches.json version %1 is newer than this build (%2)").arg(version).arg(kBranchesVersion));
        return false;
    }
    if (version < 1) {
        setError(error, QStringLiteral("branches.json version %1 is not supported").arg(version));
        return false;
    }
    // Future versions add steps here: `if (version == 1) { ...; version = 2; }`, each
    // rewriting the object in memory; the next save writes the current version.
    object.insert(QStringLiteral("version"), kBranchesVersion);
    return true;
}

} // namespace weft::ui
