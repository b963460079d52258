#include "lm_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include "audio_augment.h"
#include "audio_features.h"
#include "errors.h"
#include "loss_weights.h"
#include "file_io.h"
#include "model_config.h"
#include "model_loader.h"
#include "network.h"
#include "run_files.h"
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

constexpr RateSchedule kSchedule{/*warmup*/ 200, /*floor*/ 0.1};
constexpr int kLogEvery = 25; // steps between loss lines (and metrics points)
constexpr std::uint64_t kMaxCardBytes = 1ULL << 20;
constexpr std::uint64_t kMaxTokenizerBytes = 16ULL << 20;
constexpr int kConditionDropPercent = 10;

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
    std::vector<std::vector<int>> imageCodes; // the stream's images, in order
};

// What every step's data and forward pass depend on.
struct LmContext {
    const LmTrainOptions& options;
    const ModelConfig& config;
    const Tokenizer& tokenizer;
    Network& net;
    const std::vector<MixtureEntry>& mixture;
    const world::TaskOptions& taskOptions;
    AudioFeatureFunction audioFeatures;
};

// One task case of `kind` as a training stream (with condition dropout on image answers).
Example makeExample(const LmContext& ctx, world::TaskKind kind, bool compress, std::mt19937_64& rng)
{
    auto task = world::generateTask(kind, rng, world::Split::Train, ctx.taskOptions);
    std::vector<Message> messages = task.messages;
    // Condition dropout: the unconditional stream of guidance is an empty user turn.
    if (answerIsImage(task.answer) && world::chance(rng, kConditionDropPercent, 100))
        messages = {Message{Role::User, {}, std::nullopt}};
    Example ex;
    auto& codec = ctx.net->codec();
    auto encode = [&](const Image& image) {
        auto codes = codec->encodeImages({image}).flatten().to(torch::kCPU);
        std::vector<int> v(codes.data_ptr<int64_t>(), codes.data_ptr<int64_t>() + codes.numel());
        ex.imageCodes.push_back(v);
        return v;
    };
    const AudioFeatureFunction audio = [&](const AudioClip& clip) { return augmentMel(ctx.audioFeatures(clip), rng); };
    ex.stream = buildStream(messages, &task.answer, ctx.tokenizer, ctx.config, encode, compress, audio);
    if (ctx.options.exampleLoss)
        markExampleTargets(ex.stream, messages, ctx.config.codec.grid * ctx.config.codec.grid);
    if (ctx.options.changedWeight > 1)
        weightChangedCodes(ex.stream, ex.imageCodes, ctx.options.changedWeight);
    return ex;
}

