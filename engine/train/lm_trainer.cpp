#include "lm_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>


#include "audio_features.h"
#include "errors.h"
#include "file_io.h"
#include "model_config.h"
#include "model_loader.h"
#include "network.h"
#include "safetensors.h"
#include "token_stream.h"
#include "tokenizer.h"
#include "train_common.h"
#include "train_log.h"
#include "weft/world/sampling.h"
#include "weft/world/speech.h"
#include "weft/world/tasks.h"

namespace fs = std::filesystem;

namespace weft::train {
namespace {

constexpr const char* kCheckpoint = "lm.ckpt";
constexpr std::uint64_t kMaxCardBytes = 1ULL << 20;
constexpr std::uint64_t kMaxTokenizerBytes = 16ULL << 20;
constexpr int kConditionDropPercent = 10;
constexpr double kRetrievalWeight = 0.5;

struct MixtureEntry {
    world::TaskKind kind;
    double weight;
};

// Image-producing tasks get more weight: 64 codes per answer carry most of the difficulty.
const std::vector<MixtureEntry> kDefaultMixture = {
    {world::TaskKind::Generate, 3.0},     {world::TaskKind::Describe, 1.0},
    {world::TaskKind::Count, 0.7},        {world::TaskKind::ColorQuery, 0.7},
    {world::TaskKind::Edit, 3.0},         {world::TaskKind::WhatChanged, 1.0},
    {world::TaskKind::SubjectByExample, 1.5}, {world::TaskKind::StyleByExample, 1.0},
    {world::TaskKind::InContext, 2.0},    {world::TaskKind::MultiTurn, 1.5},
    {world::TaskKind::Retrieval, 1.0},
};
// Added to the default mixture when the model has an audio encoder.
const std::vector<MixtureEntry> kAudioMixture = {
    {world::TaskKind::SoundAtmosphere, 2.0}, {world::TaskKind::SpokenRequest, 2.5},
};

std::vector<MixtureEntry> parseMixture(const std::string& tasks, bool audio)
{
    if (tasks.empty() || tasks == "all") {
        auto all = kDefaultMixture;
        if (audio) all.insert(all.end(), kAudioMixture.begin(), kAudioMixture.end());
        return all;
    }
    std::vector<MixtureEntry> out;
    std::stringstream ss(tasks);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto kind = world::taskFromName(item);
        if (!kind)
            throw ArgumentError("--tasks: expected a task name or number, found '" + item + "'");
        if ((*kind == world::TaskKind::SoundAtmosphere || *kind == world::TaskKind::SpokenRequest) && !audio)
            throw ArgumentError("--tasks: task '" + item + "' needs audio, but the config's audio encoder is disabled");
        double w = 1.0;
        for (const auto* list : {&kDefaultMixture, &kAudioMixture})
            for (const auto& e : *list)
                if (e.kind == *kind)
                    w = e.weight;
        out.push_back({*kind, w});
    }
    if (out.empty())
        throw ArgumentError("--tasks: expected at least one task, found none");
    return out;
}

world::TaskKind pickKind(const std::vector<MixtureEntry>& mixture, std::mt19937_64& rng)
{
    double total = 0;
    for (const auto& e : mixture)
        total += e.weight;
    // 1/1000 resolution is plenty for a mixture and keeps the draw integer-exact everywhere.
    const auto r = static_cast<double>(world::uniformBelow(rng, 1000)) / 1000.0 * total;
    double acc = 0;
    for (const auto& e : mixture) {
        acc += e.weight;
        if (r < acc)
            return e.kind;
    }
    return mixture.back().kind;
}

bool answerIsImage(const Message& answer)
{
    for (const auto& s : answer.segments)
        if (s.kind == SegmentKind::Image && !s.retrieved)
            return true;
    return false;
}

// Copies every non-codec tensor of `modelDir`'s weights whose name and shape match.
void warmStart(NetworkImpl& net, const std::string& modelDir, const LogCallback& log)
{
    const auto file = SafetensorsFile::read((fs::path(modelDir) / kWeightsFile).string());
    int copied = 0;
    std::string fresh;
    for (auto& item : net.named_parameters(true)) {
        if (item.key().rfind("codec.", 0) == 0) continue; // the run's own codec is loaded separately
        if (copyTensorFrom(file, item.key(), item.value()))
            ++copied;
        else
            fresh += (fresh.empty() ? "" : ", ") + item.key();
    }
    logInfo(log, "lm: warm start from " + modelDir + ": " + std::to_string(copied) + " tensors copied; fresh: " +
                     (fresh.empty() ? "none" : fresh));
}

// Loss on the after image of every example pair too: each pair is a (before, after) case of
// the same transformation, so a k = 3 prompt also teaches k = 1 and k = 2 at no extra compute.
void markExampleTargets(TokenStream& stream, const std::vector<Message>& messages, int codesPerImage)
{
    std::size_t image = 0;
    for (const Message& m : messages) {
        const int pairs = examplePairCount(m);
        for (int p = 0; p < pairs && image + 2 * p + 1 < stream.imageStarts.size(); ++p) {
            const int start = stream.imageStarts[image + 2 * static_cast<std::size_t>(p) + 1];
            // The codes and the closing eoi; the opening boi is given by the format.
            for (int t = start; t <= start + codesPerImage && t < stream.size(); ++t)
                stream.lossMask[static_cast<std::size_t>(t)] = 1;
        }
        image += static_cast<std::size_t>(imageCount(m));
    }
}

// Floating-point operations of one training step (forward and backward, the usual 3x of the
// forward) on a padded batch [rows, length]: the matrix products of every layer and of the
// output projection (2 per weight and token), and the attention scores and mixing (4 per
// layer, query, key and channel). Embedding lookups and element-wise work are left out.
double stepFlops(const ModelConfig& c, std::int64_t rows, std::int64_t length)
{
    const double d = c.transformer.dModel, f = c.transformer.dFf, layers = c.transformer.layers;
    const double weights = layers * (4.0 * d * d + 3.0 * d * f) + static_cast<double>(c.vocab.total) * d;
    const double tokens = static_cast<double>(rows * length);
    const double attention = layers * 4.0 * d * static_cast<double>(length) * tokens;
    return 3.0 * (2.0 * weights * tokens + attention);
}

struct Example {
    TokenStream stream;
    std::vector<std::vector<int>> imageCodes; // conversation images, in order
    int retrievedIndex = -1;
};

} // namespace

