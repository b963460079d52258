#pragma once
// Helpers shared by the engine's JSON parsers of outside bytes (safetensors headers,
// config.json, conversation files): UTF-8 validation and a parse that rejects duplicate keys
// and deep nesting, which nlohmann-json would otherwise accept silently.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.h"

namespace weft {

/// Index of the first byte that breaks UTF-8 (overlong forms, surrogates and code points
/// above U+10FFFF are invalid), or npos when `s` is valid. Thread-safe.
inline std::size_t firstInvalidUtf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) { ++i; continue; }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t minCp = 0;
        if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; minCp = 0x80; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; minCp = 0x800; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; minCp = 0x10000; }
        else return i;
        if (n - i < len) return i;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < minCp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string_view::npos;
}

inline bool isValidUtf8(std::string_view s) noexcept { return firstInvalidUtf8(s) == std::string_view::npos; }

/// `s` with every byte that breaks UTF-8 replaced by '?'. For messages that quote outside bytes.
inline std::string replaceInvalidUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t bad = firstInvalidUtf8(s); bad != std::string_view::npos; bad = firstInvalidUtf8(s)) {
        out.append(s.substr(0, bad));
        out += '?';
        s.remove_prefix(bad + 1);
    }
    out.append(s);
    return out;
}

/// Parses JSON text strictly: the text must be valid UTF-8, objects may not repeat a key
/// and nesting may not exceed `maxDepth` levels. `what` names the document in messages
/// ("config.json", "safetensors header"). Throws FormatError. Thread-safe.
inline nlohmann::json parseStrictJson(std::string_view text, const std::string& what, int maxDepth) {
    const std::size_t bad = firstInvalidUtf8(text);
    if (bad != std::string_view::npos)
        throw FormatError(what + ": expected UTF-8 text, found an invalid byte sequence at byte " +
                          std::to_string(bad));
    // The callback sees every key as it is read, so duplicates are caught before nlohmann
    // overwrites the first value; depth is bounded so hostile nesting cannot exhaust memory.
    std::vector<std::set<std::string>> keysPerObject;
    auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) -> bool {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start || event == E::array_start) {
            if (depth >= maxDepth)
                throw FormatError(what + ": expected at most " + std::to_string(maxDepth) +
                                  " levels of nesting, found deeper");
            if (event == E::object_start) keysPerObject.emplace_back();
        } else if (event == E::object_end) {
            if (!keysPerObject.empty()) keysPerObject.pop_back();
        } else if (event == E::key) {
            const std::string& key = parsed.get_ref<const std::string&>();
            if (!keysPerObject.empty() && !keysPerObject.back().insert(key).second)
                throw FormatError(what + ": key '" + key + "' appears twice in the same object");
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback, true, false);
    } catch (const nlohmann::json::exception& e) {
        // Besides parse_error, nlohmann throws out_of_range for a number beyond double's range
        // ("1e400"). Its message quotes the last bytes read, which can end inside a multi-byte
        // character, and messages must stay UTF-8 for the UI and logs.
        throw FormatError(what + ": invalid JSON (" + replaceInvalidUtf8(e.what()) + ")");
    }
}

/// Short JSON type name for messages ("string", "number", ...).
inline std::string jsonTypeName(const nlohmann::json& j) {
    if (j.is_number_integer()) return "integer " + j.dump();
    if (j.is_number_float()) return "number " + j.dump();
    if (j.is_string()) {
        std::string s = j.get_ref<const std::string&>();
        if (s.size() > 40) {
            std::size_t cut = 40;
            while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // keep UTF-8 whole
            s = s.substr(0, cut) + "...";
        }
        return "string \"" + s + "\"";
    }
    return j.type_name();
}

} // namespace weft
