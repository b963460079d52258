#include "weft/world/image_parser.h"

#include <array>
#include <algorithm>
#include <bitset>
#include <cmath>
#include <memory>
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

// A stage-1 candidate for the JPEG-model refinement (stage 2) and its stage-1 cost.
struct Candidate {
    Cell cell;
    double cost = 0;
};

constexpr int kCellPixels = kCellSize * kCellSize;
using PixelCosts = std::array<double, kCellPixels>;

// One cell of the image and of the background model (the scene's background colour and
// pattern): luma per pixel, chroma per pixel (model) and per kChromaBlock square.
struct CellObservation {
    PixelCosts obsY{}, backY{}, backCb{}, backCr{};
    std::array<double, kBlockCount> obsCb{}, obsCr{}, backBlockCb{}, backBlockCr{};
};

CellObservation observeCell(const weft::Image& img, const Scene& scene, int cell)
{
    const int left = kMargin + kCellSize * cellColumn(cell);
    const int top = kMargin + kCellSize * cellRow(cell);
    const Ycc bg = toYcc(colorRgb(scene.background));
    const Ycc ink = toYcc(inkRgb(scene.background));
    const auto& inkTable = inkTables()[static_cast<int>(scene.pattern)];
    CellObservation o;
    for (int i = 0; i < kCellPixels; ++i) {
        const int x = i % kCellSize, y = i / kCellSize;
        const std::uint8_t* p = img.pixel(left + x, top + y);
        const Ycc seen = toYcc(p[0], p[1], p[2]);
        const Ycc& b = inkTable[(top + y) * kCanvasSize + left + x] ? ink : bg;
        o.obsY[i] = seen.y;
        o.backY[i] = b.y;
        o.backCb[i] = b.cb;
        o.backCr[i] = b.cr;
        o.obsCb[blockOf(i)] += seen.cb / kBlockPixels;
        o.obsCr[blockOf(i)] += seen.cr / kBlockPixels;
        o.backBlockCb[blockOf(i)] += b.cb / kBlockPixels;
        o.backBlockCr[blockOf(i)] += b.cr / kBlockPixels;
    }
    return o;
}

// Per pixel: the squared luma error of colour `fg` minus that of the background model.
PixelCosts lumaGain(const CellObservation& o, const Ycc& fg)
{
    PixelCosts dY{};
    for (int i = 0; i < kCellPixels; ++i) {
        const double a = o.obsY[i] - fg.y, b = o.obsY[i] - o.backY[i];
        dY[i] = a * a - b * b;
    }
    return dY;
}

struct ShapeFit {
    int mask = -1;   ///< shape * 2 + size
    double cost = 0; ///< relative to the background model, chroma in full
};

// The best shape of colour `color` (foreground `fg`); every shape/size goes to `shortlist`
// with its cost. Within a colour the shape is chosen mostly by luma, which JPEG keeps sharp;
// across colours (and against "empty") chroma counts in full.
ShapeFit fitShapes(const CellObservation& o, const PixelCosts& dY, const Ycc& fg, Color color,
                   std::vector<Candidate>& shortlist)
{
    const auto& lists = maskPixels();
    double bestShapeCost = std::numeric_limits<double>::max();
    ShapeFit best;
    for (int m = 0; m < kShapeCount * 2; ++m) {
        // Chroma: per block, the template average moves from the background's by the
        // covered pixels' share of (colour - background).
        std::array<double, kBlockCount> shiftCb{}, shiftCr{};
        double costY = 0, costC = 0;
        for (int i : lists[m]) {
            costY += dY[i];
            shiftCb[blockOf(i)] += (fg.cb - o.backCb[i]) / kBlockPixels;
            shiftCr[blockOf(i)] += (fg.cr - o.backCr[i]) / kBlockPixels;
        }
        for (int b = 0; b < kBlockCount; ++b) {
            if (shiftCb[b] == 0 && shiftCr[b] == 0)
                continue;
            const double eb0 = o.obsCb[b] - o.backBlockCb[b], er0 = o.obsCr[b] - o.backBlockCr[b];
            const double eb = eb0 - shiftCb[b], er = er0 - shiftCr[b];
            costC += kBlockPixels * (eb * eb + er * er - eb0 * eb0 - er0 * er0);
        }
        shortlist.push_back({Cell::makeObject(static_cast<Shape>(m / 2), color, static_cast<Size>(m % 2)),
                             costY + kChromaWeight * costC});
        const double shapeCost = costY + kShapeChromaWeight * costC;
        if (shapeCost < bestShapeCost) {
            bestShapeCost = shapeCost;
            best = {m, costY + kChromaWeight * costC};
        }
    }
    return best;
}

