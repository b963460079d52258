#include "weft/world/image_parser.h"

#include <array>
#include <bitset>
#include <limits>
#include <stdexcept>
#include <string>

#include "weft/world/creature.h"
#include "weft/world/render.h"

namespace weft::world {
namespace {

using Rgb = std::array<int, 3>;

int dist2(const std::uint8_t* p, const Rgb& c)
{
    const int r = p[0] - c[0], g = p[1] - c[1], b = p[2] - c[2];
    return r * r + g * g + b * b;
}

Rgb toRgb(const std::array<std::uint8_t, 3>& c) { return {c[0], c[1], c[2]}; }

bool inMargin(int x, int y)
{
    return x < kMargin || y < kMargin || x >= kCanvasSize - kMargin || y >= kCanvasSize - kMargin;
}

// Ink tables of every pattern over the canvas, computed once.
const std::array<std::array<bool, kCanvasSize * kCanvasSize>, kPatternCount>& inkTables()
{
    static const auto tables = [] {
        std::array<std::array<bool, kCanvasSize * kCanvasSize>, kPatternCount> t{};
        for (int k = 0; k < kPatternCount; ++k)
            for (int y = 0; y < kCanvasSize; ++y)
                for (int x = 0; x < kCanvasSize; ++x)
                    t[k][y * kCanvasSize + x] = isPatternInk(static_cast<Pattern>(k), x, y);
        return t;
    }();
    return tables;
}

// Background colour and pattern are recovered together by least squares over the margin,
// which no object ever covers; the ink follows from the colour, so 72 candidates suffice.
void parseBackground(const weft::Image& img, Scene& scene)
{
    static const std::vector<int> margin = [] {
        std::vector<int> v;
        for (int y = 0; y < kCanvasSize; ++y)
            for (int x = 0; x < kCanvasSize; ++x)
                if (inMargin(x, y))
                    v.push_back(y * kCanvasSize + x);
        return v;
    }();
    const auto& ink = inkTables();
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (int c = 0; c < kColorCount; ++c) {
        const Rgb bgRgb = toRgb(colorRgb(static_cast<Color>(c)));
        const Rgb inkRgbValue = toRgb(inkRgb(static_cast<Color>(c)));
        std::array<std::int64_t, kPatternCount> cost{};
        for (int i : margin) {
            const std::uint8_t* p = img.rgb.data() + static_cast<std::size_t>(i) * 3;
            const int dBg = dist2(p, bgRgb);
            const int dInk = dist2(p, inkRgbValue);
            for (int k = 0; k < kPatternCount; ++k)
                cost[k] += ink[k][i] ? dInk : dBg;
        }
        for (int k = 0; k < kPatternCount; ++k) {
            if (cost[k] < best) {
                best = cost[k];
                scene.background = static_cast<Color>(c);
                scene.pattern = static_cast<Pattern>(k);
            }
        }
    }
}

std::int64_t maskCost(const std::array<int, kCellSize * kCellSize>& d, const CellMask& mask)
{
    std::int64_t sum = 0;
    for (int y = 0; y < kCellSize; ++y) {
        for (unsigned row = mask[y]; row; row &= row - 1)
            sum += d[y * kCellSize + __builtin_ctz(row)];
    }
    return sum;
}

// Best creature pattern for per-block costs (negative = the colour fits better than the
// background). The free optimum is usually a valid pattern; otherwise the exact constrained
// optimum is found by scanning every valid pattern.
std::pair<std::uint16_t, std::int64_t> fitCreature(const std::array<std::int64_t, 16>& block)
{
    std::uint16_t free = 0;
    std::int64_t freeCost = 0;
    for (int b = 0; b < 16; ++b)
        if (block[b] < 0) {
            free = static_cast<std::uint16_t>(free | (1u << b));
            freeCost += block[b];
        }
    if (validCreature(free))
        return {free, freeCost};
    std::uint16_t best = 0;
    std::int64_t bestCost = std::numeric_limits<std::int64_t>::max();
    for (std::uint16_t p : validCreatures()) {
        std::int64_t cost = 0;
        for (int b = 0; b < 16; ++b)
            if (p & (1u << b))
                cost += block[b];
        if (cost < bestCost) {
            bestCost = cost;
            best = p;
        }
    }
    return {best, bestCost};
}

Cell parseCell(const weft::Image& img, const Scene& scene, int cell)
{
    const int left = kMargin + kCellSize * cellColumn(cell);
    const int top = kMargin + kCellSize * cellRow(cell);
    const Rgb bg = toRgb(colorRgb(scene.background));
    const Rgb inkColor = toRgb(inkRgb(scene.background));

    Cell best = Cell::makeEmpty();
    std::int64_t bestCost = 0; // "empty" costs nothing relative to the background model
    Color creatureColor = Color::Red;
    std::array<std::int64_t, 16> creatureBlocks{};
    std::int64_t creatureFree = std::numeric_limits<std::int64_t>::max();

    const auto& ink = inkTables()[static_cast<int>(scene.pattern)];
    std::array<int, kCellSize * kCellSize> dBack{};
    for (int y = 0; y < kCellSize; ++y)
        for (int x = 0; x < kCellSize; ++x) {
            const bool isInk = ink[(top + y) * kCanvasSize + left + x];
            dBack[y * kCellSize + x] = dist2(img.pixel(left + x, top + y), isInk ? inkColor : bg);
        }
    std::array<int, kCellSize * kCellSize> d{};
    for (int c = 0; c < kColorCount; ++c) {
        const auto color = static_cast<Color>(c);
        if (color == scene.background)
            continue;
        const Rgb fg = toRgb(colorRgb(color));
        for (int y = 0; y < kCellSize; ++y)
            for (int x = 0; x < kCellSize; ++x)
                d[y * kCellSize + x] = dist2(img.pixel(left + x, top + y), fg) - dBack[y * kCellSize + x];
        for (int s = 0; s < kShapeCount; ++s)
            for (int z = 0; z < 2; ++z) {
                const std::int64_t cost = maskCost(d, shapeMask(static_cast<Shape>(s), static_cast<Size>(z)));
                if (cost < bestCost) {
                    bestCost = cost;
                    best = Cell::makeObject(static_cast<Shape>(s), color, static_cast<Size>(z));
                }
            }
        std::array<std::int64_t, 16> blocks{};
        for (int y = 0; y < kCellSize; ++y)
            for (int x = 0; x < kCellSize; ++x)
                blocks[(y / 4) * 4 + x / 4] += d[y * kCellSize + x];
        std::int64_t freeCost = 0;
        for (auto v : blocks)
            freeCost += v < 0 ? v : 0;
        if (freeCost < creatureFree) {
            creatureFree = freeCost;
            creatureColor = color;
            creatureBlocks = blocks;
        }
    }
    // The free creature fit bounds the constrained one from below, so it only needs solving
    // when it could beat the best shape.
    if (creatureFree < bestCost) {
        const auto [pattern, cost] = fitCreature(creatureBlocks);
        if (cost < bestCost)
            best = Cell::makeCreature(pattern, creatureColor);
    }
    return best;
}

} // namespace

weft::Image toCanvas(const weft::Image& image)
{
    if (image.empty())
        throw std::invalid_argument("expected a non-empty image, found " + std::to_string(image.width) + "x" +
                                    std::to_string(image.height));
    const std::size_t expected = static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3;
    if (image.rgb.size() != expected)
        throw std::invalid_argument("expected " + std::to_string(expected) + " RGB bytes for a " +
                                    std::to_string(image.width) + "x" + std::to_string(image.height) + " image, found " +
                                    std::to_string(image.rgb.size()));
    if (image.width == kCanvasSize && image.height == kCanvasSize)
        return image;
    weft::Image out;
    out.width = kCanvasSize;
    out.height = kCanvasSize;
    out.rgb.resize(static_cast<std::size_t>(kCanvasSize) * kCanvasSize * 3);
    for (int y = 0; y < kCanvasSize; ++y) {
        // Sample the source pixel under each target pixel's centre.
        const int sy = static_cast<int>((2LL * y + 1) * image.height / (2 * kCanvasSize));
        for (int x = 0; x < kCanvasSize; ++x) {
            const int sx = static_cast<int>((2LL * x + 1) * image.width / (2 * kCanvasSize));
            const std::uint8_t* s = image.pixel(sx, sy);
            std::uint8_t* o = out.pixel(x, y);
            o[0] = s[0];
            o[1] = s[1];
            o[2] = s[2];
        }
    }
    return out;
}

Scene parseImage(const weft::Image& image)
{
    const weft::Image img = toCanvas(image);
    Scene scene;
    parseBackground(img, scene);
    for (int i = 0; i < kCellCount; ++i)
        scene.cells[i] = parseCell(img, scene, i);
    return scene;
}

} // namespace weft::world
