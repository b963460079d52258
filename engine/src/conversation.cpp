#include "weft/conversation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "audio_file.h"
#include "errors.h"
#include "file_io.h"
#include "strict_json.h"

namespace weft {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ojson = nlohmann::ordered_json;

constexpr const char* kConversationFormat = "weft-conversation";
// "retrieved_from" indexes the conversation's images then the gallery: the message and
// segment caps allow 640 000 images, so a million leaves room for a gallery.
constexpr std::uint64_t kMaxRetrievedFrom = 1000000;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw FormatError("conversation: " + where + ": " + what);
}

fs::path absoluteBase(const std::string& baseDir) {
    std::error_code ec;
    fs::path base = fs::absolute(baseDir.empty() ? fs::path(".") : fs::path(baseDir), ec);
    if (ec) throw IoError("cannot resolve folder '" + baseDir + "': " + ec.message());
    return base.lexically_normal();
}

// True when `p` (lexically normal, absolute) names something strictly inside `base`.
bool isInside(const fs::path& p, const fs::path& base, fs::path* relative) {
    fs::path rel = p.lexically_relative(base);
    if (rel.empty() || rel == "." || *rel.begin() == "..") return false;
    if (relative) *relative = rel;
    return true;
}

std::string resolveMediaPath(const json& value, const fs::path& base, const std::string& where) {
    if (!value.is_string()) fail(where, "expected a path string, found " + jsonTypeName(value));
    const std::string& s = value.get_ref<const std::string&>();
    if (s.empty()) fail(where, "expected a path, found an empty string");
    if (s.find('\0') != std::string::npos) fail(where, "path contains a NUL character");
    if (s.size() > 4096) fail(where, "path longer than 4096 bytes");
    const fs::path p(s);
    if (p.has_root_directory() || p.has_root_name())
        fail(where, "path '" + s + "' is absolute; expected a path relative to the conversation's folder");
    const fs::path full = (base / p).lexically_normal();
    if (!isInside(full, base, nullptr))
        fail(where, "path '" + s + "' leaves the conversation's folder");
    return full.string();
}

MessageMeta parseMeta(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "expected \"meta\" to be an object, found " + jsonTypeName(j));
    MessageMeta m;
    if (auto it = j.find("model"); it != j.end()) {
        if (!it->is_string()) fail(where + ".model", "expected a string, found " + jsonTypeName(*it));
        m.modelId = it->get<std::string>();
    }
    if (auto it = j.find("model_hash"); it != j.end()) {
        if (!it->is_string()) fail(where + ".model_hash", "expected a string, found " + jsonTypeName(*it));
        m.modelHash = it->get<std::string>();
    }
    if (auto it = j.find("seed"); it != j.end()) {
        if (!it->is_number_unsigned())
            fail(where + ".seed", "expected a non-negative integer, found " + jsonTypeName(*it));
        m.seed = it->get<std::uint64_t>();
    }
    if (auto it = j.find("options"); it != j.end()) {
        if (!it->is_object()) fail(where + ".options", "expected an object, found " + jsonTypeName(*it));
        for (auto o = it->begin(); o != it->end(); ++o) {
            if (!o->is_number())
                fail(where + ".options." + o.key(), "expected a number, found " + jsonTypeName(*o));
            m.options[o.key()] = o->get<double>();
        }
    }
    if (auto it = j.find("seconds"); it != j.end()) {
        if (!it->is_number() || it->get<double>() < 0)
            fail(where + ".seconds", "expected a non-negative number, found " + jsonTypeName(*it));
        m.seconds = it->get<double>();
    }
    // device and threads came later: files without them still load (and say nothing).
    if (auto it = j.find("device"); it != j.end()) {
        if (!it->is_string()) fail(where + ".device", "expected a string, found " + jsonTypeName(*it));
        m.device = it->get<std::string>();
    }
    if (auto it = j.find("threads"); it != j.end()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 4096)
            fail(where + ".threads", "expected an integer from 0 to 4096, found " + jsonTypeName(*it));
        m.threads = static_cast<int>(it->get<std::uint64_t>());
    }
    return m;
}

