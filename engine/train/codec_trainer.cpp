#include "codec_trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
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

CodecEvalResult evaluate(ImageCodec& codec, int scenes, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    codec->eval();
    auto rng = stepRng(seed, -1, 7);
    CodecEvalResult r;
    std::set<long> used;
    long exact = 0;
    double pixelsRight = 0, pixelsTotal = 0;
    long localSame = 0, localTotal = 0;
    const int chunk = 100;
    for (int done = 0; done < scenes; done += chunk) {
        const int n = std::min(chunk, scenes - done);
        std::vector<world::Scene> sc;
        const auto images = renderBatch(rng, n, world::Split::Test, &sc);
        const auto codes = codec->encodeImages(images);
        const auto decoded = codec->decodeImages(codes);
        auto flat = codes.flatten().to(torch::kCPU);
        for (int64_t i = 0; i < flat.numel(); ++i)
            used.insert(flat[i].item<long>());
        for (int i = 0; i < n; ++i) {
            const auto& a = images[static_cast<std::size_t>(i)].rgb;
            const auto& b = decoded[static_cast<std::size_t>(i)].rgb;
            for (std::size_t p = 0; p + 2 < a.size(); p += 3)
                pixelsRight += (a[p] == b[p] && a[p + 1] == b[p + 1] && a[p + 2] == b[p + 2]) ? 1 : 0;
            pixelsTotal += static_cast<double>(a.size() / 3);
            if (world::parseImage(decoded[static_cast<std::size_t>(i)]) == sc[static_cast<std::size_t>(i)])
                ++exact;
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
    codec->train();
    return r;
}

} // namespace

CodecEvalResult trainCodec(const CodecTrainOptions& o)
{
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    if (config.codec.palette.empty())
        throw ArgumentError("codec training: expected a palette in the codec config, found none");
    fs::create_directories(o.runDir);
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
        const auto images = renderBatch(rng, o.batch, world::Split::Train, nullptr);
        const auto input = codec->pixelInput(images);
        const auto targets = codec->paletteTargets(images);
        const auto latent = codec->encodeLatent(input);
        const auto outputs = codec->decodeOutputs(codec->quantize(latent));
        auto logits = outputs.view({-1, p * p, pal}).reshape({-1, pal});
        auto loss = torch::nn::functional::cross_entropy(logits, targets.reshape({-1}));
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
            char buf[200];
            std::snprintf(buf, sizeof buf, "codec eval step %lld: scene exact %.4f, pixels %.5f, codes used %.3f, locality %.4f",
                          step, last.sceneExact, last.pixelAccuracy, last.codesUsed, last.locality);
            logInfo(o.log, buf);
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
                                  std::uint64_t seed, int threads)
{
    setTrainingThreads(threads);
    const auto config = ModelConfig::read(configPath);
    ImageCodec codec(config.codec);
    loadCodecTensors(codec, codecPath);
    return evaluate(codec, scenes, seed);
}

} // namespace weft::train