void trainLanguageModel(const LmTrainOptions& o)
{
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    const auto tokenizer = Tokenizer::load((fs::path(o.runDir) / "tokenizer.model").string(), config.vocab);
    torch::manual_seed(o.seed);
    Network net(config);
    loadCodecTensors(net->codec(), (fs::path(o.runDir) / "codec.safetensors").string());
    net->weightsChanged();
    std::vector<torch::Tensor> trainable;
    for (auto& item : net->named_parameters(true)) {
        if (item.key().rfind("codec.", 0) == 0)
            item.value().set_requires_grad(false); // stage 2 output, frozen
        else
            trainable.push_back(item.value());
    }
    torch::optim::AdamW optimizer(trainable,
                                  torch::optim::AdamWOptions(o.learningRate).betas({0.9, 0.95}).weight_decay(0.01));
    const auto mixture = parseMixture(o.tasks, config.audio.enabled);
    const AudioFeatureFunction audioFeatures = [&config](const AudioClip& clip) {
        return modelAudioFeatures(clip, config.audio);
    };

    const auto ckpt = (fs::path(o.runDir) / kCheckpoint).string();
    CheckpointState resumed;
    if (loadCheckpoint(*net, optimizer, ckpt, resumed)) {
        net->weightsChanged();
        logInfo(o.log, "lm: resumed at step " + std::to_string(resumed.step));
    } else if (!o.initFrom.empty()) {
        warmStart(*net, o.initFrom, o.log);
    }
    long long step = resumed.step;
    const StageClock clock(resumed.seconds);
    // One cache for the whole run: spoken requests repeat captions, and espeak-ng costs ~70 ms.
    world::TaskOptions taskOptions;
    if (config.audio.enabled) taskOptions.speech = std::make_shared<world::SpeechSynthesizer>();
    auto elapsed = [&] { return clock.elapsed(); };
    auto checkpoint = [&] { saveCheckpoint(*net, optimizer, ckpt, {step, elapsed()}); };

    const auto metrics = (fs::path(o.runDir) / "metrics.jsonl").string();
    const int vocab = config.vocab.total;
    auto& codec = net->codec();
    codec->eval();
    net->train();
    std::map<std::string, std::pair<double, int>> kindLoss;
    double lossSum = 0, retrSum = 0;
    long long tokensSeen = 0;  // padding included
    long long realTokens = 0;  // padding excluded
    double flopsDone = 0;
    int lossCount = 0;
    auto windowStart = std::chrono::steady_clock::now();

    while (step < o.steps) {
        if (o.cancel && o.cancel->load()) {
            checkpoint();
            throw CancelledError();
        }
        if ((o.maxSeconds > 0 && elapsed() >= o.maxSeconds) || (o.pauseAtStep > 0 && step >= o.pauseAtStep))
            break;
        auto rng = stepRng(o.seed, step, 2);
        const auto kind = pickKind(mixture, rng);
        const bool compress = world::chance(rng, 1, 2);

        std::vector<Example> examples;
        int maxLen = 0;
        int tooLong = 0;
        while (static_cast<int>(examples.size()) < o.batch) {
            auto task = world::generateTask(kind, rng, world::Split::Train, taskOptions);
            std::vector<Message> messages = task.messages;
            // Condition dropout: the unconditional stream of guidance is an empty user turn.
            if (answerIsImage(task.answer) && world::chance(rng, kConditionDropPercent, 100))
                messages = {Message{Role::User, {}, std::nullopt}};
            Example ex;
            auto encode = [&](const Image& image) {
                auto codes = codec->encodeImages({image}).flatten().to(torch::kCPU);
                std::vector<int> v(codes.data_ptr<int64_t>(), codes.data_ptr<int64_t>() + codes.numel());
                ex.imageCodes.push_back(v);
                return v;
            };
            ex.stream = buildStream(messages, &task.answer, tokenizer, config, encode, compress, audioFeatures);
            if (o.exampleLoss) markExampleTargets(ex.stream, messages, config.codec.grid * config.codec.grid);
            ex.retrievedIndex = task.expectedRetrievedIndex;
            if (ex.stream.size() > config.transformer.contextLength) {
                // Never train on a truncated target; a context too small for the task is an error.
                if (++tooLong > 8 * o.batch)
                    throw LimitError(std::string("lm: task '") + world::taskName(kind) + "' needs more than context_length " +
                                     std::to_string(config.transformer.contextLength) + " tokens");
                if (examples.empty())
                    continue;
                break;
            }
            const int len = std::max(maxLen, ex.stream.size());
            if (!examples.empty() && len * static_cast<int>(examples.size() + 1) > o.tokenBudget)
                break;
            maxLen = len;
            examples.push_back(std::move(ex));
        }
        std::vector<TokenStream> streams;
        for (const auto& e : examples)
            streams.push_back(e.stream);
        const auto batch = batchStreams(streams, config.vocab.eos);
        const auto device = net->device();
        auto hidden = net->forwardHidden(batch.ids.to(device), batch.positions.to(device), batch.mask.to(device),
                                         batch.audio);
        const auto T = batch.ids.size(1);
        auto logits = net->logits(hidden.slice(1, 0, T - 1));
        auto targets = batch.ids.slice(1, 1, T).to(device);
        auto weights = batch.lossMask.slice(1, 1, T).to(device);
        auto ce = torch::nn::functional::cross_entropy(
            logits.reshape({-1, vocab}), targets.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        auto loss = (ce * weights.reshape({-1})).sum() / weights.sum().clamp_min(1.0);

        // Retrieval: the hidden state at `ret` must pick the right earlier image.
        torch::Tensor retrLoss = torch::zeros({}, hidden.options());
        int retrCount = 0;
        for (std::size_t i = 0; i < examples.size(); ++i) {
            const auto& e = examples[i];
            if (e.retrievedIndex < 0 || e.stream.retrievalPositions.empty())
                continue;
            std::vector<int64_t> flat;
            for (const auto& c : e.imageCodes)
                flat.insert(flat.end(), c.begin(), c.end());
            const auto n = static_cast<int64_t>(e.imageCodes.size());
            auto codes = torch::tensor(flat, torch::kLong).view({n, -1}).to(device);
            auto keys = net->imageKeys(codes);
            auto q = net->retrievalQuery(hidden[static_cast<int64_t>(i)][e.stream.retrievalPositions.front()]);
            auto scores = (keys.matmul(q) * net->retrievalLogitScale().exp()).unsqueeze(0);
            retrLoss = retrLoss + torch::nn::functional::cross_entropy(
                                      scores, torch::tensor({static_cast<int64_t>(e.retrievedIndex)}, torch::kLong).to(device));
            ++retrCount;
        }
        auto total = loss;
        if (retrCount > 0)
            total = total + kRetrievalWeight * retrLoss / retrCount;

        const double lr = cosineRate(o.learningRate, step, o.steps, 200, 0.1);
        setLearningRate(optimizer, lr);
        optimizer.zero_grad();
        total.backward();
        torch::nn::utils::clip_grad_norm_(trainable, 1.0);
        optimizer.step();
        ++step;

        const double l = loss.item<double>();
        lossSum += l;
        if (retrCount > 0)
            retrSum += retrLoss.item<double>() / retrCount;
        ++lossCount;
        auto& kl = kindLoss[world::taskName(kind)];
        kl.first += l;
        kl.second += 1;
        tokensSeen += static_cast<long long>(batch.ids.numel());
        realTokens += static_cast<long long>(batch.valid.sum().item<int64_t>());
        flopsDone += stepFlops(config, batch.ids.size(0), batch.ids.size(1));

        if (step % 25 == 0) {
            const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - windowStart).count();
            MetricPoint mp{"lm", step, elapsed(), {{"loss", lossSum / lossCount}, {"lr", lr},
                                                   {"tokens_per_s", static_cast<double>(tokensSeen) / window},
                                                   {"real_tokens_per_s", static_cast<double>(realTokens) / window},
                                                   {"gflops", flopsDone / window / 1e9}}};
            if (retrSum > 0)
                mp.values["retrieval_loss"] = retrSum / lossCount;
            for (const auto& [name, v] : kindLoss)
                mp.values["loss_" + name] = v.first / v.second;
            appendMetric(metrics, mp);
            char buf[240];
            std::snprintf(buf, sizeof buf,
                          "lm step %lld loss %.4f retr %.3f lr %.2e %.0f tok/s (%.0f without padding) %.1f GFLOP/s %.0f s",
                          step, lossSum / lossCount, retrSum / lossCount, lr, static_cast<double>(tokensSeen) / window,
                          static_cast<double>(realTokens) / window, flopsDone / window / 1e9, elapsed());
            logInfo(o.log, buf);
            lossSum = retrSum = 0;
            lossCount = 0;
            tokensSeen = realTokens = 0;
            flopsDone = 0;
            kindLoss.clear();
            windowStart = std::chrono::steady_clock::now();
        }
        if (step % o.checkpointEvery == 0)
            checkpoint();
    }
    checkpoint();
}

