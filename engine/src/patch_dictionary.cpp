#include "patch_dictionary.h"

#include <algorithm>
#include <map>

#include "errors.h"
#include "palette_indices.h"

namespace weft {
namespace {

// A pattern ink covers at least 1/16 of the ring (dots) and an object never reaches the
// ring, so 2% separates a pattern's second colour from a stray pixel.
constexpr double kSecondColorShare = 0.02;

} // namespace

PatchDictionary::PatchDictionary(const CodecConfig& config) : m_config(config)
{
    if (config.palette.empty() || config.palette.size() >= kTransparent)
        throw ArgumentError("patch dictionary: expected a palette of 2 to 254 colours, found " +
                            std::to_string(config.palette.size()));
    if (config.grid < 4 || config.grid % 2 != 0)
        throw ArgumentError("patch dictionary: expected an even grid of at least 4 (a margin ring around the inside), found " +
                            std::to_string(config.grid));
    m_patch = config.patch();
    m_patchArea = m_patch * m_patch;
    m_pixels.assign(static_cast<std::size_t>(config.dictionarySize) * m_patchArea, kTransparent);
    m_kinds.assign(static_cast<std::size_t>(config.dictionarySize), EntryKind::Unused);
}

bool PatchDictionary::isMarginPatch(int px, int py) const
{
    const int last = m_config.grid - 1;
    return px == 0 || py == 0 || px == last || py == last;
}

std::vector<bool> PatchDictionary::backgroundColors(const std::vector<std::uint8_t>& idx) const
{
    const int s = m_config.imageSize;
    std::vector<long> counts(m_config.palette.size(), 0);
    long ring = 0;
    for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x)
            if (isMarginPatch(x / m_patch, y / m_patch)) {
                ++counts[idx[static_cast<std::size_t>(y) * s + x]];
                ++ring;
            }
    // Stable order: the most frequent colour, ties to the lower index.
    std::vector<int> order(counts.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return counts[static_cast<std::size_t>(a)] > counts[static_cast<std::size_t>(b)]; });
    std::vector<bool> background(counts.size(), false);
    background[static_cast<std::size_t>(order[0])] = true;
    if (order.size() > 1 && counts[static_cast<std::size_t>(order[1])] >= kSecondColorShare * static_cast<double>(ring))
        background[static_cast<std::size_t>(order[1])] = true;
    return background;
}

// The lookup key of an entry: its kind byte, then its pixels (palette index or transparent).
std::string PatchDictionary::entryKey(EntryKind kind, const std::uint8_t* pixels) const
{
    std::string key(static_cast<std::size_t>(m_patchArea) + 1, '\0');
    key[0] = static_cast<char>(kind);
    std::copy(pixels, pixels + m_patchArea, key.begin() + 1);
    return key;
}

std::string PatchDictionary::patchKey(const std::vector<std::uint8_t>& idx, int px, int py,
                                      const std::vector<bool>& background) const
{
    const int s = m_config.imageSize;
    const bool margin = isMarginPatch(px, py);
    std::vector<std::uint8_t> patch(static_cast<std::size_t>(m_patchArea));
    for (int y = 0; y < m_patch; ++y)
        for (int x = 0; x < m_patch; ++x) {
            const std::uint8_t v = idx[static_cast<std::size_t>(py * m_patch + y) * s + px * m_patch + x];
            patch[static_cast<std::size_t>(y * m_patch + x)] = !margin && background[v] ? kTransparent : v;
        }
    return entryKey(margin ? EntryKind::Margin : EntryKind::Inner, patch.data());
}

int PatchDictionary::build(const std::vector<Image>& images)
{
    std::map<std::string, long> counts;
    const int g = m_config.grid;
    for (const Image& image : images) {
        const auto idx = paletteIndices(image, m_config.palette, m_config.imageSize);
        const auto background = backgroundColors(idx);
        for (int py = 0; py < g; ++py)
            for (int px = 0; px < g; ++px) ++counts[patchKey(idx, px, py, background)];
    }
    std::vector<std::pair<std::string, long>> sorted(counts.begin(), counts.end());
    // std::map already orders by content, so a stable sort by count breaks ties by content.
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::fill(m_pixels.begin(), m_pixels.end(), kTransparent);
    std::fill(m_kinds.begin(), m_kinds.end(), EntryKind::Unused);
    const std::size_t keep = std::min(sorted.size(), m_kinds.size());
    for (std::size_t i = 0; i < keep; ++i) {
        const std::string& key = sorted[i].first;
        m_kinds[i] = static_cast<EntryKind>(key[0]);
        for (int p = 0; p < m_patchArea; ++p)
            m_pixels[i * static_cast<std::size_t>(m_patchArea) + static_cast<std::size_t>(p)] =
                static_cast<std::uint8_t>(key[static_cast<std::size_t>(p + 1)]);
    }
    rebuildIndex();
    return static_cast<int>(sorted.size());
}

