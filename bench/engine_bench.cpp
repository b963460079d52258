#include "engine_bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "image_decoder.h"
#include "kv_cache.h"
#include "model_loader.h"
#include "network.h"
#include "sampler.h"
#include "token_stream.h"
#include "weft/model.h"
#include "weft/world/tasks.h"

namespace weft::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best of `repeats` runs of f; the minimum is the run least disturbed by other processes.
double bestOf(int repeats, const std::function<void()>& f)
{
    double best = 0.0;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        f();
        const double s = secondsSince(start);
        best = (i == 0) ? s : std::min(best, s);
    }
    return best;
}

std::vector<std::int64_t> iota64(std::int64_t n)
{
    std::vector<std::int64_t> out(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = i;
    return out;
}

// The decoding paths of Session::reply (session.cpp), driven with fixed ids instead of a
// conversation so that the Python baseline can run exactly the same work.
class Runner {
public:
    explicit Runner(const Model::Impl& m) : m_m(m), m_net(*m.network), m_vocab(m.config.vocab) {}

    struct Prefilled {
        KvCache cache;
        torch::Tensor last; // hidden state of the last prompt token [d]
        std::int64_t position;
    };

    Prefilled prefill(const std::vector<int>& ids, const torch::Tensor& mask = {})
    {
        const auto t = static_cast<std::int64_t>(ids.size());
        KvCache cache = m_net.makeCache(1);
        auto hidden = m_net.forwardCached(tokenTensor(std::vector<std::int64_t>(ids.begin(), ids.end()), 1, m_m.device),
                                          tokenTensor(iota64(t), 1, m_m.device),
                                          mask.defined() ? mask.view({1, 1, t, t}) : mask, {}, cache);
        return {std::move(cache), hidden[0][t - 1], t};
    }

    torch::Tensor feed(int token, Prefilled& p)
    {
        auto h = m_net.forwardCached(tokenTensor({token}, 1, m_m.device), tokenTensor({p.position}, 1, m_m.device), {}, {},
                                     p.cache);
        ++p.position;
        return h[0][0];
    }

    int greedyText(const torch::Tensor& hidden, Sampler& sampler)
    {
        return sampler.sample(m_net.logits(hidden), {{0, m_vocab.textVocab}});
    }

    // boi then grid² codes, as Session::reply does after choosing boi.
    std::vector<int> image(Prefilled& p, float guidance, Sampler& sampler)
    {
        const int grid2 = m_m.config.codec.grid * m_m.config.codec.grid;
        const std::vector<TokenRange> range{{m_vocab.imageBase, m_vocab.imageBase + m_vocab.imageCount}};
        std::vector<int> codes;
        ImageDecoder streams(m_net, m_vocab, m_m.device, p.cache, p.position, guidance);
        for (int step = 0; step < grid2; ++step) {
            const int next = sampler.sample(streams.logits(), range);
            codes.push_back(next - m_vocab.imageBase);
            if (step + 1 < grid2) streams.feed(next);
        }
        return codes;
    }

    // Prefill with the X-Prompt mask, drop the raw pair tokens, then an image answer.
    // Returns the KV-cache bytes after the drop.
    double inContext(const TokenStream& stream, Sampler& sampler)
    {
        Prefilled p = prefill(stream.ids, attentionMask(stream));
        dropExampleSlots(p.cache, stream);
        const double bytes = kvBytes(p.cache);
        image(p, 1.0f, sampler);
        return bytes;
    }

    // Valid slots of row 0 × layers × (keys + values) × d_model × sizeof(float).
    double kvBytes(const KvCache& cache) const
    {
        const auto slots = cache.valid()[0].sum().item<std::int64_t>();
        return static_cast<double>(slots) * cache.layers() * 2.0 * m_m.config.transformer.dModel * 4.0;
    }

private:
    const Model::Impl& m_m;
    NetworkImpl& m_net;
    const VocabLayout& m_vocab;
};

FlopCounts countFlops(const ModelConfig& c, int promptTokens, int textTokens)
{
    const double d = c.transformer.dModel, f = c.transformer.dFf, layers = c.transformer.layers;
    const double v = c.vocab.total;
    const double linearPerToken = layers * (2.0 * 4.0 * d * d + 2.0 * 3.0 * d * f);
    const double logitsRow = 2.0 * d * v;
    const double t = promptTokens;
    FlopCounts out;
    // Full T×T scores and weights·values per layer (the masked half is computed too).
    out.prefill = t * linearPerToken + layers * 4.0 * t * t * d + logitsRow;
    double decode = 0.0;
    for (int i = 0; i < textTokens; ++i) decode += linearPerToken + layers * 4.0 * (t + i + 1) * d + logitsRow;
    out.decodePerToken = decode / std::max(1, textTokens);
    return out;
}

StreamWork toWork(const TokenStream& s)
{
    return {s.ids, s.exampleGroup, s.groupEnd};
}

} // namespace

