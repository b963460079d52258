#include "codec_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "errors.h"
#include "image_codec.h"
#include "model_config.h"
#include "run_files.h"
#include "train_common.h"
#include "train_log.h"
#include "weft/world/sampling.h"
#include "weft/world/image_parser.h"
#include "weft/world/random_scene.h"
#include "weft/world/render.h"

namespace fs = std::filesystem;

namespace weft::train {
namespace {

constexpr RateSchedule kSchedule{/*warmup*/ 100, /*floor*/ 0.05};
constexpr int kLogEvery = 50;         // steps between loss lines (and metrics points)
constexpr int kEvalChunk = 100;       // scenes encoded per batch in an evaluation
constexpr std::size_t kMaxFailureTiles = 48; // 16 failed scenes of three tiles each
constexpr std::uint64_t kEvalSeedOffset = 1000003;

// The codec's patch grid over a Shapes World canvas: the margin is whole patches and each cell
// is 2x2 patches (its quarters), which the loss weights and the evaluation's keys rely on.
struct PatchGeometry {
    int grid = 0;   ///< patches per side
    int margin = 0; ///< patches of margin on each side

    int index(int gx, int gy) const { return gy * grid + gx; }
    int cellX(int cell) const { return margin + 2 * world::cellColumn(cell); }
    int cellY(int cell) const { return margin + 2 * world::cellRow(cell); }
    /// The patch holding quarter `q` (row-major 0..3) of `cell`.
    int quarter(int cell, int q) const { return index(cellX(cell) + q % 2, cellY(cell) + q / 2); }
    bool inCell(int gx, int gy, int cell) const
    {
        return gx >= cellX(cell) && gx < cellX(cell) + 2 && gy >= cellY(cell) && gy < cellY(cell) + 2;
    }
};

PatchGeometry patchGeometry(const CodecConfig& c)
{
    const int p = c.patch();
    if (c.imageSize != world::kCanvasSize || 2 * p != world::kCellSize || world::kMargin % p != 0)
        throw ArgumentError("codec: expected image_size " + std::to_string(world::kCanvasSize) + " and " +
                            std::to_string(world::kCellSize / 2) + "-pixel patches (two per cell side), found " +
                            std::to_string(c.imageSize) + " and grid " + std::to_string(c.grid));
    return {c.grid, world::kMargin / p};
}

world::SceneOptions trainingSceneOptions(std::mt19937_64& rng, world::Split split)
{
    world::SceneOptions o;
    o.minObjects = 0;
    o.maxObjects = world::kMaxObjects;
    o.split = split;
    // Creature cells are the hardest content a code carries: show them often.
    o.creaturePercent = world::chance(rng, 1, 2) ? 35 : 0;
    o.plainPercent = 30;
    return o;
}

std::vector<Image> renderBatch(std::mt19937_64& rng, int n, world::Split split, std::vector<world::Scene>* scenes)
{
    std::vector<Image> images;
    images.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const auto scene = world::randomScene(rng, trainingSceneOptions(rng, split));
        images.push_back(world::render(scene));
        if (scenes)
            scenes->push_back(scene);
    }
    return images;
}

// Appends original | reconstruction | wrong-pixel map (3x) of one failed scene to the sheet.
void addFailure(std::vector<Image>& tiles, const Image& original, const Image& decoded)
{
    Image diff = original;
    for (std::size_t p = 0; p + 2 < diff.rgb.size(); p += 3) {
        const bool same = original.rgb[p] == decoded.rgb[p] && original.rgb[p + 1] == decoded.rgb[p + 1] &&
                          original.rgb[p + 2] == decoded.rgb[p + 2];
        diff.rgb[p] = same ? 0 : 255;
        diff.rgb[p + 1] = 0;
        diff.rgb[p + 2] = 0;
    }
    tiles.push_back(original);
    tiles.push_back(decoded);
    tiles.push_back(diff);
}

Image composeSheet(const std::vector<Image>& tiles, int perRow, int scale)
{
    const int s = world::kCanvasSize * scale, gap = 4;
    const int rows = (static_cast<int>(tiles.size()) + perRow - 1) / perRow;
    Image sheet;
    sheet.width = perRow * (s + gap);
    sheet.height = std::max(1, rows) * (s + gap);
    sheet.rgb.assign(static_cast<std::size_t>(sheet.width) * sheet.height * 3, 64);
    for (std::size_t t = 0; t < tiles.size(); ++t) {
        const Image big = resizeNearest(tiles[t], s, s);
        const int ox = static_cast<int>(t % perRow) * (s + gap), oy = static_cast<int>(t / perRow) * (s + gap);
        for (int y = 0; y < s; ++y)
            std::memcpy(&sheet.rgb[(static_cast<std::size_t>(oy + y) * sheet.width + ox) * 3],
                        &big.rgb[static_cast<std::size_t>(y) * s * 3], static_cast<std::size_t>(s) * 3);
    }
    return sheet;
}

// What an interior patch of an occupied cell shows, background aside: the cell's content and
// which quarter of it. Two patches with the same key and background must get the same pixels.
long long contentKey(const world::Cell& cell, int quarter)
{
    const long long base = (static_cast<long long>(cell.kind) * 16 + static_cast<int>(cell.color)) * 4 + quarter;
    if (cell.kind == world::Cell::Kind::Creature) {
        const int qx = quarter % 2, qy = quarter / 2;
        int bits = 0;
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 2; ++x)
                bits |= ((cell.creature >> ((2 * qy + y) * 4 + 2 * qx + x)) & 1) << (y * 2 + x);
        return base * 64 + bits;
    }
    return base * 64 + static_cast<int>(cell.shape) * 2 + static_cast<int>(cell.size);
}

