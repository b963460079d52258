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
#include "train_common.h"
#include "train_log.h"
#include "weft/world/sampling.h"
#include "weft/world/image_parser.h"
#include "weft/world/random_scene.h"
#include "weft/world/render.h"

namespace fs = std::filesystem;

namespace weft::train {
namespace {

constexpr const char* kCheckpoint = "codec.ckpt";
constexpr const char* kCodecFile = "codec.safetensors";

world::SceneOptions trainingSceneOptions(std::mt19937_64& rng, world::Split split)
{
    world::SceneOptions o;
    o.minObjects = 0;
    o.maxObjects = 4;
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
    const int s = 64 * scale, gap = 4;
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

CodecEvalResult evaluate(ImageCodec& codec, int scenes, std::uint64_t seed, std::vector<Image>* failures = nullptr)
{
    // (code, background) -> the content keys seen with it: more than one means the code
    // cannot tell those contents apart, whatever the decoder does.
    std::map<std::pair<long, int>, std::set<long long>> codeContents;
    long occupiedPatches = 0;
    std::vector<std::pair<std::pair<long, int>, long long>> patchSeen;
    torch::NoGradGuard noGrad;
    codec->eval();
    auto rng = stepRng(seed, -1, 7);
    CodecEvalResult r;
    std::set<long> used;
    long exact = 0;
    double pixelsRight = 0, pixelsTotal = 0;
    long localSame = 0, localTotal = 0;
    long bgWrong = 0, objWrong = 0, creWrong = 0, empWrong = 0;
    double marginErrors = 0, interiorErrors = 0;
    const int chunk = 100;
    for (int done = 0; done < scenes; done += chunk) {
        const int n = std::min(chunk, scenes - done);
        std::vector<world::Scene> sc;
        const auto images = renderBatch(rng, n, world::Split::Test, &sc);
        const auto codes = codec->encodeImages(images);
        const auto codesCpu = codes.to(torch::kCPU);
        const auto codeAt = codesCpu.accessor<int64_t, 2>();
        const auto decoded = codec->decodeImages(codes);
        auto flat = codes.flatten().to(torch::kCPU);
        for (int64_t i = 0; i < flat.numel(); ++i)
            used.insert(flat[i].item<long>());
        for (int i = 0; i < n; ++i) {
            const auto& a = images[static_cast<std::size_t>(i)].rgb;
            const auto& b = decoded[static_cast<std::size_t>(i)].rgb;
            for (std::size_t p = 0; p + 2 < a.size(); p += 3) {
                const bool right = a[p] == b[p] && a[p + 1] == b[p + 1] && a[p + 2] == b[p + 2];
                pixelsRight += right ? 1 : 0;
                if (!right) {
                    const auto px = static_cast<int>(p / 3);
                    const int x = px % 64, y = px / 64;
                    const bool margin = x < 8 || x >= 56 || y < 8 || y >= 56;
                    (margin ? marginErrors : interiorErrors) += 1;
                }
            }
            pixelsTotal += static_cast<double>(a.size() / 3);
            const auto& truth = sc[static_cast<std::size_t>(i)];
            const int bgKey = static_cast<int>(truth.background) * 8 + static_cast<int>(truth.pattern);
            for (int c = 0; c < world::kCellCount; ++c) {
                const auto& cell = truth.cells[static_cast<std::size_t>(c)];
                if (cell.empty())
                    continue;
                for (int q = 0; q < 4; ++q) {
                    const int gx = 1 + 2 * (c % 3) + q % 2, gy = 1 + 2 * (c / 3) + q / 2;
                    const std::pair<long, int> key{static_cast<long>(codeAt[i][gy * 8 + gx]), bgKey};
                    codeContents[key].insert(contentKey(cell, q));
                    patchSeen.push_back({key, contentKey(cell, q)});
                    ++occupiedPatches;
                }
            }
            const auto parsed = world::parseImage(decoded[static_cast<std::size_t>(i)]);
            if (parsed == truth) {
                ++exact;
                continue;
            }
            if (parsed.background != truth.background || parsed.pattern != truth.pattern)
                ++bgWrong;
            bool obj = false, cre = false, emp = false;
            for (int c = 0; c < world::kCellCount; ++c) {
                const auto& t = truth.cells[static_cast<std::size_t>(c)];
                if (parsed.cells[static_cast<std::size_t>(c)] == t)
                    continue;
                (t.kind == world::Cell::Kind::Object ? obj : t.kind == world::Cell::Kind::Creature ? cre : emp) = true;
            }
            objWrong += obj;
            creWrong += cre;
            empWrong += emp;
            if (failures && failures->size() < 48)
                addFailure(*failures, images[static_cast<std::size_t>(i)], decoded[static_cast<std::size_t>(i)]);
        }
        // Locality: recolour one object; patches outside its cell must keep their codes.
        std::vector<Image> edited;
        std::vector<int> editedCell;
        for (int i = 0; i < n; ++i) {
            world::Scene s = sc[static_cast<std::size_t>(i)];
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
        const auto codes2 = codec->encodeImages(edited).to(torch::kCPU);
        const auto codes1 = codes.to(torch::kCPU);
        for (int i = 0; i < n; ++i) {
            const int cc = editedCell[static_cast<std::size_t>(i)] % 3, cr = editedCell[static_cast<std::size_t>(i)] / 3;
            for (int gy = 0; gy < 8; ++gy)
                for (int gx = 0; gx < 8; ++gx) {
                    const bool inCell = gx >= 1 + 2 * cc && gx < 3 + 2 * cc && gy >= 1 + 2 * cr && gy < 3 + 2 * cr;
                    if (inCell)
                        continue;
                    ++localTotal;
                    localSame += codes1[i][gy * 8 + gx].item<long>() == codes2[i][gy * 8 + gx].item<long>();
                }
        }
    }
    r.scenes = scenes;
    r.sceneExact = scenes ? static_cast<double>(exact) / scenes : 0;
    r.pixelAccuracy = pixelsTotal > 0 ? pixelsRight / pixelsTotal : 0;
    r.codesUsed = static_cast<double>(used.size()) / codec->config().codebookSize();
    r.locality = localTotal ? static_cast<double>(localSame) / static_cast<double>(localTotal) : 0;
    long shared = 0;
    for (const auto& seen : patchSeen)
        shared += codeContents[seen.first].size() > 1 ? 1 : 0;
    r.sharedCodes = occupiedPatches ? static_cast<double>(shared) / static_cast<double>(occupiedPatches) : 0;
    const double n = std::max(1, scenes);
    r.backgroundWrong = bgWrong / n;
    r.objectWrong = objWrong / n;
    r.creatureWrong = creWrong / n;
    r.emptyWrong = empWrong / n;
    r.marginPixelErrors = marginErrors / n;
    r.interiorPixelErrors = interiorErrors / n;
    codec->train();
    return r;
}

// [B, grid*grid] loss weights: `objectWeight` for the patches of occupied cells, 1 elsewhere.
torch::Tensor patchWeights(const std::vector<world::Scene>& scenes, double objectWeight, int grid)
{
    auto w = torch::ones({static_cast<int64_t>(scenes.size()), grid * grid});
    auto a = w.accessor<float, 2>();
    for (std::size_t i = 0; i < scenes.size(); ++i)
        for (int c = 0; c < world::kCellCount; ++c) {
            if (scenes[i].cells[static_cast<std::size_t>(c)].empty())
                continue;
            const int gx = 1 + 2 * (c % 3), gy = 1 + 2 * (c / 3);
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx)
                    a[static_cast<int64_t>(i)][(gy + dy) * grid + gx + dx] = static_cast<float>(objectWeight);
        }
    return w;
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

CodecEvalResult buildPatchDictionary(const CodecTrainOptions& o, const ModelConfig& config)
{
    const auto started = std::chrono::steady_clock::now();
    ImageCodec codec(config.codec);
    PatchDictionary dictionary(config.codec);
    auto rng = stepRng(o.seed, 0, 1);
    const auto images = renderBatch(rng, o.dictionaryScenes, world::Split::Train, nullptr);
    const int distinct = dictionary.build(images);
    codec->setDictionary(dictionary);
    saveCodecTensors(codec, (fs::path(o.runDir) / kCodecFile).string());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    logInfo(o.log, "codec: patch dictionary from " + std::to_string(o.dictionaryScenes) + " scenes: " +
                       std::to_string(distinct) + " distinct patches, " + std::to_string(dictionary.usedEntries()) +
                       " of " + std::to_string(dictionary.size()) + " entries kept (" + std::to_string(seconds) + " s)");
    if (distinct > dictionary.size())
        logWarning(o.log, "codec: dictionary_size " + std::to_string(dictionary.size()) + " is below the " +
                              std::to_string(distinct) + " distinct patches; the rarest map to their nearest entry");
    const auto r = evaluate(codec, o.gateScenes, o.seed + 1000003);
    appendMetric((fs::path(o.runDir) / "metrics.jsonl").string(),
                 {"codec-eval", 0, seconds, {{"scene_exact", r.sceneExact}, {"pixel_accuracy", r.pixelAccuracy},
                                             {"codes_used", r.codesUsed}, {"locality", r.locality}}});
    logInfo(o.log, "codec gate on " + std::to_string(o.gateScenes) + " fresh test scenes: " + describe(r));
    return r;
}

CodecEvalResult trainCodec(const CodecTrainOptions& o)
{
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    if (config.codec.palette.empty())
        throw ArgumentError("codec training: expected a palette in the codec config, found none");
    fs::create_directories(o.runDir);
    if (config.codec.kind == CodecKind::PatchDictionary) return buildPatchDictionary(o, config);
    torch::manual_seed(o.seed);
    ImageCodec codec(config.codec);
    torch::optim::AdamW optimizer(codec->parameters(), torch::optim::AdamWOptions(o.learningRate).weight_decay(0.01));

    const auto ckpt = (fs::path(o.runDir) / kCheckpoint).string();
    CheckpointState resumed;
    if (loadCheckpoint(*codec, optimizer, ckpt, resumed))
        logInfo(o.log, "codec: resumed at step " + std::to_string(resumed.step));
    long long step = resumed.step;

    const auto metrics = (fs::path(o.runDir) / "metrics.jsonl").string();
    const StageClock clock(resumed.seconds);
    auto elapsed = [&] { return clock.elapsed(); };
    auto checkpoint = [&] { saveCheckpoint(*codec, optimizer, ckpt, {step, elapsed()}); };

    codec->train();
    const int p = config.codec.patch();
    const int pal = static_cast<int>(config.codec.palette.size());
    double lossAvg = 0;
    int lossCount = 0;
    CodecEvalResult last;
    while (step < o.steps) {
        if (o.cancel && o.cancel->load()) {
            checkpoint();
            throw CancelledError();
        }
        if ((o.maxSeconds > 0 && elapsed() >= o.maxSeconds) || (o.pauseAtStep > 0 && step >= o.pauseAtStep))
            break;
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
        const auto weights = patchWeights(scenes, o.objectWeight, config.codec.grid)
                                 .to(perPixel.device())
                                 .unsqueeze(-1)
                                 .expand({-1, -1, p * p})
                                 .reshape({-1});
        auto loss = (perPixel * weights).sum() / weights.sum();
        auto total = loss + 0.1 * codec->boundPenalty(input);

        const double lr = cosineRate(o.learningRate, step, o.steps, 100, 0.05);
        setLearningRate(optimizer, lr);
        optimizer.zero_grad();
        total.backward();
        torch::nn::utils::clip_grad_norm_(codec->parameters(), 1.0);
        optimizer.step();
        ++step;
        lossAvg += loss.item<double>();
        ++lossCount;

        if (step % 50 == 0) {
            MetricPoint mp{"codec", step, elapsed(), {{"loss", lossAvg / lossCount}, {"lr", lr}}};
            appendMetric(metrics, mp);
            char buf[160];
            std::snprintf(buf, sizeof buf, "codec step %lld loss %.5f lr %.2e %.0f s", step, lossAvg / lossCount, lr,
                          elapsed());
            logInfo(o.log, buf);
            lossAvg = 0;
            lossCount = 0;
        }
        if (step % o.evalEvery == 0 || step == o.steps) {
            last = evaluate(codec, o.evalScenes, o.seed + 1000003);
            appendMetric(metrics, {"codec-eval", step, elapsed(),
                                   {{"scene_exact", last.sceneExact}, {"pixel_accuracy", last.pixelAccuracy},
                                    {"codes_used", last.codesUsed}, {"locality", last.locality}}});
            logInfo(o.log, "codec eval step " + std::to_string(step) + ": " + describe(last));
        }
        if (step % o.checkpointEvery == 0) {
            checkpoint();
            saveCodecTensors(codec, (fs::path(o.runDir) / kCodecFile).string());
        }
    }
    checkpoint();
    saveCodecTensors(codec, (fs::path(o.runDir) / kCodecFile).string());
    last = evaluate(codec, o.evalScenes, o.seed + 1000003);
    return last;
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
