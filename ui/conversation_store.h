#pragma once
// Conversations on disk: one folder per conversation under a root folder (by default
// QStandardPaths::AppDataLocation/conversations). Each folder holds
//   conversation.json  the active branch in the project's conversation format (the CLI reads it),
//   branches.json      every branch, titles and image descriptions (this app's sidecar),
//   media/             images and sounds the messages refer to.
// Both JSON files are written atomically with QSaveFile (branches first), so a kill at any
// moment leaves the last good copy of each; loading prefers branches.json and falls back to
// conversation.json, and removes temporary files a killed save left behind.
// All functions run on the calling thread (the GUI thread in the app) and never throw.

#include <QDateTime>
#include <QString>
#include <QStringList>

#include "ui/conversation_tree.h"

namespace weft::ui {

struct StoredConversation {
    QString id;            ///< folder name
    QString title;
    QDateTime created;
    QDateTime updated;
    ConversationTree tree;
    QStringList recovered; ///< what loading had to repair (leftover temporary files, fallbacks)
};

/// A serialised snapshot ready to be written: both files' bytes and where they go.
/// Writing it (ConversationStore::write) touches only the file system, so it may run on
/// any thread.
struct SaveJob {
    QString id;
    QString folder;
    QByteArray branchesJson;
    QByteArray conversationJson;
};

class ConversationStore {
public:
    static constexpr int kBranchesVersion = 1;
    static constexpr qint64 kMaxMediaBytes = 64LL * 1024 * 1024;
    /// branches.json larger than this is refused before reading (conversation.json is capped
    /// by the engine's ConversationLimits, 16 MiB).
    static constexpr qint64 kMaxBranchesBytes = 64LL * 1024 * 1024;

    /// `rootDir` empty: AppDataLocation/conversations. The folder is created on first save.
    explicit ConversationStore(const QString& rootDir = {});

    QString rootDir() const { return m_root; }
    QString folderOf(const QString& id) const;

    /// Ids of the conversations on disk, most recently updated first.
    QStringList list() const;

    /// Creates a new empty conversation (folder and files). Returns its id, empty on failure.
    QString create(const QString& title, QString* error = nullptr);

    /// Reads a conversation. Fails (false + message) only when neither file can be read.
    bool load(const QString& id, StoredConversation& out, QString* error = nullptr) const;

    /// Writes both files atomically and stamps `updated`. On failure (full disk, read-only
    /// folder) the previous files are left untouched and false is returned with a message.
    bool save(StoredConversation& conversation, QString* error = nullptr) const;

    /// Serialises a conversation into a SaveJob and stamps `updated` (cheap; no disk access).
    /// Fails only when the engine refuses to serialise a message (e.g. media outside the folder).
    bool prepare(StoredConversation& conversation, SaveJob& job, QString* error = nullptr) const;
    /// Writes a prepared job atomically: branches.json, then conversation.json. Thread-safe
    /// (file I/O only). On failure the previous files are untouched.
    static bool write(const SaveJob& job, QString* error = nullptr);

    /// Moves a conversation into the trash folder so that restore() can bring it back.
    bool remove(const QString& id, QString* error = nullptr) const;
    bool restore(const QString& id, QString* error = nullptr) const;
    /// Deletes everything in the trash (called at start-up).
    void purgeTrash() const;

    /// Copies a media file into the conversation's media/ folder under a fresh name keeping
    /// the extension. Returns the absolute new path, empty on failure.
    QString importMedia(const QString& id, const QString& sourcePath, QString* error = nullptr) const;
    /// Writes encoded bytes (e.g. a pasted PNG) into media/. Returns the path, empty on failure.
    QString writeMedia(const QString& id, const QByteArray& bytes, const QString& extension,
                       QString* error = nullptr) const;
    /// A fresh path in the conversation's media/ folder, `<prefix><16 hex digits>.<extension>`
    /// (extension lower-cased), for a writer that makes the file itself (e.g. a recorded WAV).
    /// Creates media/ when missing; writes no file. Returns the absolute path, or empty with
    /// `error` (English, for logs and notices) when the folder cannot be created.
    QString newMediaPath(const QString& id, const QString& prefix, const QString& extension,
                         QString* error = nullptr) const;
    /// True when `path` names an existing file directly inside the conversation's media/
    /// folder (compared after resolving links), i.e. it needs no copy to belong to it.
    bool isMediaOf(const QString& id, const QString& path) const;

    /// Brings a branches.json object of an older version up to kBranchesVersion. Returns false
    /// for versions newer than this build (the file is then left alone) or unknown ones.
    static bool migrate(class QJsonObject& object, QString* error);

private:
    QString m_root;
};

} // namespace weft::ui