Segment parseSegment(const json& j, const fs::path& base, const std::string& where, const ConversationLimits& limits) {
    if (!j.is_object()) fail(where, "expected an object, found " + jsonTypeName(j));
    const bool hasText = j.contains("text"), hasImage = j.contains("image"), hasAudio = j.contains("audio");
    if (int(hasText) + int(hasImage) + int(hasAudio) != 1)
        fail(where, "expected exactly one of \"text\", \"image\", \"audio\", found " +
                        std::to_string(int(hasText) + int(hasImage) + int(hasAudio)));
    Segment s;
    if (hasText) {
        const json& t = j["text"];
        if (!t.is_string()) fail(where, "expected \"text\" to be a string, found " + jsonTypeName(t));
        const std::string& text = t.get_ref<const std::string&>();
        if (text.size() > limits.maxTextBytes)
            throw LimitError("conversation: " + where + ": text of " + std::to_string(text.size()) +
                             " bytes exceeds the cap of " + std::to_string(limits.maxTextBytes));
        s = Segment::makeText(text);
    } else if (hasImage) {
        s.kind = SegmentKind::Image;
        s.path = resolveMediaPath(j["image"], base, where + ".image");
    } else {
        s.kind = SegmentKind::Audio;
        s.path = resolveMediaPath(j["audio"], base, where + ".audio");
    }
    if (auto it = j.find("retrieved"); it != j.end()) {
        if (!hasImage) fail(where, "\"retrieved\" is only allowed on image segments");
        if (!it->is_boolean()) fail(where + ".retrieved", "expected true or false, found " + jsonTypeName(*it));
        s.retrieved = it->get<bool>();
    }
    // Optional (files before it have none): which candidate retrieval returned, so that the
    // source of a retrieved image survives a save and a reload.
    if (auto it = j.find("retrieved_from"); it != j.end()) {
        if (!s.retrieved) fail(where, "\"retrieved_from\" is only allowed with \"retrieved\": true");
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() > kMaxRetrievedFrom)
            fail(where + ".retrieved_from", "expected an integer from 0 to " + std::to_string(kMaxRetrievedFrom) +
                                                ", found " + jsonTypeName(*it));
        s.retrievedFrom = static_cast<int>(it->get<std::uint64_t>());
    }
    return s;
}

std::string relativeMediaPath(const Segment& s, const fs::path& base, const std::string& where) {
    if (s.path.empty())
        throw ArgumentError(where + ": media segment has no file path; write the media to a file first");
    fs::path p(s.path);
    fs::path full = (p.is_absolute() ? p : base / p).lexically_normal();
    fs::path rel;
    if (!isInside(full, base, &rel))
        throw ArgumentError(where + ": '" + s.path + "' is outside the folder '" + base.string() + "'");
    return rel.generic_string();
}