// Per 4x4-pixel creature cell: the cost of colour `fg` there relative to the background model.
// Creature cells cover whole chroma blocks, so each cell's cost is separate and the chroma
// shift is the full difference.
std::array<double, 16> creatureBlockCosts(const CellObservation& o, const PixelCosts& dY, const Ycc& fg)
{
    std::array<double, 16> blocks{};
    for (int i = 0; i < kCellPixels; ++i)
        blocks[((i / kCellSize) / 4) * 4 + (i % kCellSize) / 4] += dY[i];
    for (int b = 0; b < kBlockCount; ++b) {
        const double shiftCb = fg.cb - o.backBlockCb[b], shiftCr = fg.cr - o.backBlockCr[b];
        const double eb0 = o.obsCb[b] - o.backBlockCb[b], er0 = o.obsCr[b] - o.backBlockCr[b];
        const double eb = eb0 - shiftCb, er = er0 - shiftCr;
        const int by = (b / kBlocksPerSide) * kChromaBlock / 4, bx = (b % kBlocksPerSide) * kChromaBlock / 4;
        blocks[by * 4 + bx] += kChromaWeight * kBlockPixels * (eb * eb + er * er - eb0 * eb0 - er0 * er0);
    }
    return blocks;
}

// Stage 1: the best content of one cell against the background model; every candidate (all
// shapes of every colour, the creature fit when it could win, and empty) goes to `shortlist`.
Cell parseCell(const weft::Image& img, const Scene& scene, int cell, std::vector<Candidate>& shortlist)
{
    const CellObservation obs = observeCell(img, scene, cell);
    Cell best = Cell::makeEmpty();
    double bestCost = 0; // "empty" costs nothing relative to the background model
    Color creatureColor = Color::Red;
    std::array<double, 16> creatureBlocks{};
    double creatureFree = std::numeric_limits<double>::max();
    for (int c = 0; c < kColorCount; ++c) {
        const auto color = static_cast<Color>(c);
        if (color == scene.background)
            continue;
        const Ycc fg = toYcc(colorRgb(color));
        const PixelCosts dY = lumaGain(obs, fg);
        const ShapeFit shape = fitShapes(obs, dY, fg, color, shortlist);
        if (shape.mask >= 0 && shape.cost < bestCost) {
            bestCost = shape.cost;
            best = Cell::makeObject(static_cast<Shape>(shape.mask / 2), color, static_cast<Size>(shape.mask % 2));
        }
        const auto blocks = creatureBlockCosts(obs, dY, fg);
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
        shortlist.push_back({Cell::makeCreature(pattern, creatureColor), cost});
        if (cost < bestCost)
            best = Cell::makeCreature(pattern, creatureColor);
    }
    shortlist.push_back({Cell::makeEmpty(), 0});
    return best;
}

// ---- Stage 2: refinement under a JPEG model ----------------------------------------------
// Stage 1 compares pixels, which treats JPEG's error as white noise; it is not: JPEG keeps each
// 8x8 block's low frequencies nearly exactly and drops the high ones, and does the same to chroma
// at half resolution over 16x16 pixels. Stage 2 re-ranks each cell's best stage-1 candidates by
// a distance in the DCT domain of JPEG's own blocks, each coefficient weighted by the inverse of
// its expected error (quantisation at quality 75 plus a noise floor). Cells start at 8 + 16c, so
// each cell holds exactly four luma blocks, and its chroma is one quadrant of four chroma blocks
// that it shares with its neighbours; those are modelled with the other cells' current parse.
// Everything is linear in the cell content, so per-candidate DCTs come from tables.
constexpr int kDct = 8;
const double kPi = std::acos(-1.0);
constexpr int kCoefs = kDct * kDct;
constexpr int kChromaSide = kCanvasSize / 2;          // chroma is subsampled 2x2 (4:2:0)
constexpr int kChromaBlocks = kChromaSide / kDct;     // chroma blocks per side
constexpr int kLumaBlocks = kCanvasSize / kDct;       // luma blocks per side
constexpr int kMaskCount = kShapeCount * 2;
constexpr int kCreatureBlocks = 16;
// Stage-1 candidates kept per cell (plus empty and the creature fit).
constexpr std::size_t kShortlist = 12;
// Noise floor (variance per coefficient) added to the quantisation error; it also covers
// Gaussian noise (sigma 8 gives ~29 in luma, ~6 in 2x2-averaged chroma) and decoder rounding.
constexpr double kLumaFloor = 20.0;
constexpr double kChromaFloor = 6.0;