void exportModel(const std::string& configPath, const std::string& runDir, const std::string& outDir)
{
    const auto config = ModelConfig::read(configPath);
    Network net(config);
    const auto ckpt = (fs::path(runDir) / kCheckpoint).string();
    if (!fs::exists(ckpt))
        throw NotFoundError("export: expected a transformer checkpoint at " + ckpt + ", found none");
    torch::serialize::InputArchive archive, modelArchive;
    archive.load_from(ckpt);
    archive.read("model", modelArchive);
    net->load(modelArchive);
    // The card: the run's own when it has one, else the one already in the target folder
    // (re-exporting into the shipped model keeps its card), else a note of where it came from.
    std::string card = "# " + config.name + "\n\nExported from training run " + runDir + ".\n";
    for (const auto& candidate : {fs::path(runDir) / "MODEL_CARD.md", fs::path(outDir) / "MODEL_CARD.md"}) {
        if (fs::exists(candidate)) {
            readFileCapped(candidate.string(), kMaxCardBytes, "model card", card);
            break;
        }
    }
    std::string tokenizerBytes;
    readFileCapped((fs::path(runDir) / "tokenizer.model").string(), kMaxTokenizerBytes, "tokenizer model",
                   tokenizerBytes);
    writeModelFolder(*net, config, tokenizerBytes, card, outDir);
}

} // namespace weft::train
