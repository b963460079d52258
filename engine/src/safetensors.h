#pragma once
// safetensors reader and writer (no torch): 8-byte little-endian header length, UTF-8 JSON
// header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the data.
// Validation follows the reference implementation plus: duplicate names and non-string
// metadata are rejected. All failures throw FormatError/LimitError naming the tensor.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace weft {

enum class DType { F32, F16, BF16, I64, I32, U8 };

/// "F32", "F16", ...
const char* dtypeName(DType d) noexcept;
/// Bytes per element.
std::size_t dtypeSize(DType d) noexcept;

constexpr std::uint64_t kSafetensorsMaxHeader = 100ULL * 1000 * 1000; ///< header cap, bytes

struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  ///< offset into the data section
    std::uint64_t end = 0;
    std::int64_t numel() const;
};

/// A parsed file held in memory. Tensors are sorted by offset.
class SafetensorsFile {
public:
    /// Parses bytes (whole file). Throws FormatError/LimitError.
    static SafetensorsFile parse(std::vector<std::uint8_t> bytes);
    /// Reads and parses a file; checks the size on disk before reading. Throws NotFoundError/IoError too.
    static SafetensorsFile read(const std::string& path, std::uint64_t maxFileBytes = 4ULL << 30);

    const std::vector<TensorView>& tensors() const noexcept { return m_tensors; }
    const TensorView* find(const std::string& name) const noexcept;
    /// Throws FormatError "tensor 'x' not found" when absent.
    const TensorView& at(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const noexcept { return m_metadata; }
    /// Pointer to the tensor's bytes (little-endian, row-major).
    const std::uint8_t* data(const TensorView& t) const noexcept { return m_bytes.data() + m_dataStart + t.begin; }

private:
    std::vector<std::uint8_t> m_bytes;
    std::size_t m_dataStart = 0;
    std::vector<TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

/// Builds a file in memory; tensors are written in insertion order.
class SafetensorsWriter {
public:
    /// Adds a tensor; `bytes` must equal numel * dtypeSize. Throws ArgumentError on a size
    /// mismatch or a duplicate name.
    void add(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape, const void* bytes, std::size_t size);
    void setMetadata(const std::string& key, const std::string& value);
    std::vector<std::uint8_t> serialize() const;
    /// Atomic write (temporary file + rename). Throws IoError.
    void write(const std::string& path) const;

private:
    struct Entry { std::string name; DType dtype; std::vector<std::int64_t> shape; std::vector<std::uint8_t> bytes; };
    std::vector<Entry> m_entries;
    std::map<std::string, std::string> m_metadata;
};

} // namespace weft