// IJG standard tables scaled to quality 75 (scale 50 %), row-major in (v, u).
constexpr std::array<int, kCoefs> kLumaQ = {
    8,  6,  5,  8,  12, 20, 26, 31, 6,  6,  7,  10, 13, 29, 30, 28, 7,  7,  8,  12, 20, 29,
    35, 28, 7,  9,  11, 15, 26, 44, 40, 31, 9,  11, 19, 28, 34, 55, 52, 39, 12, 18, 28, 32,
    41, 52, 57, 46, 25, 32, 39, 44, 52, 61, 60, 51, 36, 46, 48, 49, 56, 50, 52, 50};
constexpr std::array<int, kCoefs> kChromaQ = {
    9,  9,  12, 24, 50, 50, 50, 50, 9,  11, 13, 33, 50, 50, 50, 50, 12, 13, 28, 50, 50, 50,
    50, 50, 24, 33, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50,
    50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50};

using Coefs = std::array<float, kCoefs>;
// Per cell: the four luma blocks and the four chroma blocks it touches, by quadrant qy*2+qx.
struct CellDct {
    std::array<Coefs, 4> luma{}, chroma{};
};

const std::array<std::array<double, kDct>, kDct>& dctBasis()
{
    static const auto basis = [] {
        std::array<std::array<double, kDct>, kDct> c{};
        for (int k = 0; k < kDct; ++k)
            for (int n = 0; n < kDct; ++n)
                c[k][n] = (k == 0 ? std::sqrt(1.0 / kDct) : std::sqrt(2.0 / kDct)) *
                          std::cos(kPi * (2 * n + 1) * k / (2.0 * kDct));
        return c;
    }();
    return basis;
}

// Orthonormal 2-D DCT (JPEG's scaling) of an 8x8 block read with a row stride.
void dct2(const double* in, int stride, Coefs& out)
{
    const auto& c = dctBasis();
    std::array<double, kCoefs> rows{};
    for (int y = 0; y < kDct; ++y)
        for (int u = 0; u < kDct; ++u) {
            double s = 0;
            for (int x = 0; x < kDct; ++x)
                s += c[u][x] * in[y * stride + x];
            rows[y * kDct + u] = s;
        }
    for (int v = 0; v < kDct; ++v)
        for (int u = 0; u < kDct; ++u) {
            double s = 0;
            for (int y = 0; y < kDct; ++y)
                s += c[v][y] * rows[y * kDct + u];
            out[v * kDct + u] = static_cast<float>(s);
        }
}

// The decoder's triangular chroma upsampling, seen through a 2x2 average, is the filter
// [1/8, 3/4, 1/8] per axis; in the DCT domain that is (3 + cos(pi k / 8)) / 4 per axis.
double upsampleGain(int u, int v)
{
    return (3 + std::cos(kPi * u / kDct)) / 4 * (3 + std::cos(kPi * v / kDct)) / 4;
}

// DCTs of a cell-local weight map (16x16, e.g. a shape's coverage): luma per 8x8 quadrant; chroma
// after 2x2 averaging, each 4x4 quadrant placed where it lies in its chroma block (a cell's
// top-left quadrant is the bottom-right of its chroma block), with the upsampling gain.
CellDct cellDct(const std::array<double, kCellSize * kCellSize>& w)
{
    CellDct d;
    std::array<double, kCoefs> chroma{};
    for (int y = 0; y < kDct; ++y)
        for (int x = 0; x < kDct; ++x)
            chroma[y * kDct + x] = (w[2 * y * kCellSize + 2 * x] + w[2 * y * kCellSize + 2 * x + 1] +
                                    w[(2 * y + 1) * kCellSize + 2 * x] + w[(2 * y + 1) * kCellSize + 2 * x + 1]) / 4;
    for (int q = 0; q < 4; ++q) {
        const int qx = q % 2, qy = q / 2;
        dct2(w.data() + qy * kDct * kCellSize + qx * kDct, kCellSize, d.luma[q]);
        std::array<double, kCoefs> block{};
        const int half = kDct / 2;
        for (int y = 0; y < half; ++y)
            for (int x = 0; x < half; ++x)
                block[(y + (1 - qy) * half) * kDct + x + (1 - qx) * half] = chroma[(y + qy * half) * kDct + x + qx * half];
        dct2(block.data(), kDct, d.chroma[q]);
        for (int k = 0; k < kCoefs; ++k)
            d.chroma[q][k] *= static_cast<float>(upsampleGain(k % kDct, k / kDct));
    }
    return d;
}