// Running sums of one evaluation.
struct EvalTally {
    // (code, background) -> the content keys seen with it: more than one means the code
    // cannot tell those contents apart, whatever the decoder does.
    std::map<std::pair<long, int>, std::set<long long>> codeContents;
    std::vector<std::pair<std::pair<long, int>, long long>> patchSeen;
    long occupiedPatches = 0;
    std::set<long> used;
    long exact = 0;
    double pixelsRight = 0, pixelsTotal = 0;
    long localSame = 0, localTotal = 0;
    long bgWrong = 0, objWrong = 0, creWrong = 0, empWrong = 0;
    double marginErrors = 0, interiorErrors = 0;
};

void tallyPixels(EvalTally& t, const Image& original, const Image& decoded)
{
    const auto& a = original.rgb;
    const auto& b = decoded.rgb;
    for (std::size_t p = 0; p + 2 < a.size(); p += 3) {
        const bool right = a[p] == b[p] && a[p + 1] == b[p + 1] && a[p + 2] == b[p + 2];
        t.pixelsRight += right ? 1 : 0;
        if (!right) {
            const auto px = static_cast<int>(p / 3);
            const int x = px % original.width, y = px / original.width;
            const int far = world::kCanvasSize - world::kMargin;
            const bool margin = x < world::kMargin || x >= far || y < world::kMargin || y >= far;
            (margin ? t.marginErrors : t.interiorErrors) += 1;
        }
    }
    t.pixelsTotal += static_cast<double>(a.size() / 3);
}

// Records which content each occupied quarter's code carried (on its background).
void tallyCodes(EvalTally& t, const world::Scene& truth, at::TensorAccessor<int64_t, 1> codes, const PatchGeometry& g)
{
    const int bgKey = static_cast<int>(truth.background) * world::kPatternCount + static_cast<int>(truth.pattern);
    for (int c = 0; c < world::kCellCount; ++c) {
        const auto& cell = truth.cells[static_cast<std::size_t>(c)];
        if (cell.empty())
            continue;
        for (int q = 0; q < 4; ++q) {
            const std::pair<long, int> key{static_cast<long>(codes[g.quarter(c, q)]), bgKey};
            t.codeContents[key].insert(contentKey(cell, q));
            t.patchSeen.push_back({key, contentKey(cell, q)});
            ++t.occupiedPatches;
        }
    }
}

// Parses the reconstruction; returns whether it is the scene, else counts what went wrong.
bool tallyParse(EvalTally& t, const world::Scene& truth, const Image& decoded)
{
    const auto parsed = world::parseImage(decoded);
    if (parsed == truth) {
        ++t.exact;
        return true;
    }
    if (parsed.background != truth.background || parsed.pattern != truth.pattern)
        ++t.bgWrong;
    bool obj = false, cre = false, emp = false;
    for (int c = 0; c < world::kCellCount; ++c) {
        const auto& cell = truth.cells[static_cast<std::size_t>(c)];
        if (parsed.cells[static_cast<std::size_t>(c)] == cell)
            continue;
        (cell.kind == world::Cell::Kind::Object ? obj : cell.kind == world::Cell::Kind::Creature ? cre : emp) = true;
    }
    t.objWrong += obj;
    t.creWrong += cre;
    t.empWrong += emp;
    return false;
}

