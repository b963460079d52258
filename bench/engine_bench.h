#pragma once
// Measurements behind `weft-cli bench`: the engine timed on fixed token ids derived from a
// seed, and the same work handed to the Python baseline (bench/baseline.py) so the report
// gives ratios measured in one run. No torch in this header.
//
// Metric names (shared by engine and baseline; seconds, bytes, tokens per second):
//   load_seconds                  Model::load of the folder
//   ttft_seconds                  prefill of a ~200-token prompt + first (greedy) token
//   text_seconds_per_token        one decode step (64 greedy text tokens after that prompt)
//   text_tokens_per_second        1 / text_seconds_per_token
//   image_seconds                 prompt prefill + boi + 64 greedy image codes, guidance off
//   image_guided_seconds          the same with guidance on (two rows in one batch)
//   incontext_seconds             in-context task, k = 3 pairs, compression off: prefill +
//                                 64 image codes; incontext_kv_bytes: KV cache after prefill
//   incontext_compressed_seconds  the same with X-Prompt compression (raw pair tokens dropped)
//   peak_rss_bytes                getrusage maximum resident set, before the GEMM probe
//   gemm_peak_gflops              best torch::mm of 1024² and 2048² (best of repeats)
//   prefill_gflops, decode_gflops estimated FLOPs of the TTFT prefill / a text decode step
//                                 divided by their time; *_peak_fraction: / gemm_peak_gflops
// Every time is the best of `repeats` runs (the machine is shared; the minimum is the
// least disturbed run).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace weft::bench {

struct Metric {
    std::string name;
    double value = 0.0;
};
/// Metrics in report order.
using Metrics = std::vector<Metric>;

/// The value of `name`, or nullopt.
std::optional<double> findMetric(const Metrics& metrics, const std::string& name);
/// Sets (or appends) `name`.
void setMetric(Metrics& metrics, const std::string& name, double value);

struct BenchOptions {
    std::string modelDirectory;
    std::uint64_t seed = 1;
    int repeats = 3;          ///< timed runs per metric (best is kept), >= 1
    int threads = 0;          ///< LoadOptions::threads (0 = the engine's default)
    int promptTokens = 200;   ///< TTFT prompt length, including bos user ... eos assistant
    int textTokens = 64;      ///< decode steps for text tokens per second
    float guidanceScale = 3.0f;
};

/// A token stream with its X-Prompt structure (see token_stream.h).
struct StreamWork {
    std::vector<int> ids;
    std::vector<int> exampleGroup; ///< per token: example pair of its raw tokens, or -1
    std::vector<int> groupEnd;     ///< per pair: index after its compression tokens (empty = off)
};

/// The work both implementations run (same ids).
struct BenchWork {
    std::vector<int> prompt;      ///< bos user <random text pieces> eos assistant
    std::vector<int> imagePrompt; ///< a Shapes World "generate" request, ending in assistant
    int textTokens = 64;
    float guidanceScale = 3.0f;
    StreamWork inContext;           ///< k = 3 in-context task, compression off
    StreamWork inContextCompressed; ///< the same task, compression on
};

/// FLOPs of the work, for achieved GFLOP/s (multiply-adds count 2; attention counts the
/// full score matrices the implementations compute).
struct FlopCounts {
    double prefill = 0.0;       ///< TTFT prefill + one logits row
    double decodePerToken = 0.0; ///< mean over the text decode steps
};

struct EngineReport {
    Metrics metrics;
    BenchWork work;
    FlopCounts flops;
    std::vector<int> imageCodes;       ///< greedy codes, guidance off (compare with the baseline)
    std::vector<int> imageGuidedCodes; ///< guidance on
    std::string modelName;
    std::int64_t parameterCount = 0;
};

/// Loads the model and measures everything above. Blocking; uses every core (or
/// options.threads). Throws std::runtime_error with a one-line reason (model not loadable,
/// work not fitting the context).
EngineReport runEngineBench(const BenchOptions& options);

/// Best GFLOP/s of torch::mm on 1024² and 2048² float matrices, each the best of `repeats`.
double gemmPeakGflops(int repeats);

/// Adds prefill_gflops, decode_gflops and their *_peak_fraction to `metrics` from its
/// ttft_seconds, text_seconds_per_token and gemm_peak_gflops (missing inputs: nothing added).
void addDerivedMetrics(Metrics& metrics, const FlopCounts& flops);

/// The work as the JSON object baseline.py --work reads.
std::string workToJson(const BenchWork& work);

/// Peak resident set size of this process in bytes (getrusage).
double peakRssBytes();

} // namespace weft::bench
