#include "safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "file_io.h"
#include "strict_json.h"
#include "weft/conversation.h"

namespace weft {

namespace {

using nlohmann::json;

std::uint64_t readLe64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

bool dtypeFromName(const std::string& s, DType& out) noexcept {
    static const std::pair<const char*, DType> kNames[] = {
        {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
        {"I64", DType::I64}, {"I32", DType::I32}, {"U8", DType::U8},
    };
    for (const auto& [name, d] : kNames) {
        if (s == name) {
            out = d;
            return true;
        }
    }
    return false;
}

// Element count and byte size with every multiplication checked: a hostile header can name
// dimensions whose product wraps around and would then pass the size comparison. Every partial
// product must fit int64, not just the final one: TensorView::numel() and torch multiply the
// dimensions in order as int64, so [2^62, 2, 0] (zero elements) would overflow there.
bool checkedBytes(const std::vector<std::int64_t>& shape, std::size_t elemSize, std::uint64_t& bytes) noexcept {
    constexpr auto kMaxNumel = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t n = 1;
    for (std::int64_t d : shape) {
        if (d < 0) return false;
        if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n) || n > kMaxNumel) return false;
    }
    return !__builtin_mul_overflow(n, static_cast<std::uint64_t>(elemSize), &bytes);
}

std::string shapeString(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

TensorView parseEntry(const std::string& name, const json& entry) {
    const std::string where = "safetensors tensor '" + name + "'";
    if (!entry.is_object())
        throw FormatError(where + ": expected an object {dtype, shape, data_offsets}, found " + jsonTypeName(entry));
    TensorView t;
    t.name = name;

    auto dt = entry.find("dtype");
    if (dt == entry.end()) throw FormatError(where + ": missing \"dtype\"");
    if (!dt->is_string()) throw FormatError(where + ": expected \"dtype\" to be a string, found " + jsonTypeName(*dt));
    if (!dtypeFromName(dt->get_ref<const std::string&>(), t.dtype))
        throw FormatError(where + ": unsupported dtype '" + dt->get<std::string>() +
                          "' (expected one of F32, F16, BF16, I64, I32, U8)");

    auto sh = entry.find("shape");
    if (sh == entry.end()) throw FormatError(where + ": missing \"shape\"");
    if (!sh->is_array()) throw FormatError(where + ": expected \"shape\" to be an array, found " + jsonTypeName(*sh));
    for (const json& d : *sh) {
        if (d.is_number_unsigned()) {
            if (d.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw FormatError(where + ": dimension " + d.dump() + " is too large");
            t.shape.push_back(static_cast<std::int64_t>(d.get<std::uint64_t>()));
        } else if (d.is_number_integer()) {
            throw FormatError(where + ": expected non-negative dimensions, found " + d.dump());
        } else {
            throw FormatError(where + ": expected integer dimensions, found " + jsonTypeName(d));
        }
    }

    auto off = entry.find("data_offsets");
    if (off == entry.end()) throw FormatError(where + ": missing \"data_offsets\"");
    if (!off->is_array() || off->size() != 2)
        throw FormatError(where + ": expected \"data_offsets\" to be [begin, end], found " + off->dump());
    for (const json& o : *off) {
        if (!o.is_number_unsigned())
            throw FormatError(where + ": expected non-negative integer data_offsets, found " + off->dump());
    }
    t.begin = (*off)[0].get<std::uint64_t>();
    t.end = (*off)[1].get<std::uint64_t>();
    if (t.end < t.begin)
        throw FormatError(where + ": data_offsets end " + std::to_string(t.end) + " is before begin " +
                          std::to_string(t.begin));

    std::uint64_t bytes = 0;
    if (!checkedBytes(t.shape, dtypeSize(t.dtype), bytes))
        throw FormatError(where + ": shape " + shapeString(t.shape) + " x " + dtypeName(t.dtype) +
                          " overflows 64-bit byte counts");
    if (bytes != t.end - t.begin)
        throw FormatError(where + ": shape " + shapeString(t.shape) + " of " + dtypeName(t.dtype) + " needs " +
                          std::to_string(bytes) + " bytes, found data_offsets spanning " +
                          std::to_string(t.end - t.begin));
    return t;
}

} // namespace

const char* dtypeName(DType d) noexcept {
    switch (d) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::U8: return "U8";
    }
    return "?";
}

std::size_t dtypeSize(DType d) noexcept {
    switch (d) {
    case DType::F32: return 4;
    case DType::F16: return 2;
    case DType::BF16: return 2;
    case DType::I64: return 8;
    case DType::I32: return 4;
    case DType::U8: return 1;
    }
    return 0;
}

std::int64_t TensorView::numel() const {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;
    return n;
}

SafetensorsFile SafetensorsFile::parse(std::vector<std::uint8_t> bytes) {
    const std::uint64_t fileSize = bytes.size();
    if (fileSize < 8)
        throw FormatError("safetensors: expected at least 8 bytes (header length), found " + std::to_string(fileSize));
    const std::uint64_t headerLen = readLe64(bytes.data());
    if (headerLen < 2)
        throw FormatError("safetensors: header length " + std::to_string(headerLen) +
                          " is too small (expected at least 2 bytes for \"{}\")");
    if (headerLen > kSafetensorsMaxHeader)
        throw LimitError("safetensors: header length " + std::to_string(headerLen) + " exceeds the cap of " +
                         std::to_string(kSafetensorsMaxHeader) + " bytes");
    if (headerLen > fileSize - 8)
        throw FormatError("safetensors: header length " + std::to_string(headerLen) + " is larger than the " +
                          std::to_string(fileSize - 8) + " bytes that follow it (truncated file?)");

    std::string_view headerText(reinterpret_cast<const char*>(bytes.data() + 8), headerLen);
    if (headerText.front() != '{')
        throw FormatError("safetensors: expected the header to start with '{', found byte " +
                          std::to_string(static_cast<unsigned char>(headerText.front())));
    // Entries need depth 3 (root, entry, shape array); anything deeper is not safetensors.
    json header = parseStrictJson(headerText, "safetensors header", 3);
    if (!header.is_object())
        throw FormatError("safetensors: expected the header to be a JSON object, found " + jsonTypeName(header));

    SafetensorsFile file;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object())
                throw FormatError("safetensors: expected \"__metadata__\" to be an object of strings, found " +
                                  jsonTypeName(*it));
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string())
                    throw FormatError("safetensors: metadata '" + m.key() + "' must be a string, found " +
                                      jsonTypeName(*m));
                file.m_metadata.emplace(m.key(), m->get<std::string>());
            }
            continue;
        }
        file.m_tensors.push_back(parseEntry(it.key(), *it));
    }

    std::sort(file.m_tensors.begin(), file.m_tensors.end(), [](const TensorView& a, const TensorView& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    for (const TensorView& t : file.m_tensors) {
        if (t.begin != expected)
            throw FormatError("safetensors tensor '" + t.name + "': data starts at byte " + std::to_string(t.begin) +
                              ", expected " + std::to_string(expected) + (t.begin < expected ? " (overlaps the previous tensor)" : " (gap after the previous tensor)"));
        expected = t.end;
    }
    const std::uint64_t dataLen = fileSize - 8 - headerLen;
    if (dataLen != expected)
        throw FormatError("safetensors: tensors cover " + std::to_string(expected) + " data bytes but the file holds " +
                          std::to_string(dataLen) + (dataLen > expected ? " (trailing bytes)" : " (truncated data)"));

    file.m_dataStart = static_cast<std::size_t>(8 + headerLen);
    file.m_bytes = std::move(bytes);
    return file;
}

SafetensorsFile SafetensorsFile::read(const std::string& path, std::uint64_t maxFileBytes) {
    std::vector<std::uint8_t> bytes;
    readFileCapped(path, maxFileBytes, "safetensors file", bytes);
    try {
        return parse(std::move(bytes));
    } catch (const EngineError& e) {
        // Prefix the path so a caller loading several files knows which one failed.
        if (e.code() == ErrorCode::LimitExceeded) throw LimitError(path + ": " + e.what());
        throw FormatError(path + ": " + e.what());
    }
}

const TensorView* SafetensorsFile::find(const std::string& name) const noexcept {
    for (const TensorView& t : m_tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const TensorView& SafetensorsFile::at(const std::string& name) const {
    if (const TensorView* t = find(name)) return *t;
    throw FormatError("tensor '" + name + "' not found");
}

void SafetensorsWriter::add(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape,
                            const void* bytes, std::size_t size) {
    if (name.empty() || name == "__metadata__" || !isValidUtf8(name))
        throw ArgumentError("safetensors writer: tensor name '" + name + "' is not allowed");
    for (const Entry& e : m_entries)
        if (e.name == name) throw ArgumentError("safetensors writer: tensor '" + name + "' added twice");
    std::uint64_t expected = 0;
    if (!checkedBytes(shape, dtypeSize(dtype), expected))
        throw ArgumentError("safetensors writer: tensor '" + name + "' has an invalid shape " + shapeString(shape));
    if (expected != size)
        throw ArgumentError("safetensors writer: tensor '" + name + "' shape " + shapeString(shape) + " of " +
                            dtypeName(dtype) + " needs " + std::to_string(expected) + " bytes, given " +
                            std::to_string(size));
    if (size > 0 && bytes == nullptr)
        throw ArgumentError("safetensors writer: tensor '" + name + "' has no data pointer");
    Entry e{name, dtype, shape, {}};
    e.bytes.resize(size);
    if (size > 0) std::memcpy(e.bytes.data(), bytes, size);
    m_entries.push_back(std::move(e));
}

void SafetensorsWriter::setMetadata(const std::string& key, const std::string& value) {
    if (!isValidUtf8(key) || !isValidUtf8(value))
        throw ArgumentError("safetensors writer: metadata '" + key + "' is not valid UTF-8");
    m_metadata[key] = value;
}

std::vector<std::uint8_t> SafetensorsWriter::serialize() const {
    // ordered_json keeps the tensors in the order they were added, which is also data order.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!m_metadata.empty()) {
        nlohmann::ordered_json meta = nlohmann::ordered_json::object();
        for (const auto& [k, v] : m_metadata) meta[k] = v;
        header["__metadata__"] = std::move(meta);
    }
    std::uint64_t offset = 0;
    for (const Entry& e : m_entries) {
        nlohmann::ordered_json entry;
        entry["dtype"] = dtypeName(e.dtype);
        entry["shape"] = e.shape;
        entry["data_offsets"] = {offset, offset + e.bytes.size()};
        header[e.name] = std::move(entry);
        offset += e.bytes.size();
    }
    std::string text = header.dump();
    // Padding the header with spaces keeps the data section 8-byte aligned, as the reference does.
    text.append((8 - text.size() % 8) % 8, ' ');

    std::vector<std::uint8_t> out;
    out.reserve(8 + text.size() + offset);
    const std::uint64_t len = text.size();
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
    out.insert(out.end(), text.begin(), text.end());
    for (const Entry& e : m_entries) out.insert(out.end(), e.bytes.begin(), e.bytes.end());
    return out;
}

void SafetensorsWriter::write(const std::string& path) const {
    const std::vector<std::uint8_t> bytes = serialize();
    writeBytesAtomic(path, bytes.data(), bytes.size());
}

} // namespace weft