// Tables: per shape mask and per creature block, the DCTs of the coverage and of the coverage
// that falls on pattern ink (cells all sit at 8 mod 16, so a pattern looks the same in each).
struct DctTables {
    std::array<CellDct, kMaskCount> mask;
    std::array<std::array<CellDct, kPatternCount>, kMaskCount> maskInk;
    std::array<CellDct, kCreatureBlocks> creature;
    std::array<std::array<CellDct, kPatternCount>, kCreatureBlocks> creatureInk;
};

const DctTables& dctTables()
{
    static const auto tables = [] {
        auto t = std::make_unique<DctTables>();
        const auto& ink = inkTables();
        const auto build = [&](auto inside, CellDct& plain, std::array<CellDct, kPatternCount>& inked) {
            std::array<double, kCellSize * kCellSize> w{};
            for (int i = 0; i < kCellSize * kCellSize; ++i)
                w[i] = inside(i % kCellSize, i / kCellSize) ? 1 : 0;
            plain = cellDct(w);
            for (int p = 0; p < kPatternCount; ++p) {
                std::array<double, kCellSize * kCellSize> wi{};
                for (int i = 0; i < kCellSize * kCellSize; ++i)
                    wi[i] = w[i] * (ink[p][(kMargin + i / kCellSize) * kCanvasSize + kMargin + i % kCellSize] ? 1 : 0);
                inked[p] = cellDct(wi);
            }
        };
        for (int m = 0; m < kMaskCount; ++m) {
            const CellMask& cm = shapeMask(static_cast<Shape>(m / 2), static_cast<Size>(m % 2));
            build([&](int x, int y) { return (cm[y] & (1u << x)) != 0; }, t->mask[m], t->maskInk[m]);
        }
        for (int b = 0; b < kCreatureBlocks; ++b)
            build([&](int x, int y) { return (y / 4) * 4 + x / 4 == b; }, t->creature[b], t->creatureInk[b]);
        return t;
    }();
    return *tables;
}

struct Weights {
    std::array<float, kCoefs> luma{}, chroma{};
};

const Weights& weights()
{
    static const Weights w = [] {
        Weights r;
        for (int k = 0; k < kCoefs; ++k) {
            r.luma[k] = static_cast<float>(1.0 / (kLumaQ[k] * kLumaQ[k] / 12.0 + kLumaFloor));
            r.chroma[k] = static_cast<float>(1.0 / (kChromaQ[k] * kChromaQ[k] / 12.0 + kChromaFloor));
        }
        return r;
    }();
    return w;
}

// A cell's content as a deviation from the background model, in Y, Cb and Cr DCTs.
struct CellDev {
    CellDct y, cb, cr;
};

// Adds a * plain + b * inked (per channel a = colour - background, b = background - ink).
void accumulate(CellDev& dev, const CellDct& plain, const CellDct& inked, const Ycc& a, const Ycc& b)
{
    for (int q = 0; q < 4; ++q)
        for (int k = 0; k < kCoefs; ++k) {
            dev.y.luma[q][k] += static_cast<float>(a.y * plain.luma[q][k] + b.y * inked.luma[q][k]);
            dev.cb.chroma[q][k] += static_cast<float>(a.cb * plain.chroma[q][k] + b.cb * inked.chroma[q][k]);
            dev.cr.chroma[q][k] += static_cast<float>(a.cr * plain.chroma[q][k] + b.cr * inked.chroma[q][k]);
        }
}

