#pragma once
// The patch dictionary: an exact image codec for palette worlds (codec.kind
// "patch_dictionary", see MODEL_FORMAT.md "Patch dictionary").
//
// An image is cut into grid x grid patches of palette indices. Patches of the outer ring
// ("margin") are kept as they are. In the inner patches, pixels of the background's colours
// (read from the ring: its most common colour and, when it covers at least 2% of the ring,
// the second) are *transparent*, so an inner entry carries only what is drawn on the
// background. Decoding fills a transparent pixel from the margin pixel of the same row in
// the left or right margin column with the same phase modulo two patches (every Shapes
// World pattern repeats every patch or every two patches). Torch-free; thread-safe to read.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "model_config.h"
#include "weft/media.h"

namespace weft {

class PatchDictionary {
public:
    static constexpr std::uint8_t kTransparent = 255;

    enum class EntryKind : std::uint8_t { Inner = 0, Margin = 1, Unused = 2 };

    PatchDictionary() = default;
    /// An empty dictionary of config.dictionarySize unused entries. Throws ArgumentError when
    /// the config has no palette, more than 254 palette colours or an odd grid or one below 4.
    explicit PatchDictionary(const CodecConfig& config);

    /// Counts the patches of `images` (any size; resized as encode() does) and keeps the
    /// dictionarySize most frequent (ties by content, so the result depends only on the
    /// multiset of patches). Returns the number of distinct patches seen (may exceed the size).
    int build(const std::vector<Image>& images);

    /// grid*grid codes, row-major. Every patch gets a code: one absent from the dictionary
    /// takes the entry of its kind with the fewest differing pixels. Throws ArgumentError for
    /// an image without pixels, or when the dictionary holds no entry of a needed kind.
    std::vector<int> encode(const Image& image) const;
    /// imageSize x imageSize RGB from grid*grid codes; codes outside [0, size) throw
    /// ArgumentError. Unused entries draw as transparent.
    Image decode(const std::vector<int>& codes) const;

    int size() const noexcept { return static_cast<int>(m_kinds.size()); }
    /// Entries in use (inner and margin), counted from the front.
    int usedEntries() const noexcept;
    EntryKind kind(int code) const { return m_kinds.at(static_cast<std::size_t>(code)); }
    /// patch*patch palette indices (kTransparent for transparent) of an entry.
    const std::uint8_t* pixels(int code) const { return &m_pixels.at(static_cast<std::size_t>(code) * m_patchArea); }

    /// Raw table for storage: size()*patch*patch indices, and the kind of each entry.
    const std::vector<std::uint8_t>& pixelTable() const noexcept { return m_pixels; }
    const std::vector<EntryKind>& kindTable() const noexcept { return m_kinds; }
    /// Replaces the table (ArgumentError when sizes or values do not fit the config).
    void setTables(std::vector<std::uint8_t> pixels, std::vector<EntryKind> kinds);

    /// Factors of each entry for the transformer's code embeddings: its colour (the most
    /// frequent drawn index, ties to the lower; paletteSize for an entry that draws nothing
    /// or is unused) and its mask id (entries with the same kind and drawn-pixel set share
    /// one; margin masks are the pixels other than the colour). Mask ids are dense, in order
    /// of first appearance, < size(). maskIds takes the colorIds() it depends on.
    std::vector<int> colorIds() const;
    std::vector<int> maskIds(const std::vector<int>& colors) const;

private:
    bool isMarginPatch(int px, int py) const;
    std::string patchKey(const std::vector<std::uint8_t>& idx, int px, int py, const std::vector<bool>& background) const;
    std::vector<bool> backgroundColors(const std::vector<std::uint8_t>& idx) const;
    std::string entryKey(EntryKind kind, const std::uint8_t* pixels) const;
    int nearest(const std::string& key) const;
    void rebuildIndex();

    CodecConfig m_config;
    int m_patch = 0;
    int m_patchArea = 0;
    std::vector<std::uint8_t> m_pixels;
    std::vector<EntryKind> m_kinds;
    std::unordered_map<std::string, int> m_index; // kind byte + pixels -> code
};

} // namespace weft