// The examples of one step: cases of one kind until the batch or the token budget is full.
std::vector<Example> drawExamples(const LmContext& ctx, world::TaskKind kind, bool compress, std::mt19937_64& rng)
{
    const LmTrainOptions& o = ctx.options;
    const int contextLength = ctx.config.transformer.contextLength;
    std::vector<Example> examples;
    int maxLen = 0;
    int tooLong = 0;
    while (static_cast<int>(examples.size()) < o.batch) {
        Example ex = makeExample(ctx, kind, compress, rng);
        if (ex.stream.size() > contextLength) {
            // Never train on a truncated target; a context too small for the task is an error.
            if (++tooLong > 8 * o.batch)
                throw LimitError(std::string("lm: task '") + world::taskName(kind) +
                                 "' needs more than context_length " + std::to_string(contextLength) + " tokens");
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
    return examples;
}

// One step's forward pass and what its log line counts.
struct LmStep {
    world::TaskKind kind = world::TaskKind::Generate;
    torch::Tensor loss;      ///< weighted cross-entropy on the target tokens (minimised, logged)
    long long tokens = 0;     ///< padding included
    long long realTokens = 0; ///< padding excluded
    double flops = 0;
};

LmStep lmForward(const LmContext& ctx, long long step)
{
    auto rng = stepRng(ctx.options.seed, step, 2);
    LmStep s;
    s.kind = pickKind(ctx.mixture, rng);
    const bool compress = world::chance(rng, 1, 2);
    const auto examples = drawExamples(ctx, s.kind, compress, rng);
    std::vector<TokenStream> streams;
    for (const auto& e : examples)
        streams.push_back(e.stream);
    const auto batch = batchStreams(streams, ctx.config.vocab.eos);
    Network& net = ctx.net;
    const auto device = net->device();
    auto hidden =
        net->forwardHidden(batch.ids.to(device), batch.positions.to(device), batch.mask.to(device), batch.audio);
    const auto T = batch.ids.size(1);
    auto logits = net->logits(hidden.slice(1, 0, T - 1));
    auto targets = batch.ids.slice(1, 1, T).to(device);
    auto weights = batch.lossMask.slice(1, 1, T).to(device);
    auto ce = torch::nn::functional::cross_entropy(
        logits.reshape({-1, ctx.config.vocab.total}), targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    s.loss = (ce * weights.reshape({-1})).sum() / weights.sum().clamp_min(1.0);
    s.tokens = static_cast<long long>(batch.ids.numel());
    s.realTokens = static_cast<long long>(batch.valid.sum().item<int64_t>());
    s.flops = stepFlops(ctx.config, batch.ids.size(0), batch.ids.size(1));
    return s;
}

// The figures of one log line: sums over the steps since the previous one.
class LmWindow {
public:
    void add(const LmStep& s)
    {
        const double l = s.loss.item<double>();
        m_lossSum += l;
        ++m_count;
        auto& kl = m_kindLoss[world::taskName(s.kind)];
        kl.first += l;
        kl.second += 1;
        m_tokens += s.tokens;
        m_realTokens += s.realTokens;
        m_flops += s.flops;
    }

    // Appends the metrics point and logs the line, then starts a new window.
    void flush(long long step, double lr, const StageRunner& runner, const std::string& metrics, const LogCallback& log)
    {
        const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        MetricPoint mp{"lm", step, runner.elapsed(), {{"loss", m_lossSum / m_count}, {"lr", lr},
                                                      {"tokens_per_s", static_cast<double>(m_tokens) / window},
                                                      {"real_tokens_per_s", static_cast<double>(m_realTokens) / window},
                                                      {"gflops", m_flops / window / 1e9}}};
        for (const auto& [name, v] : m_kindLoss)
            mp.values["loss_" + name] = v.first / v.second;
        appendMetric(metrics, mp);
        char buf[240];
        std::snprintf(buf, sizeof buf,
                      "lm step %lld loss %.4f lr %.2e %.0f tok/s (%.0f without padding) %.1f GFLOP/s %.0f s",
                      step, m_lossSum / m_count, lr, static_cast<double>(m_tokens) / window,
                      static_cast<double>(m_realTokens) / window, m_flops / window / 1e9, runner.elapsed());
        logInfo(log, buf);
        *this = LmWindow();
    }

private:
    std::map<std::string, std::pair<double, int>> m_kindLoss;
    double m_lossSum = 0;
    long long m_tokens = 0, m_realTokens = 0;
    double m_flops = 0;
    int m_count = 0;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

// Freezes the codec (stage 2 output) and returns the parameters left to train.
std::vector<torch::Tensor> freezeCodec(NetworkImpl& net)
{
    std::vector<torch::Tensor> trainable;
    for (auto& item : net.named_parameters(true)) {
        if (item.key().rfind("codec.", 0) == 0)
            item.value().set_requires_grad(false);
        else
            trainable.push_back(item.value());
    }
    return trainable;
}

} // namespace

void trainLanguageModel(const LmTrainOptions& o)
{
    if (o.changedWeight < 1 || o.changedWeight > 255)
        throw ArgumentError("lm: expected a changed-code loss weight in 1..255, found " + std::to_string(o.changedWeight));
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    const auto tokenizer = Tokenizer::load(runFile(o.runDir, kTokenizerModelFile), config.vocab);
    torch::manual_seed(o.seed);
    Network net(config);
    loadCodecTensors(net->codec(), runFile(o.runDir, kCodecFile));
    net->weightsChanged();
    const auto trainable = freezeCodec(*net);
    torch::optim::AdamW optimizer(trainable,
                                  torch::optim::AdamWOptions(o.learningRate).betas({0.9, 0.95}).weight_decay(0.01));
    const auto mixture = parseMixture(o.tasks, config.audio.enabled);
    StageRunner runner(o, "lm", *net, optimizer, trainable, kSchedule, runFile(o.runDir, kLmCheckpointFile));
    if (runner.resume())
        net->weightsChanged();
    else if (!o.initFrom.empty())
        warmStart(*net, o.initFrom, o.log);
    // One cache for the whole run: spoken requests repeat captions, and espeak-ng costs ~70 ms.
    world::TaskOptions taskOptions;
    taskOptions.phrasingVariants = o.phrasingVariants;
    if (config.audio.enabled) taskOptions.speech = std::make_shared<world::SpeechSynthesizer>();
    const AudioFeatureFunction audioFeatures = [&config](const AudioClip& clip) {
        return modelAudioFeatures(clip, config.audio);
    };
    const LmContext ctx{o, config, tokenizer, net, mixture, taskOptions, audioFeatures};
    const auto metrics = runFile(o.runDir, kMetricsFile);
    net->codec()->eval();
    net->train();
    LmWindow window;
    LmStep last;
    runner.run(
        [&](long long step) {
            last = lmForward(ctx, step);
            return last.loss;
        },
        [&](long long step, double lr) {
            window.add(last);
            if (step % kLogEvery == 0)
                window.flush(step, lr, runner, metrics, o.log);
        });
}

void exportModel(const std::string& configPath, const std::string& runDir, const std::string& outDir)
{
    const auto config = ModelConfig::read(configPath);
    Network net(config);
    const auto ckpt = runFile(runDir, kLmCheckpointFile);
    if (!fs::exists(ckpt))
        throw NotFoundError("export: expected a transformer checkpoint at " + ckpt + ", found none");
    torch::serialize::InputArchive archive, modelArchive;
    archive.load_from(ckpt);
    archive.read("model", modelArchive);
    net->load(modelArchive);
    // The card: the run's own when it has one, else the one already in the target folder
    // (re-exporting into the shipped model keeps its card), else a note of where it came from.
    std::string card = "# " + config.name + "\n\nExported from training run " + runDir + ".\n";
    for (const auto& candidate : {fs::path(runDir) / kRunModelCardFile, fs::path(outDir) / kModelCardFile}) {
        if (fs::exists(candidate)) {
            readFileCapped(candidate.string(), kMaxCardBytes, "model card", card);
            break;
        }
    }
    std::string tokenizerBytes;
    readFileCapped(runFile(runDir, kTokenizerModelFile), kMaxTokenizerBytes, "tokenizer model", tokenizerBytes);
    writeModelFolder(*net, config, tokenizerBytes, card, outDir);
}

} // namespace weft::train