CellDev cellDev(const Cell& cell, const Scene& scene)
{
    CellDev dev;
    if (cell.empty())
        return dev;
    const Ycc fg = toYcc(colorRgb(cell.color)), bg = toYcc(colorRgb(scene.background)),
              ink = toYcc(inkRgb(scene.background));
    // Covered pixels change from background to colour, and covered ink pixels additionally by
    // (background - ink), since the model had ink there.
    const Ycc a{fg.y - bg.y, fg.cb - bg.cb, fg.cr - bg.cr}, b{bg.y - ink.y, bg.cb - ink.cb, bg.cr - ink.cr};
    const auto& t = dctTables();
    const int p = static_cast<int>(scene.pattern);
    if (cell.kind == Cell::Kind::Creature) {
        for (int blk = 0; blk < kCreatureBlocks; ++blk)
            if (cell.creature & (1u << blk))
                accumulate(dev, t.creature[blk], t.creatureInk[blk][p], a, b);
    } else {
        const int m = static_cast<int>(cell.shape) * 2 + static_cast<int>(cell.size);
        accumulate(dev, t.mask[m], t.maskInk[m][p], a, b);
    }
    return dev;
}

// Observation minus stage-1 prediction: luma per pixel, and chroma 2x2-averaged (observed and
// predicted apart, since the prediction still goes through the decoder's upsampling).
struct ResidualMaps {
    std::vector<double> resY = std::vector<double>(kCanvasSize * kCanvasSize);
    std::vector<double> resCb = std::vector<double>(kChromaSide * kChromaSide);
    std::vector<double> predCb = std::vector<double>(kChromaSide * kChromaSide);
    std::vector<double> resCr = std::vector<double>(kChromaSide * kChromaSide);
    std::vector<double> predCr = std::vector<double>(kChromaSide * kChromaSide);
    double sse = 0; ///< luma squared error of the prediction
};

ResidualMaps residualMaps(const weft::Image& img, const weft::Image& pred)
{
    ResidualMaps r;
    for (int y = 0; y < kCanvasSize; ++y)
        for (int x = 0; x < kCanvasSize; ++x) {
            const std::uint8_t* o = img.pixel(x, y);
            const std::uint8_t* p = pred.pixel(x, y);
            const Ycc oy = toYcc(o[0], o[1], o[2]), py = toYcc(p[0], p[1], p[2]);
            const int i = y * kCanvasSize + x, c = (y / 2) * kChromaSide + x / 2;
            r.resY[i] = oy.y - py.y;
            r.sse += r.resY[i] * r.resY[i];
            r.resCb[c] += oy.cb / 4;
            r.resCr[c] += oy.cr / 4;
            r.predCb[c] += py.cb / 4;
            r.predCr[c] += py.cr / 4;
        }
    return r;
}

// Residual DCTs: luma blocks, and chroma blocks (observed minus upsampling-blurred prediction).
struct ResidualDcts {
    std::array<Coefs, kLumaBlocks * kLumaBlocks> y{};
    std::array<Coefs, kChromaBlocks * kChromaBlocks> cb{}, cr{};
};

ResidualDcts residualDcts(const ResidualMaps& m)
{
    ResidualDcts r;
    for (int by = 1; by < kLumaBlocks - 1; ++by)
        for (int bx = 1; bx < kLumaBlocks - 1; ++bx)
            dct2(m.resY.data() + by * kDct * kCanvasSize + bx * kDct, kCanvasSize, r.y[by * kLumaBlocks + bx]);
    for (int b = 0; b < kChromaBlocks * kChromaBlocks; ++b) {
        const int off = (b / kChromaBlocks) * kDct * kChromaSide + (b % kChromaBlocks) * kDct;
        Coefs oCb, oCr, pCb, pCr;
        dct2(m.resCb.data() + off, kChromaSide, oCb);
        dct2(m.resCr.data() + off, kChromaSide, oCr);
        dct2(m.predCb.data() + off, kChromaSide, pCb);
        dct2(m.predCr.data() + off, kChromaSide, pCr);
        for (int k = 0; k < kCoefs; ++k) {
            const float g = static_cast<float>(upsampleGain(k % kDct, k / kDct));
            r.cb[b][k] = oCb[k] - g * pCb[k];
            r.cr[b][k] = oCr[k] - g * pCr[k];
        }
    }
    return r;
}

// The residual blocks one cell touches, by quadrant qy*2+qx (pointers into ResidualDcts).
struct CellResidual {
    std::array<Coefs*, 4> y{}, cb{}, cr{};
};

