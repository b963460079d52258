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
#include "file_io.h"
#include "loss_weights.h"
#include "model_config.h"
#include "model_loader.h"
#include "network.h"
#include "retrieval.h"
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
// Retrieval head: cosine scores times this are the logits over the candidates (a fixed
// temperature of 0.1: the head has no tensor for it), and its cross-entropy counts this much
// beside the token loss.
constexpr double kRetrievalScale = 10.0;
constexpr double kRetrievalWeight = 1.0;

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

// A comma-separated list of kind names (repeats allowed: they weight a uniform draw), each
// read by `fromName`; `option` and `expected` word the error.
template <class FromName>
auto parseKindList(const std::string& list, FromName fromName, const char* option, const char* expected)
{
    std::vector<typename decltype(fromName(std::string()))::value_type> out;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto kind = fromName(item);
        if (!kind)
            throw ArgumentError(std::string(option) + ": expected " + expected + ", found '" + item + "'");
        out.push_back(*kind);
    }
    return out;
}

std::vector<world::TransformKind> parseTransformKinds(const std::string& list)
{
    return parseKindList(list, [](const std::string& n) { return world::transformKindFromName(n); },
                         "--in-context-kinds",
                         "a transformation kind (flip-left-right, flip-up-down, rotate-clockwise, recolor, pattern, "
                         "make-large, make-small, remove)");
}