void PatchDictionary::setTables(std::vector<std::uint8_t> pixels, std::vector<EntryKind> kinds)
{
    if (kinds.size() != static_cast<std::size_t>(m_config.dictionarySize) ||
        pixels.size() != kinds.size() * static_cast<std::size_t>(m_patchArea))
        throw ArgumentError("patch dictionary: expected " + std::to_string(m_config.dictionarySize) + " entries of " +
                            std::to_string(m_patchArea) + " pixels, found " + std::to_string(kinds.size()) +
                            " entries and " + std::to_string(pixels.size()) + " pixels");
    for (std::size_t i = 0; i < pixels.size(); ++i)
        if (pixels[i] != kTransparent && pixels[i] >= m_config.palette.size())
            throw ArgumentError("patch dictionary: entry " + std::to_string(i / static_cast<std::size_t>(m_patchArea)) +
                                " holds palette index " + std::to_string(pixels[i]) + ", expected below " +
                                std::to_string(m_config.palette.size()) + " or transparent");
    m_pixels = std::move(pixels);
    m_kinds = std::move(kinds);
    rebuildIndex();
}

void PatchDictionary::rebuildIndex()
{
    m_index.clear();
    for (int c = 0; c < size(); ++c) {
        if (m_kinds[static_cast<std::size_t>(c)] == EntryKind::Unused) continue;
        // The first (most frequent) of equal entries wins.
        m_index.emplace(entryKey(m_kinds[static_cast<std::size_t>(c)], pixels(c)), c);
    }
}

int PatchDictionary::usedEntries() const noexcept
{
    return static_cast<int>(std::count_if(m_kinds.begin(), m_kinds.end(), [](EntryKind k) { return k != EntryKind::Unused; }));
}

int PatchDictionary::nearest(const std::string& key) const
{
    const auto wanted = static_cast<EntryKind>(key[0]);
    int best = -1, bestDiff = m_patchArea + 1;
    for (int c = 0; c < size(); ++c) {
        if (m_kinds[static_cast<std::size_t>(c)] != wanted) continue;
        const std::uint8_t* p = pixels(c);
        int diff = 0;
        for (int i = 0; i < m_patchArea && diff < bestDiff; ++i)
            diff += p[i] != static_cast<std::uint8_t>(key[static_cast<std::size_t>(i + 1)]);
        if (diff < bestDiff) {
            bestDiff = diff;
            best = c;
        }
    }
    if (best < 0)
        throw ArgumentError(std::string("patch dictionary: expected at least one ") +
                            (wanted == EntryKind::Margin ? "margin" : "inner") + " entry, found none (was it built?)");
    return best;
}

std::vector<int> PatchDictionary::encode(const Image& image) const
{
    const auto idx = paletteIndices(image, m_config.palette, m_config.imageSize);
    const auto background = backgroundColors(idx);
    const int g = m_config.grid;
    std::vector<int> codes;
    codes.reserve(static_cast<std::size_t>(g) * g);
    for (int py = 0; py < g; ++py)
        for (int px = 0; px < g; ++px) {
            const std::string key = patchKey(idx, px, py, background);
            const auto it = m_index.find(key);
            codes.push_back(it != m_index.end() ? it->second : nearest(key));
        }
    return codes;
}