// Locality: recolour one object (or add one in the centre); patches outside its cell must keep
// their codes.
void tallyLocality(EvalTally& t, ImageCodec& codec, std::mt19937_64& rng, const std::vector<world::Scene>& scenes,
                   const torch::Tensor& codesCpu, const PatchGeometry& g)
{
    std::vector<Image> edited;
    std::vector<int> editedCell;
    for (world::Scene s : scenes) {
        int cell = -1;
        for (int c = 0; c < world::kCellCount && cell < 0; ++c)
            if (s.cells[static_cast<std::size_t>(c)].kind == world::Cell::Kind::Object)
                cell = c;
        if (cell < 0)
            s.cells[4] = world::randomObject(rng, s.background), cell = 4;
        else
            s.cells[static_cast<std::size_t>(cell)].color = world::randomColorExcept(rng, s.background);
        edited.push_back(world::render(s));
        editedCell.push_back(cell);
    }
    const auto after = codec->encodeImages(edited).to(torch::kCPU);
    const auto before = codesCpu.accessor<int64_t, 2>();
    const auto now = after.accessor<int64_t, 2>();
    for (std::size_t i = 0; i < scenes.size(); ++i)
        for (int gy = 0; gy < g.grid; ++gy)
            for (int gx = 0; gx < g.grid; ++gx) {
                if (g.inCell(gx, gy, editedCell[i]))
                    continue;
                ++t.localTotal;
                const auto row = static_cast<int64_t>(i);
                t.localSame += before[row][g.index(gx, gy)] == now[row][g.index(gx, gy)];
            }
}

CodecEvalResult summarize(const EvalTally& t, int scenes, int codebookSize)
{
    CodecEvalResult r;
    r.scenes = scenes;
    r.sceneExact = scenes ? static_cast<double>(t.exact) / scenes : 0;
    r.pixelAccuracy = t.pixelsTotal > 0 ? t.pixelsRight / t.pixelsTotal : 0;
    r.codesUsed = static_cast<double>(t.used.size()) / codebookSize;
    r.locality = t.localTotal ? static_cast<double>(t.localSame) / static_cast<double>(t.localTotal) : 0;
    long shared = 0;
    for (const auto& seen : t.patchSeen)
        shared += t.codeContents.at(seen.first).size() > 1 ? 1 : 0;
    r.sharedCodes = t.occupiedPatches ? static_cast<double>(shared) / static_cast<double>(t.occupiedPatches) : 0;
    const double n = std::max(1, scenes);
    r.backgroundWrong = t.bgWrong / n;
    r.objectWrong = t.objWrong / n;
    r.creatureWrong = t.creWrong / n;
    r.emptyWrong = t.empWrong / n;
    r.marginPixelErrors = t.marginErrors / n;
    r.interiorPixelErrors = t.interiorErrors / n;
    return r;
}

// Encodes and decodes `scenes` fresh test scenes drawn from `seed`; failed scenes add tiles to
// `failures` (up to kMaxFailureTiles) when given.
CodecEvalResult evaluate(ImageCodec& codec, int scenes, std::uint64_t seed, std::vector<Image>* failures = nullptr)
{
    const PatchGeometry g = patchGeometry(codec->config());
    torch::NoGradGuard noGrad;
    codec->eval();
    auto rng = stepRng(seed, -1, 7);
    EvalTally t;
    for (int done = 0; done < scenes; done += kEvalChunk) {
        const int n = std::min(kEvalChunk, scenes - done);
        std::vector<world::Scene> sc;
        const auto images = renderBatch(rng, n, world::Split::Test, &sc);
        const auto codes = codec->encodeImages(images);
        const auto codesCpu = codes.to(torch::kCPU);
        const auto codeAt = codesCpu.accessor<int64_t, 2>();
        const auto decoded = codec->decodeImages(codes);
        for (int64_t i = 0; i < codesCpu.size(0); ++i)
            for (int64_t k = 0; k < codesCpu.size(1); ++k)
                t.used.insert(static_cast<long>(codeAt[i][k]));
        for (std::size_t i = 0; i < images.size(); ++i) {
            tallyPixels(t, images[i], decoded[i]);
            tallyCodes(t, sc[i], codeAt[static_cast<int64_t>(i)], g);
            if (!tallyParse(t, sc[i], decoded[i]) && failures && failures->size() < kMaxFailureTiles)
                addFailure(*failures, images[i], decoded[i]);
        }
        tallyLocality(t, codec, rng, sc, codesCpu, g);
    }
    codec->train();
    return summarize(t, scenes, codec->config().codebookSize());
}