std::vector<world::EditKind> parseEditKinds(const std::string& list)
{
    return parseKindList(list, [](const std::string& n) { return world::editKindFromName(n); }, "--edit-kinds",
                         "an edit kind (recolor, move, remove, add, resize, background)");
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

// A warm start needs the tokenizer and codec its model was trained with, so a run folder that
// lacks them takes them from that model instead of from stages 1-2 (the same files a model
// folder ships; copying them by hand was the usual mistake).
void inheritRunFiles(const LmTrainOptions& o, const ModelConfig& config)
{
    if (o.initFrom.empty())
        return;
    fs::create_directories(o.runDir);
    const auto tokenizer = runFile(o.runDir, kTokenizerModelFile);
    if (!fs::exists(tokenizer)) {
        std::string bytes;
        readFileCapped((fs::path(o.initFrom) / kTokenizerFile).string(), kMaxTokenizerBytes, "tokenizer model", bytes);
        writeBytesAtomic(tokenizer, bytes.data(), bytes.size());
        logInfo(o.log, "lm: tokenizer.model taken from " + o.initFrom);
    }
    const auto codecFile = runFile(o.runDir, kCodecFile);
    if (!fs::exists(codecFile)) {
        ImageCodec codec(config.codec);
        loadCodecTensors(codec, (fs::path(o.initFrom) / kWeightsFile).string());
        saveCodecTensors(codec, codecFile);
        logInfo(o.log, "lm: codec tensors taken from " + o.initFrom);
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
    std::vector<std::vector<int>> imageCodes; // the stream's images, in order
    // Retrieval cases, for a model with a retrieval head: the request's tokens, how many of
    // imageCodes are candidates (the conversation's images) and which one is right.
    std::vector<int> request;
    int candidates = 0;
    int retrievedIndex = -1;
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
    if (task.expectedRetrievedIndex >= 0 && ctx.net->hasRetrievalHead()) {
        ex.request = requestTokens(messages, ctx.tokenizer);
        for (const Message& m : messages)
            ex.candidates += imageCount(m);
        ex.retrievedIndex = task.expectedRetrievedIndex;
    }
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
    torch::Tensor loss;      ///< weighted cross-entropy on the target tokens (undefined: head only)
    torch::Tensor retrieval; ///< mean cross-entropy of the retrieval head (undefined: no case)
    int retrievalCases = 0;
    int retrievalRight = 0;   ///< cases whose best-scoring candidate is the right one
    torch::Tensor total;      ///< minimised
    long long tokens = 0;     ///< padding included
    long long realTokens = 0; ///< padding excluded
    double flops = 0;
};

// The retrieval head's cross-entropy over each retrieval case's candidates.
void retrievalLoss(NetworkImpl& net, const std::vector<Example>& examples, LmStep& s)
{
    std::vector<torch::Tensor> losses;
    for (const Example& e : examples) {
        if (e.retrievedIndex < 0 || e.request.empty())
            continue;
        const std::vector<std::int64_t> request(e.request.begin(), e.request.end());
        const auto flat = concatenatedCodes(e.imageCodes, static_cast<std::size_t>(e.candidates));
        auto codes = torch::tensor(flat, torch::kLong).view({e.candidates, -1});
        auto scores = net.retrievalScores(torch::tensor(request, torch::kLong), codes) * kRetrievalScale;
        const auto target =
            torch::tensor({static_cast<std::int64_t>(e.retrievedIndex)}, torch::kLong).to(scores.device());
        losses.push_back(torch::nn::functional::cross_entropy(scores.unsqueeze(0), target));
        s.retrievalRight += scores.argmax().item<std::int64_t>() == e.retrievedIndex;
    }
    s.retrievalCases = static_cast<int>(losses.size());
    if (!losses.empty())
        s.retrieval = torch::stack(losses).mean();
}

// The token loss of a batch: weighted cross-entropy of every target token.
void tokenLoss(const LmContext& ctx, const std::vector<Example>& examples, LmStep& s)
{
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
}

LmStep lmForward(const LmContext& ctx, long long step)
{
    auto rng = stepRng(ctx.options.seed, step, 2);
    LmStep s;
    s.kind = pickKind(ctx.mixture, rng);
    const bool compress = world::chance(rng, ctx.options.compressPercent, 100);
    const auto examples = drawExamples(ctx, s.kind, compress, rng);
    // Training the head alone leaves the transformer as it is, so its forward pass is skipped.
    if (!ctx.options.retrievalHeadOnly)
        tokenLoss(ctx, examples, s);
    if (ctx.net->hasRetrievalHead())
        retrievalLoss(*ctx.net, examples, s);
    if (s.retrieval.defined())
        s.total = s.loss.defined() ? s.loss + kRetrievalWeight * s.retrieval : s.retrieval;
    else
        s.total = s.loss;
    if (!s.total.defined())
        throw ArgumentError("lm: a step of task '" + std::string(world::taskName(s.kind)) + "' left nothing to train");
    return s;
}

// The figures of one log line: sums over the steps since the previous one.
class LmWindow {
public:
    void add(const LmStep& s)
    {
        if (s.loss.defined()) {
            const double l = s.loss.item<double>();
            m_lossSum += l;
            ++m_count;
            auto& kl = m_kindLoss[world::taskName(s.kind)];
            kl.first += l;
            kl.second += 1;
        }
        if (s.retrievalCases > 0) {
            m_retrievalSum += s.retrieval.item<double>() * s.retrievalCases;
            m_retrievalCases += s.retrievalCases;
            m_retrievalRight += s.retrievalRight;
        }
        m_tokens += s.tokens;
        m_realTokens += s.realTokens;
        m_flops += s.flops;
    }

    // Appends the metrics point and logs the line, then starts a new window.
    void flush(long long step, double lr, const StageRunner& runner, const std::string& metrics, const LogCallback& log)
    {
        const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        const double loss = m_count > 0 ? m_lossSum / m_count : 0.0;
        MetricPoint mp{"lm",
                       step,
                       runner.elapsed(),
                       {{"lr", lr},
                        {"tokens_per_s", static_cast<double>(m_tokens) / window},
                        {"real_tokens_per_s", static_cast<double>(m_realTokens) / window},
                        {"gflops", m_flops / window / 1e9}}};
        if (m_count > 0)
            mp.values["loss"] = loss;
        for (const auto& [name, v] : m_kindLoss)
            mp.values["loss_" + name] = v.first / v.second;
        // A head-only window has no token loss and no transformer throughput to report.
        char tokens[160] = "", retrieval[80] = "";
        if (m_count > 0)
            std::snprintf(tokens, sizeof tokens, " loss %.4f", loss);
        if (m_retrievalCases > 0) {
            const double rl = m_retrievalSum / m_retrievalCases, right = 100.0 * m_retrievalRight / m_retrievalCases;
            mp.values["retrieval_loss"] = rl;
            mp.values["retrieval_right"] = right;
            std::snprintf(retrieval, sizeof retrieval, " retrieval %.3f (%.0f%% right)", rl, right);
        }
        appendMetric(metrics, mp);
        char buf[400];
        if (m_tokens > 0)
            std::snprintf(buf, sizeof buf,
                          "lm step %lld%s%s lr %.2e %.0f tok/s (%.0f without padding) %.1f GFLOP/s %.0f s", step,
                          tokens, retrieval, lr, static_cast<double>(m_tokens) / window,
                          static_cast<double>(m_realTokens) / window, m_flops / window / 1e9, runner.elapsed());
        else
            std::snprintf(buf, sizeof buf, "lm step %lld%s lr %.2e %.0f s", step, retrieval, lr, runner.elapsed());
        logInfo(log, buf);
        *this = LmWindow();
    }

private:
    std::map<std::string, std::pair<double, int>> m_kindLoss;
    double m_lossSum = 0, m_retrievalSum = 0;
    long long m_tokens = 0, m_realTokens = 0;
    double m_flops = 0;
    int m_count = 0, m_retrievalCases = 0, m_retrievalRight = 0;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

// Freezes the codec (stage 2 output), and with `headOnly` everything but the retrieval head,
// and returns the parameters left to train.
std::vector<torch::Tensor> freezeFixed(NetworkImpl& net, bool headOnly)
{
    std::vector<torch::Tensor> trainable;
    for (auto& item : net.named_parameters(true)) {
        const bool fixed = item.key().rfind("codec.", 0) == 0 || (headOnly && item.key().rfind("retrieval.", 0) != 0);
        if (fixed)
            item.value().set_requires_grad(false);
        else
            trainable.push_back(item.value());
    }
    return trainable;
}

// Training the head alone needs a head and nothing but retrieval cases (other steps would
// have nothing to train).
void checkHeadOnly(const LmTrainOptions& o, const ModelConfig& config, const std::vector<MixtureEntry>& mixture)
{
    if (!o.retrievalHeadOnly)
        return;
    if (config.retrieval.embedDim <= 0)
        throw ArgumentError("lm: --retrieval-head-only expected a config with retrieval.embed_dim > 0, found 0");
    for (const auto& e : mixture)
        if (e.kind != world::TaskKind::Retrieval)
            throw ArgumentError(std::string("lm: --retrieval-head-only expected --tasks retrieval, found '") +
                                world::taskName(e.kind) + "' in the mixture");
}

} // namespace

void trainLanguageModel(const LmTrainOptions& o)
{
    if (o.changedWeight < 1 || o.changedWeight > 255)
        throw ArgumentError("lm: expected a changed-code loss weight in 1..255, found " + std::to_string(o.changedWeight));
    if (o.compressPercent < 0 || o.compressPercent > 100)
        throw ArgumentError("lm: expected a compressed-step share in 0..100 percent, found " +
                            std::to_string(o.compressPercent));
    if (o.lookalikePercent < 0 || o.lookalikePercent > 100)
        throw ArgumentError("lm: expected a lookalike share in 0..100 percent, found " +
                            std::to_string(o.lookalikePercent));
    world::TaskOptions taskOptions;
    taskOptions.phrasingVariants = o.phrasingVariants;
    taskOptions.transformKinds = parseTransformKinds(o.inContextKinds);
    taskOptions.editKinds = parseEditKinds(o.editKinds);
    taskOptions.lookalikePercent = o.lookalikePercent;
    setTrainingThreads(o.threads);
    const auto config = ModelConfig::read(o.configPath);
    inheritRunFiles(o, config);
    const auto tokenizer = Tokenizer::load(runFile(o.runDir, kTokenizerModelFile), config.vocab);
    torch::manual_seed(o.seed);
    Network net(config);
    loadCodecTensors(net->codec(), runFile(o.runDir, kCodecFile));
    net->weightsChanged();
    const auto mixture = parseMixture(o.tasks, config.audio.enabled);
    checkHeadOnly(o, config, mixture);
    const auto trainable = freezeFixed(*net, o.retrievalHeadOnly);
    torch::optim::AdamW optimizer(trainable,
                                  torch::optim::AdamWOptions(o.learningRate).betas({0.9, 0.95}).weight_decay(0.01));
    StageRunner runner(o, "lm", *net, optimizer, trainable, kSchedule, runFile(o.runDir, kLmCheckpointFile));
    if (runner.resume())
        net->weightsChanged();
    else if (!o.initFrom.empty())
        warmStart(*net, o.initFrom, o.log);
    // One cache for the whole run: spoken requests repeat captions, and espeak-ng costs ~70 ms.
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
            return last.total;
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
