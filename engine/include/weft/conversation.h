#pragma once
// Conversation files: UTF-8 JSON, {"format":"weft-conversation","version":1,"messages":[...]}.
// Media paths are stored relative to the file and refused when they escape its folder.

#include <string>
#include <vector>

#include "weft/message.h"

namespace weft {

constexpr int kConversationVersion = 1;

struct Conversation {
    std::vector<Message> messages;
    std::string title; ///< optional; empty when absent
};

struct ConversationLimits {
    std::int64_t maxFileBytes = 16LL * 1024 * 1024; ///< conversation JSON size cap
    std::size_t maxMessages = 10000;
    std::size_t maxSegmentsPerMessage = 64;
    std::size_t maxTextBytes = 64 * 1024;         ///< per text segment
};

/// Parses conversation JSON text. `baseDir` resolves relative media paths (paths become
/// absolute, lexically normalised); a path that leaves baseDir is a Format error. Media is
/// not decoded. Fails with Format, UnsupportedVersion or LimitExceeded. Thread-safe.
Result<Conversation> parseConversation(const std::string& json, const std::string& baseDir,
                                       const ConversationLimits& limits = {});

/// Reads and parses a conversation file (see parseConversation); NotFound/Io when unreadable.
Result<Conversation> readConversationFile(const std::string& path, const ConversationLimits& limits = {});

/// Decodes every image/audio segment whose media is not yet loaded, from its path.
/// Fails on the first unreadable file, naming it.
Result<void> loadConversationMedia(Conversation& conversation, const MediaLimits& limits = {});

/// Serialises to JSON text with paths made relative to baseDir (paths outside baseDir are an
/// InvalidArgument error). Media itself is not written; see writeMessageFolder.
Result<std::string> serializeConversation(const Conversation& conversation, const std::string& baseDir);

/// Serialises one message object {"role":..,"segments":[..],"meta":{..}} (paths relative to baseDir).
Result<std::string> serializeMessage(const Message& message, const std::string& baseDir);

/// Writes text to `path` atomically (temporary file in the same folder, fsync, rename). The
/// previous file is untouched on failure (full disk, read-only folder). Fails with Io.
Result<void> writeFileAtomic(const std::string& path, const std::string& contents);

} // namespace weft