std::optional<double> findMetric(const Metrics& metrics, const std::string& name)
{
    for (const Metric& m : metrics)
        if (m.name == name) return m.value;
    return std::nullopt;
}

void setMetric(Metrics& metrics, const std::string& name, double value)
{
    for (Metric& m : metrics)
        if (m.name == name) {
            m.value = value;
            return;
        }
    metrics.push_back({name, value});
}

double peakRssBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) * 1024.0; // Linux reports KiB
}

double gemmPeakGflops(int repeats)
{
    torch::NoGradGuard noGrad;
    double best = 0.0;
    for (const std::int64_t n : {1024, 2048}) {
        auto a = torch::randn({n, n});
        auto b = torch::randn({n, n});
        auto c = torch::mm(a, b); // warm-up: thread pools, page faults
        const double s = bestOf(std::max(1, repeats), [&] { torch::mm_out(c, a, b); });
        best = std::max(best, 2.0 * static_cast<double>(n * n * n) / s / 1e9);
    }
    return best;
}

void addDerivedMetrics(Metrics& metrics, const FlopCounts& flops)
{
    const auto ttft = findMetric(metrics, "ttft_seconds");
    const auto step = findMetric(metrics, "text_seconds_per_token");
    const auto peak = findMetric(metrics, "gemm_peak_gflops");
    if (ttft && *ttft > 0) {
        setMetric(metrics, "prefill_gflops", flops.prefill / *ttft / 1e9);
        if (peak && *peak > 0) setMetric(metrics, "prefill_peak_fraction", flops.prefill / *ttft / 1e9 / *peak);
    }
    if (step && *step > 0) {
        setMetric(metrics, "decode_gflops", flops.decodePerToken / *step / 1e9);
        if (peak && *peak > 0) setMetric(metrics, "decode_peak_fraction", flops.decodePerToken / *step / 1e9 / *peak);
    }
}

std::string workToJson(const BenchWork& work)
{
    auto stream = [](const StreamWork& s) {
        return nlohmann::json{{"ids", s.ids}, {"example_group", s.exampleGroup}, {"group_end", s.groupEnd}};
    };
    nlohmann::json j{{"prompt", work.prompt},
                     {"image_prompt", work.imagePrompt},
                     {"text_tokens", work.textTokens},
                     {"guidance_scale", work.guidanceScale},
                     {"in_context", stream(work.inContext)},
                     {"in_context_compressed", stream(work.inContextCompressed)}};
    return j.dump();
}

