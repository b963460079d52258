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

// Cells are compared in YCbCr: luma per pixel, chroma as averages over kChromaBlock-pixel
// squares. JPEG keeps luma sharp but subsamples and blurs chroma, so a thin shape's colour
// survives in the block averages while its per-pixel chroma does not. Blocks align with the
// cells (and with the 4-pixel creature cells), so every cost below stays additive.
constexpr int kChromaBlock = 2;
constexpr int kBlocksPerSide = kCellSize / kChromaBlock;
constexpr int kBlockCount = kBlocksPerSide * kBlocksPerSide;
constexpr int kBlockPixels = kChromaBlock * kChromaBlock;
// Weights of the chroma term (per pixel, relative to luma): measured on JPEG q75 and noise
// sigma 8 renders, where chroma carries colour but only blurred shape information.
constexpr double kChromaWeight = 0.5;
constexpr double kShapeChromaWeight = 0.03;

struct Ycc {
    double y = 0, cb = 0, cr = 0;
};

Ycc toYcc(double r, double g, double b)
{
    return {0.299 * r + 0.587 * g + 0.114 * b, -0.168736 * r - 0.331264 * g + 0.5 * b,
            0.5 * r - 0.418688 * g - 0.081312 * b};
}

Ycc toYcc(const std::array<std::uint8_t, 3>& c) { return toYcc(c[0], c[1], c[2]); }

int blockOf(int pixel) { return ((pixel / kCellSize) / kChromaBlock) * kBlocksPerSide + (pixel % kCellSize) / kChromaBlock; }

// In-mask pixel lists of every shape/size, computed once.
const std::array<std::vector<int>, kShapeCount * 2>& maskPixels()
{
    static const auto lists = [] {
        std::array<std::vector<int>, kShapeCount * 2> l;
        for (int s = 0; s < kShapeCount; ++s)
            for (int z = 0; z < 2; ++z) {
                const CellMask& m = shapeMask(static_cast<Shape>(s), static_cast<Size>(z));
                for (int y = 0; y < kCellSize; ++y)
                    for (int x = 0; x < kCellSize; ++x)
                        if (m[y] & (1u << x))
                            l[s * 2 + z].push_back(y * kCellSize + x);
            }
        return l;
    }();
    return lists;
}