// [B, grid*grid] loss weights: `objectWeight` for the patches of occupied cells, 1 elsewhere.
torch::Tensor patchWeights(const std::vector<world::Scene>& scenes, double objectWeight, const PatchGeometry& g)
{
    auto w = torch::ones({static_cast<int64_t>(scenes.size()), g.grid * g.grid});
    auto a = w.accessor<float, 2>();
    for (std::size_t i = 0; i < scenes.size(); ++i)
        for (int c = 0; c < world::kCellCount; ++c) {
            if (scenes[i].cells[static_cast<std::size_t>(c)].empty())
                continue;
            for (int q = 0; q < 4; ++q)
                a[static_cast<int64_t>(i)][g.quarter(c, q)] = static_cast<float>(objectWeight);
        }
    return w;
}

void appendEvalMetric(const std::string& metrics, long long step, double seconds, const CodecEvalResult& r)
{
    appendMetric(metrics, {"codec-eval", step, seconds,
                           {{"scene_exact", r.sceneExact}, {"pixel_accuracy", r.pixelAccuracy},
                            {"codes_used", r.codesUsed}, {"locality", r.locality}}});
}

struct CodecLoss {
    torch::Tensor loss;  ///< weighted palette cross-entropy (logged)
    torch::Tensor total; ///< plus the latent bound penalty (minimised)
};

// The forward pass of step `step` on a fresh batch of rendered training scenes.
CodecLoss codecLoss(ImageCodec& codec, const CodecTrainOptions& o, const PatchGeometry& g, long long step)
{
    const int p = codec->config().patch();
    const int pal = static_cast<int>(codec->config().palette.size());
    auto rng = stepRng(o.seed, step, 1);
    std::vector<world::Scene> scenes;
    const auto images = renderBatch(rng, o.batch, world::Split::Train, &scenes);
    const auto input = codec->pixelInput(images);
    const auto targets = codec->paletteTargets(images);
    const auto latent = codec->encodeLatent(input);
    const auto outputs = codec->decodeOutputs(codec->quantize(latent));
    auto logits = outputs.view({-1, p * p, pal}).reshape({-1, pal});
    const auto perPixel = torch::nn::functional::cross_entropy(
        logits, targets.reshape({-1}), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    const auto weights = patchWeights(scenes, o.objectWeight, g)
                             .to(perPixel.device())
                             .unsqueeze(-1)
                             .expand({-1, -1, p * p})
                             .reshape({-1});
    auto loss = (perPixel * weights).sum() / weights.sum();
    return {loss, loss + 0.1 * codec->boundPenalty(input)};
}

} // namespace

std::string describe(const CodecEvalResult& r)
{
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "scene exact %.4f over %d scenes, pixels %.5f, codes used %.3f, locality %.4f; "
                  "wrong: background %.3f, object %.3f, creature %.3f, empty %.3f; "
                  "pixel errors/scene margin %.1f interior %.1f; shared codes %.3f",
                  r.sceneExact, r.scenes, r.pixelAccuracy, r.codesUsed, r.locality, r.backgroundWrong, r.objectWrong,
                  r.creatureWrong, r.emptyWrong, r.marginPixelErrors, r.interiorPixelErrors, r.sharedCodes);
    return buf;
}

std::vector<Image> dictionaryScenes(int count, std::uint64_t seed)
{
    auto rng = stepRng(seed, 0, 1);
    return renderBatch(rng, count, world::Split::Train, nullptr);
}