namespace {

std::shared_ptr<const Model> loadTimed(const BenchOptions& options, int repeats, Metrics& out)
{
    LoadOptions load;
    load.threads = options.threads;
    std::shared_ptr<const Model> model;
    setMetric(out, "load_seconds", bestOf(repeats, [&] {
        model.reset();
        auto r = Model::load(options.modelDirectory, load);
        if (!r) throw std::runtime_error(r.error().message);
        model = r.value();
    }));
    return model;
}

// The in-context task's prompt, without and with X-Prompt compression.
struct InContextStreams {
    TokenStream off, on;
};

// The work, from the seed alone: a random text prompt, a generate request and a k = 3
// in-context task. Throws std::runtime_error when a part does not fit the context.
InContextStreams makeWork(const Model::Impl& m, const BenchOptions& options, BenchWork& work)
{
    const ModelConfig& config = m.config;
    const VocabLayout& vocab = config.vocab;
    work.textTokens = options.textTokens;
    work.guidanceScale = options.guidanceScale;
    std::mt19937_64 rng(options.seed);
    std::uniform_int_distribution<int> piece(0, vocab.textVocab - 1);
    work.prompt = {vocab.bos, vocab.user};
    while (static_cast<int>(work.prompt.size()) < options.promptTokens - 2) work.prompt.push_back(piece(rng));
    work.prompt.push_back(vocab.eos);
    work.prompt.push_back(vocab.assistant);
    if (static_cast<int>(work.prompt.size()) + options.textTokens + 1 > config.transformer.contextLength)
        throw std::runtime_error("bench: a " + std::to_string(work.prompt.size()) + "-token prompt plus " +
                                 std::to_string(options.textTokens) + " text tokens does not fit the context of " +
                                 std::to_string(config.transformer.contextLength));

    auto codesOf = [&](const Image& image) {
        auto codes = m.network->codec()->encodeImages({image}).to(torch::kCPU, torch::kLong).contiguous();
        return std::vector<int>(codes.data_ptr<std::int64_t>(), codes.data_ptr<std::int64_t>() + codes.numel());
    };
    const auto generate = world::generateTask(world::TaskKind::Generate, rng, world::Split::Train);
    work.imagePrompt = buildStream(generate.messages, nullptr, m.tokenizer, config, codesOf, false).ids;
    world::TaskOptions icOptions;
    icOptions.examples = 3;
    const auto ic = world::generateTask(world::TaskKind::InContext, rng, world::Split::Train, icOptions);
    InContextStreams streams{buildStream(ic.messages, nullptr, m.tokenizer, config, codesOf, false),
                             buildStream(ic.messages, nullptr, m.tokenizer, config, codesOf, true)};
    work.inContext = toWork(streams.off);
    work.inContextCompressed = toWork(streams.on);
    const int grid2 = config.codec.grid * config.codec.grid;
    if (streams.off.size() + grid2 + 1 > config.transformer.contextLength)
        throw std::runtime_error("bench: the in-context task needs " + std::to_string(streams.off.size() + grid2 + 1) +
                                 " tokens; the model's context is " +
                                 std::to_string(config.transformer.contextLength));
    return streams;
}

// Time to first token, then the best per-token time of greedy text over `repeats` runs.
void timeText(Runner& runner, const BenchWork& work, const BenchOptions& options, int repeats, Metrics& out)
{
    setMetric(out, "ttft_seconds", bestOf(repeats, [&] {
        Sampler sampler(options.seed, {});
        auto p = runner.prefill(work.prompt);
        runner.greedyText(p.last, sampler);
    }));
    double bestStep = 0.0;
    for (int r = 0; r < repeats; ++r) {
        Sampler sampler(options.seed, {});
        auto p = runner.prefill(work.prompt);
        int token = runner.greedyText(p.last, sampler);
        const auto start = Clock::now();
        for (int i = 0; i < options.textTokens; ++i) token = runner.greedyText(runner.feed(token, p), sampler);
        const double step = secondsSince(start) / std::max(1, options.textTokens);
        bestStep = (r == 0) ? step : std::min(bestStep, step);
    }
    setMetric(out, "text_seconds_per_token", bestStep);
    setMetric(out, "text_tokens_per_second", bestStep > 0 ? 1.0 / bestStep : 0.0);
}

// Images without and with guidance, and the in-context answer without and with compression.
void timeImages(Runner& runner, const InContextStreams& ic, const BenchOptions& options, int repeats,
                EngineReport& report)
{
    Metrics& out = report.metrics;
    setMetric(out, "image_seconds", bestOf(repeats, [&] {
        Sampler sampler(options.seed, {});
        auto p = runner.prefill(report.work.imagePrompt);
        report.imageCodes = runner.image(p, 1.0f, sampler);
    }));
    setMetric(out, "image_guided_seconds", bestOf(repeats, [&] {
        Sampler sampler(options.seed, {});
        auto p = runner.prefill(report.work.imagePrompt);
        report.imageGuidedCodes = runner.image(p, options.guidanceScale, sampler);
    }));

    double bytesOff = 0.0, bytesOn = 0.0;
    setMetric(out, "incontext_seconds", bestOf(repeats, [&] {
        Sampler sampler(options.seed, {});
        bytesOff = runner.inContext(ic.off, sampler);
    }));
    setMetric(out, "incontext_kv_bytes", bytesOff);
    setMetric(out, "incontext_compressed_seconds", bestOf(repeats, [&] {
        Sampler sampler(options.seed, {});
        bytesOn = runner.inContext(ic.on, sampler);
    }));
    setMetric(out, "incontext_compressed_kv_bytes", bytesOn);
}

} // namespace

EngineReport runEngineBench(const BenchOptions& options)
{
    const int repeats = std::max(1, options.repeats);
    EngineReport report;
    const auto model = loadTimed(options, repeats, report.metrics);
    const Model::Impl& m = model->impl();
    report.modelName = m.config.name;
    report.parameterCount = model->info().parameterCount;
    torch::NoGradGuard noGrad;
    Runner runner(m);
    const InContextStreams ic = makeWork(m, options, report.work);
    timeText(runner, report.work, options, repeats, report.metrics);
    timeImages(runner, ic, options, repeats, report);

    setMetric(report.metrics, "peak_rss_bytes", peakRssBytes());
    setMetric(report.metrics, "gemm_peak_gflops", gemmPeakGflops(repeats));
    report.flops = countFlops(m.config, static_cast<int>(report.work.prompt.size()), options.textTokens);
    addDerivedMetrics(report.metrics, report.flops);
    return report;
}

} // namespace weft::bench