// Best creature pattern for per-block costs (negative = the colour fits better than the
// background). The free optimum is usually a valid pattern; otherwise the exact constrained
// optimum is found by scanning every valid pattern.
std::pair<std::uint16_t, double> fitCreature(const std::array<double, 16>& block)
{
    std::uint16_t free = 0;
    double freeCost = 0;
    for (int b = 0; b < 16; ++b)
        if (block[b] < 0) {
            free = static_cast<std::uint16_t>(free | (1u << b));
            freeCost += block[b];
        }
    if (validCreature(free))
        return {free, freeCost};
    std::uint16_t best = 0;
    double bestCost = std::numeric_limits<double>::max();
    for (std::uint16_t p : validCreatures()) {
        double cost = 0;
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
    const Ycc bg = toYcc(colorRgb(scene.background));
    const Ycc ink = toYcc(inkRgb(scene.background));
    const auto& inkTable = inkTables()[static_cast<int>(scene.pattern)];

    constexpr int kPixels = kCellSize * kCellSize;
    std::array<double, kPixels> obsY{}, backY{}, backCb{}, backCr{};
    std::array<double, kBlockCount> obsCb{}, obsCr{}, backBlockCb{}, backBlockCr{};
    for (int i = 0; i < kPixels; ++i) {
        const int x = i % kCellSize, y = i / kCellSize;
        const std::uint8_t* p = img.pixel(left + x, top + y);
        const Ycc o = toYcc(p[0], p[1], p[2]);
        const Ycc& b = inkTable[(top + y) * kCanvasSize + left + x] ? ink : bg;
        obsY[i] = o.y;
        backY[i] = b.y;
        backCb[i] = b.cb;
        backCr[i] = b.cr;
        obsCb[blockOf(i)] += o.cb / kBlockPixels;
        obsCr[blockOf(i)] += o.cr / kBlockPixels;
        backBlockCb[blockOf(i)] += b.cb / kBlockPixels;
        backBlockCr[blockOf(i)] += b.cr / kBlockPixels;
    }

    Cell best = Cell::makeEmpty();
    double bestCost = 0; // "empty" costs nothing relative to the background model
    Color creatureColor = Color::Red;
    std::array<double, 16> creatureBlocks{};
    double creatureFree = std::numeric_limits<double>::max();
    const auto& lists = maskPixels();

    std::array<double, kPixels> dY{};
    for (int c = 0; c < kColorCount; ++c) {
        const auto color = static_cast<Color>(c);
        if (color == scene.background)
            continue;
        const Ycc fg = toYcc(colorRgb(color));
        for (int i = 0; i < kPixels; ++i) {
            const double a = obsY[i] - fg.y, b = obsY[i] - backY[i];
            dY[i] = a * a - b * b;
        }
        // Within a colour the shape is chosen mostly by luma, which JPEG keeps sharp; across
        // colours (and against "empty") chroma counts in full.
        double colorBestShape = std::numeric_limits<double>::max(), colorBestCost = 0;
        int colorBestMask = -1;
        for (int m = 0; m < kShapeCount * 2; ++m) {
            // Chroma: per block, the template average moves from the background's by the
            // covered pixels' share of (colour - background).
            std::array<double, kBlockCount> shiftCb{}, shiftCr{};
            double costY = 0, costC = 0;
            for (int i : lists[m]) {
                costY += dY[i];
                shiftCb[blockOf(i)] += (fg.cb - backCb[i]) / kBlockPixels;
                shiftCr[blockOf(i)] += (fg.cr - backCr[i]) / kBlockPixels;
            }
            for (int b = 0; b < kBlockCount; ++b) {
                if (shiftCb[b] == 0 && shiftCr[b] == 0)
                    continue;
                const double eb0 = obsCb[b] - backBlockCb[b], er0 = obsCr[b] - backBlockCr[b];
                const double eb = eb0 - shiftCb[b], er = er0 - shiftCr[b];
                costC += kBlockPixels * (eb * eb + er * er - eb0 * eb0 - er0 * er0);
            }
            const double shapeCost = costY + kShapeChromaWeight * costC;
            if (shapeCost < colorBestShape) {
                colorBestShape = shapeCost;
                colorBestMask = m;
                colorBestCost = costY + kChromaWeight * costC;
            }
        }
        if (colorBestMask >= 0 && colorBestCost < bestCost) {
            bestCost = colorBestCost;
            best = Cell::makeObject(static_cast<Shape>(colorBestMask / 2), color, static_cast<Size>(colorBestMask % 2));
        }
        // Creature cells are 4x4 pixels: whole chroma blocks, so each cell's cost is separate.
        std::array<double, 16> blocks{};
        for (int i = 0; i < kPixels; ++i)
            blocks[((i / kCellSize) / 4) * 4 + (i % kCellSize) / 4] += dY[i];
        for (int b = 0; b < kBlockCount; ++b) {
            double shiftCb = 0, shiftCr = 0;
            for (int i = 0; i < kPixels; ++i)
                if (blockOf(i) == b) {
                    shiftCb += (fg.cb - backCb[i]) / kBlockPixels;
                    shiftCr += (fg.cr - backCr[i]) / kBlockPixels;
                }
            const double eb0 = obsCb[b] - backBlockCb[b], er0 = obsCr[b] - backBlockCr[b];
            const double eb = eb0 - shiftCb, er = er0 - shiftCr;
            const int by = (b / kBlocksPerSide) * kChromaBlock / 4, bx = (b % kBlocksPerSide) * kChromaBlock / 4;
            blocks[by * 4 + bx] += kChromaWeight * kBlockPixels * (eb * eb + er * er - eb0 * eb0 - er0 * er0);
        }
        double freeCost = 0;
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