CellResidual cellResidual(ResidualDcts& r, int cell)
{
    const int col = cellColumn(cell), row = cellRow(cell);
    CellResidual c;
    for (int q = 0; q < 4; ++q) {
        const int qx = q % 2, qy = q / 2;
        c.y[q] = &r.y[(1 + 2 * row + qy) * kLumaBlocks + 1 + 2 * col + qx];
        c.cb[q] = &r.cb[(row + qy) * kChromaBlocks + col + qx];
        c.cr[q] = &r.cr[(row + qy) * kChromaBlocks + col + qx];
    }
    return c;
}

// The best kShortlist stage-1 shapes, then empty and the creature fit (at the end of the list).
std::vector<Candidate> stageTwoCandidates(const std::vector<Candidate>& list)
{
    std::vector<Candidate> shapes, others;
    for (const auto& c : list)
        (c.cell.kind == Cell::Kind::Object ? shapes : others).push_back(c);
    const std::size_t keep = std::min(kShortlist, shapes.size());
    std::partial_sort(shapes.begin(), shapes.begin() + static_cast<std::ptrdiff_t>(keep), shapes.end(),
                      [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
    shapes.resize(keep);
    shapes.insert(shapes.end(), others.begin(), others.end());
    return shapes;
}

// Weighted DCT-domain distance between a cell's emptied residual and a candidate's deviation.
double dctDistance(const CellDev& base, const CellDev& dev)
{
    const Weights& w = weights();
    double cost = 0;
    for (int q = 0; q < 4; ++q)
        for (int k = 0; k < kCoefs; ++k) {
            const double ey = base.y.luma[q][k] - dev.y.luma[q][k];
            const double eb = base.cb.chroma[q][k] - dev.cb.chroma[q][k];
            const double er = base.cr.chroma[q][k] - dev.cr.chroma[q][k];
            cost += w.luma[k] * ey * ey + w.chroma[k] * (eb * eb + er * er);
        }
    return cost;
}

// Re-ranks one cell's candidates against the residual with the cell emptied, keeps the best in
// `scene` and leaves the residual updated for the cells after it.
void refineCell(CellResidual res, Scene& scene, int cell, const std::vector<Candidate>& list)
{
    const CellDev current = cellDev(scene.cells[cell], scene);
    CellDev base; // the residual with this cell emptied: its current deviation added back
    for (int q = 0; q < 4; ++q)
        for (int k = 0; k < kCoefs; ++k) {
            base.y.luma[q][k] = (*res.y[q])[k] + current.y.luma[q][k];
            base.cb.chroma[q][k] = (*res.cb[q])[k] + current.cb.chroma[q][k];
            base.cr.chroma[q][k] = (*res.cr[q])[k] + current.cr.chroma[q][k];
        }
    double bestCost = std::numeric_limits<double>::max();
    Cell best = scene.cells[cell];
    CellDev bestDev;
    for (const auto& c : stageTwoCandidates(list)) {
        const CellDev dev = cellDev(c.cell, scene);
        const double cost = dctDistance(base, dev);
        if (cost < bestCost) {
            bestCost = cost;
            best = c.cell;
            bestDev = dev;
        }
    }
    scene.cells[cell] = best;
    for (int q = 0; q < 4; ++q)
        for (int k = 0; k < kCoefs; ++k) {
            (*res.y[q])[k] = base.y.luma[q][k] - bestDev.y.luma[q][k];
            (*res.cb[q])[k] = base.cb.chroma[q][k] - bestDev.cb.chroma[q][k];
            (*res.cr[q])[k] = base.cr.chroma[q][k] - bestDev.cr.chroma[q][k];
        }
}

// Stage 2 over every cell in order, each seeing the others' current parse.
void refineCells(const weft::Image& img, Scene& scene, const std::array<std::vector<Candidate>, kCellCount>& shortlists)
{
    const ResidualMaps maps = residualMaps(img, render(scene));
    // An image that stage 1 reproduces almost exactly (a clean render) needs no JPEG model.
    if (maps.sse < kCanvasSize * kCanvasSize * 0.25)
        return;
    ResidualDcts residual = residualDcts(maps);
    for (int cell = 0; cell < kCellCount; ++cell)
        refineCell(cellResidual(residual, cell), scene, cell, shortlists[cell]);
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
    std::array<std::vector<Candidate>, kCellCount> shortlists;
    for (int i = 0; i < kCellCount; ++i)
        scene.cells[i] = parseCell(img, scene, i, shortlists[i]);
    refineCells(img, scene, shortlists);
    return scene;
}

} // namespace weft::world