Image PatchDictionary::decode(const std::vector<int>& codes) const
{
    const int g = m_config.grid, s = m_config.imageSize;
    if (codes.size() != static_cast<std::size_t>(g) * g)
        throw ArgumentError("patch dictionary: expected " + std::to_string(g * g) + " codes, found " +
                            std::to_string(codes.size()));
    for (int c : codes)
        if (c < 0 || c >= size())
            throw ArgumentError("patch dictionary: expected codes in [0, " + std::to_string(size()) + "), found " +
                                std::to_string(c));
    std::vector<std::uint8_t> idx(static_cast<std::size_t>(s) * s, kTransparent);
    auto paste = [&](int px, int py) {
        const std::uint8_t* p = pixels(codes[static_cast<std::size_t>(py * g + px)]);
        for (int y = 0; y < m_patch; ++y)
            std::copy(p + y * m_patch, p + (y + 1) * m_patch,
                      idx.begin() + static_cast<std::ptrdiff_t>((py * m_patch + y) * s + px * m_patch));
    };
    // The margin first: the inner patches' transparent pixels are filled from it.
    for (int py = 0; py < g; ++py)
        for (int px = 0; px < g; ++px)
            if (isMarginPatch(px, py)) paste(px, py);
    // A margin position given an inner or unused entry (a model's mistake) leaves holes:
    // they take the ring's most common colour.
    std::vector<long> counts(m_config.palette.size(), 0);
    for (std::uint8_t v : idx)
        if (v != kTransparent) ++counts[v];
    const auto common = static_cast<std::uint8_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) {
            auto& v = idx[static_cast<std::size_t>(y) * s + x];
            if (isMarginPatch(x / m_patch, y / m_patch) && v == kTransparent) v = common;
        }
    for (int py = 1; py + 1 < g; ++py)
        for (int px = 1; px + 1 < g; ++px) paste(px, py);
    for (int y = m_patch; y < s - m_patch; ++y)
        for (int x = m_patch; x < s - m_patch; ++x) {
            auto& v = idx[static_cast<std::size_t>(y) * s + x];
            if (v != kTransparent) continue;
            // Same row, same phase modulo two patches: the left margin column for even patch
            // columns, the right one (odd, for the even grids of palette models) for odd ones.
            const int px = x / m_patch;
            const int sourceX = (px % 2 == 0 ? 0 : (g - 1) * m_patch) + x % m_patch;
            v = idx[static_cast<std::size_t>(y) * s + sourceX];
        }
    Image out;
    out.width = s;
    out.height = s;
    out.rgb.resize(static_cast<std::size_t>(s) * s * 3);
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const auto& rgb = m_config.palette[idx[i]];
        std::copy(rgb.begin(), rgb.end(), out.rgb.begin() + static_cast<std::ptrdiff_t>(i * 3));
    }
    return out;
}

std::vector<int> PatchDictionary::colorIds() const
{
    const int none = static_cast<int>(m_config.palette.size());
    std::vector<int> ids(static_cast<std::size_t>(size()), none);
    for (int c = 0; c < size(); ++c) {
        if (m_kinds[static_cast<std::size_t>(c)] == EntryKind::Unused) continue;
        std::vector<int> counts(m_config.palette.size(), 0);
        const std::uint8_t* p = pixels(c);
        for (int i = 0; i < m_patchArea; ++i)
            if (p[i] != kTransparent) ++counts[p[i]];
        const auto best = std::max_element(counts.begin(), counts.end());
        if (*best > 0) ids[static_cast<std::size_t>(c)] = static_cast<int>(best - counts.begin());
    }
    return ids;
}

std::vector<int> PatchDictionary::maskIds(const std::vector<int>& colors) const
{
    std::map<std::string, int> masks;
    std::vector<int> ids(static_cast<std::size_t>(size()), 0);
    for (int c = 0; c < size(); ++c) {
        const auto kind = m_kinds[static_cast<std::size_t>(c)];
        std::string key(static_cast<std::size_t>(m_patchArea) + 1, '0');
        key[0] = static_cast<char>('0' + static_cast<int>(kind));
        const std::uint8_t* p = pixels(c);
        for (int i = 0; i < m_patchArea; ++i) {
            const bool drawn = kind == EntryKind::Margin ? p[i] != colors[static_cast<std::size_t>(c)]
                                                          : p[i] != kTransparent;
            key[static_cast<std::size_t>(i + 1)] = drawn ? '1' : '0';
        }
        const auto it = masks.emplace(key, static_cast<int>(masks.size())).first;
        ids[static_cast<std::size_t>(c)] = it->second;
    }
    return ids;
}

} // namespace weft