ojson messageToJson(const Message& m, const fs::path& base, const std::string& where) {
    ojson out;
    out["role"] = m.role == Role::User ? "user" : "assistant";
    ojson segs = ojson::array();
    for (std::size_t i = 0; i < m.segments.size(); ++i) {
        const Segment& s = m.segments[i];
        const std::string sw = where + ".segments[" + std::to_string(i) + "]";
        ojson seg;
        switch (s.kind) {
        case SegmentKind::Text:
            if (!isValidUtf8(s.text)) throw ArgumentError(sw + ": text is not valid UTF-8");
            seg["text"] = s.text;
            break;
        case SegmentKind::Image:
            seg["image"] = relativeMediaPath(s, base, sw);
            if (s.retrieved) seg["retrieved"] = true;
            if (s.retrieved && s.retrievedFrom >= 0) seg["retrieved_from"] = s.retrievedFrom;
            break;
        case SegmentKind::Audio:
            seg["audio"] = relativeMediaPath(s, base, sw);
            break;
        }
        segs.push_back(std::move(seg));
    }
    out["segments"] = std::move(segs);
    if (m.meta) {
        const MessageMeta& meta = *m.meta;
        if (!isValidUtf8(meta.modelId) || !isValidUtf8(meta.modelHash) || !isValidUtf8(meta.device))
            throw ArgumentError(where + ".meta: model id, hash or device is not valid UTF-8");
        ojson mj;
        mj["model"] = meta.modelId;
        mj["model_hash"] = meta.modelHash;
        mj["seed"] = meta.seed;
        ojson opts = ojson::object();
        for (const auto& [k, v] : meta.options) {
            // JSON has no NaN or infinity; writing null would make the file unreadable.
            if (!std::isfinite(v) || !isValidUtf8(k))
                throw ArgumentError(where + ".meta.options." + k + ": expected a finite number");
            opts[k] = v;
        }
        mj["options"] = std::move(opts);
        if (!std::isfinite(meta.seconds)) throw ArgumentError(where + ".meta.seconds: expected a finite number");
        mj["seconds"] = meta.seconds;
        // Written only when known, so a message without them serialises as before.
        if (!meta.device.empty()) mj["device"] = meta.device;
        if (meta.threads > 0) mj["threads"] = meta.threads;
        out["meta"] = std::move(mj);
    }
    return out;
}

std::string readCapped(const std::string& path, std::int64_t cap) {
    std::string text;
    readFileCapped(path, static_cast<std::uint64_t>(std::max<std::int64_t>(cap, 0)), "conversation file", text);
    return text;
}

} // namespace

Result<Conversation> parseConversation(const std::string& text, const std::string& baseDir,
                                       const ConversationLimits& limits) {
    return guarded([&]() -> Result<Conversation> {
        if (static_cast<std::int64_t>(text.size()) > limits.maxFileBytes)
            throw LimitError("conversation: " + std::to_string(text.size()) + " bytes, more than the cap of " +
                             std::to_string(limits.maxFileBytes));
        const fs::path base = absoluteBase(baseDir);
        const json root = parseStrictJson(text, "conversation", 16);
        if (!root.is_object()) fail("top level", "expected a JSON object, found " + jsonTypeName(root));

        auto format = root.find("format");
        if (format == root.end() || !format->is_string() || format->get_ref<const std::string&>() != kConversationFormat)
            fail("field 'format'", std::string("expected \"") + kConversationFormat + "\", found " +
                                       (format == root.end() ? std::string("nothing") : jsonTypeName(*format)));
        auto version = root.find("version");
        if (version == root.end() || !version->is_number_integer())
            fail("field 'version'", "expected an integer, found " +
                                        (version == root.end() ? std::string("nothing") : jsonTypeName(*version)));
        if (version->is_number_unsigned() && version->get<std::uint64_t>() > std::uint64_t(kConversationVersion))
            throw VersionError("conversation version " + version->dump() + " is newer than this build supports (" +
                               std::to_string(kConversationVersion) + ")");
        if (version->get<std::int64_t>() < 1) fail("field 'version'", "expected 1, found " + version->dump());

        Conversation conv;
        if (auto title = root.find("title"); title != root.end()) {
            if (!title->is_string()) fail("field 'title'", "expected a string, found " + jsonTypeName(*title));
            conv.title = title->get<std::string>();
        }
        auto messages = root.find("messages");
        if (messages == root.end() || !messages->is_array())
            fail("field 'messages'", "expected an array, found " +
                                         (messages == root.end() ? std::string("nothing") : jsonTypeName(*messages)));
        if (messages->size() > limits.maxMessages)
            throw LimitError("conversation: " + std::to_string(messages->size()) + " messages, more than the cap of " +
                             std::to_string(limits.maxMessages));
        for (std::size_t i = 0; i < messages->size(); ++i) {
            const json& mj = (*messages)[i];
            const std::string where = "messages[" + std::to_string(i) + "]";
            if (!mj.is_object()) fail(where, "expected an object, found " + jsonTypeName(mj));
            Message m;
            auto role = mj.find("role");
            if (role == mj.end() || !role->is_string())
                fail(where + ".role", "expected \"user\" or \"assistant\", found " +
                                          (role == mj.end() ? std::string("nothing") : jsonTypeName(*role)));
            if (*role == "user") m.role = Role::User;
            else if (*role == "assistant") m.role = Role::Assistant;
            else fail(where + ".role", "expected \"user\" or \"assistant\", found " + jsonTypeName(*role));

            auto segs = mj.find("segments");
            if (segs == mj.end() || !segs->is_array() || segs->empty())
                fail(where + ".segments", "expected a non-empty array, found " +
                                              (segs == mj.end() ? std::string("nothing") : jsonTypeName(*segs)));
            if (segs->size() > limits.maxSegmentsPerMessage)
                throw LimitError("conversation: " + where + ": " + std::to_string(segs->size()) +
                                 " segments, more than the cap of " + std::to_string(limits.maxSegmentsPerMessage));
            for (std::size_t k = 0; k < segs->size(); ++k)
                m.segments.push_back(
                    parseSegment((*segs)[k], base, where + ".segments[" + std::to_string(k) + "]", limits));
            if (auto meta = mj.find("meta"); meta != mj.end()) m.meta = parseMeta(*meta, where + ".meta");
            conv.messages.push_back(std::move(m));
        }
        return conv;
    });
}

