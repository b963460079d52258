#pragma once
// Exports the active branch of a conversation: as a self-contained folder (conversation.json
// in the project's format plus every media file it refers to, so weft-cli can answer it) and
// as a single HTML page with images and sounds embedded. GUI thread; plain file I/O.

#include <QString>

#include "ui/conversation_store.h"

namespace weft::ui {

/// Writes `targetDir`/conversation.json and `targetDir`/media/*. The folder is created; existing
/// files of the same names are replaced. False with a message on failure.
bool exportFolder(const StoredConversation& conversation, const QString& targetDir, QString* error = nullptr);

/// Writes one HTML file (UTF-8, media inlined as data: URLs, alt texts kept). False on failure.
bool exportHtml(const StoredConversation& conversation, const QString& filePath, QString* error = nullptr);

} // namespace weft::ui