CodecEvalResult buildPatchDictionary(const CodecTrainOptions& o, const ModelConfig& config)
{
    const auto started = std::chrono::steady_clock::now();
    ImageCodec codec(config.codec);
    PatchDictionary dictionary(config.codec);
    const auto images = dictionaryScenes(o.dictionaryScenes, o.seed);
    const int distinct = dictionary.build(images);
    codec->setDictionary(dictionary);
    saveCodecTensors(codec, runFile(o.runDir, kCodecFile));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    logInfo(o.log, "codec: patch dictionary from " + std::to_string(o.dictionaryScenes) + " scenes: " +
                       std::to_string(distinct) + " distinct patches, " + std::to_string(dictionary.usedEntries()) +
                       " of " + std::to_string(dictionary.size()) + " entries kept (" + std::to_string(seconds) + " s)");
    if (distinct > dictionary.size())
        logWarning(o.log, "codec: dictionary_size " + std::to_string(dictionary.size()) + " is below the " +
                              std::to_string(distinct) + " distinct patches; the rarest map to their nearest entry");
    const auto r = evaluate(codec, o.gateScenes, o.seed + kEvalSeedOffset);
    appendEvalMetric(runFile(o.runDir, kMetricsFile), 0, seconds, r);
    logInfo(o.log, "codec gate on " + std::to_string(o.gateScenes) + " fresh test scenes: " + describe(r));
    return r;
}

CodecEvalResult trainCodec(const CodecTrainOptions& o)
{
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    if (config.codec.palette.empty())
        throw ArgumentError("codec training: expected a palette in the codec config, found none");
    const PatchGeometry geometry = patchGeometry(config.codec);
    fs::create_directories(o.runDir);
    if (config.codec.kind == CodecKind::PatchDictionary) return buildPatchDictionary(o, config);
    torch::manual_seed(o.seed);
    ImageCodec codec(config.codec);
    torch::optim::AdamW optimizer(codec->parameters(), torch::optim::AdamWOptions(o.learningRate).weight_decay(0.01));
    StageRunner runner(o, "codec", *codec, optimizer, codec->parameters(), kSchedule,
                       runFile(o.runDir, kCodecCheckpointFile));
    runner.resume();
    const auto metrics = runFile(o.runDir, kMetricsFile);
    const auto codecFile = runFile(o.runDir, kCodecFile);

    codec->train();
    torch::Tensor loss; // of the latest step
    double lossAvg = 0;
    int lossCount = 0;
    const auto forward = [&](long long step) {
        auto l = codecLoss(codec, o, geometry, step);
        loss = l.loss;
        return l.total;
    };
    const auto report = [&](long long step, double lr) {
        lossAvg += loss.item<double>();
        ++lossCount;
        if (step % kLogEvery == 0) {
            appendMetric(metrics, {"codec", step, runner.elapsed(), {{"loss", lossAvg / lossCount}, {"lr", lr}}});
            char buf[160];
            std::snprintf(buf, sizeof buf, "codec step %lld loss %.5f lr %.2e %.0f s", step, lossAvg / lossCount, lr,
                          runner.elapsed());
            logInfo(o.log, buf);
            lossAvg = 0;
            lossCount = 0;
        }
        if (step % o.evalEvery == 0 || step == o.steps) {
            const auto r = evaluate(codec, o.evalScenes, o.seed + kEvalSeedOffset);
            appendEvalMetric(metrics, step, runner.elapsed(), r);
            logInfo(o.log, "codec eval step " + std::to_string(step) + ": " + describe(r));
        }
    };
    runner.run(forward, report, [&] { saveCodecTensors(codec, codecFile); });
    saveCodecTensors(codec, codecFile);
    return evaluate(codec, o.evalScenes, o.seed + kEvalSeedOffset);
}

CodecEvalResult evaluateCodecFile(const std::string& configPath, const std::string& codecPath, int scenes,
                                  std::uint64_t seed, int threads, const std::string& failureSheet)
{
    setTrainingThreads(threads);
    const auto config = ModelConfig::read(configPath);
    ImageCodec codec(config.codec);
    loadCodecTensors(codec, codecPath);
    std::vector<Image> failures;
    const auto r = evaluate(codec, scenes, seed, failureSheet.empty() ? nullptr : &failures);
    if (!failureSheet.empty()) {
        const auto saved = saveImagePng(composeSheet(failures, 6, 3), failureSheet);
        if (!saved)
            throw IoError("codec report: could not write " + failureSheet + ": " + saved.error().message);
    }
    return r;
}

} // namespace weft::train