Result<Conversation> readConversationFile(const std::string& path, const ConversationLimits& limits) {
    return guarded([&]() -> Result<Conversation> {
        const std::string text = readCapped(path, limits.maxFileBytes);
        const fs::path parent = fs::absolute(fs::path(path)).parent_path();
        Result<Conversation> r = parseConversation(text, parent.string(), limits);
        if (!r) return Error{r.error().code, path + ": " + r.error().message};
        return r;
    });
}

Result<void> loadConversationMedia(Conversation& conversation, const MediaLimits& limits) {
    return guarded([&]() -> Result<void> {
        for (Message& m : conversation.messages) {
            for (Segment& s : m.segments) {
                if (s.kind == SegmentKind::Image && s.image.empty()) {
                    if (s.path.empty()) throw ArgumentError("image segment has neither pixels nor a path");
                    Result<Image> img = loadImageFile(s.path, limits);
                    if (!img) return img.error();
                    s.image = std::move(img).value();
                } else if (s.kind == SegmentKind::Audio && s.audio.empty()) {
                    if (s.path.empty()) throw ArgumentError("audio segment has neither samples nor a path");
                    s.audio = readAudioFile(s.path, limits);
                }
            }
        }
        return {};
    });
}

Result<std::string> serializeConversation(const Conversation& conversation, const std::string& baseDir) {
    return guarded([&]() -> Result<std::string> {
        const fs::path base = absoluteBase(baseDir);
        ojson root;
        root["format"] = kConversationFormat;
        root["version"] = kConversationVersion;
        if (!conversation.title.empty()) {
            if (!isValidUtf8(conversation.title)) throw ArgumentError("conversation title is not valid UTF-8");
            root["title"] = conversation.title;
        }
        ojson messages = ojson::array();
        for (std::size_t i = 0; i < conversation.messages.size(); ++i)
            messages.push_back(messageToJson(conversation.messages[i], base, "messages[" + std::to_string(i) + "]"));
        root["messages"] = std::move(messages);
        return root.dump(2) + "\n";
    });
}

Result<std::string> serializeMessage(const Message& message, const std::string& baseDir) {
    return guarded([&]() -> Result<std::string> {
        return messageToJson(message, absoluteBase(baseDir), "message").dump(2) + "\n";
    });
}

Result<void> writeFileAtomic(const std::string& path, const std::string& contents) {
    return guarded([&]() -> Result<void> {
        if (path.empty()) throw ArgumentError("writeFileAtomic: empty path");
        writeBytesAtomic(path, contents.data(), contents.size());
        return {};
    });
}

} // namespace weft
