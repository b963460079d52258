// weft-cli bench: speed and memory of the engine and of the Python baseline (bench/baseline.py)
// on the same token ids, printed as a table and optionally written as JSON. The measuring
// code lives in bench/ (weft_bench); this file parses options and formats the report.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "baseline_runner.h"
#include "commands.h"
#include "engine_bench.h"
#include "weft/model.h"

namespace weft::cli {
namespace {

struct BenchArgs {
    std::string model;
    std::string json;
    std::uint64_t seed = 1;
    int repeats = 3;
    int threads = 0;
    bool noBaseline = false;
    std::string python = bench::kDefaultPython;
    std::string baseline = bench::defaultBaselineScript();
};

bool isTimed(const std::string& name)
{
    const std::string suffix = "_seconds";
    return (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ||
           name == "text_seconds_per_token";
}

std::string formatValue(const std::string& name, double v)
{
    char buf[64];
    if (name.find("bytes") != std::string::npos)
        std::snprintf(buf, sizeof buf, "%.1f KiB", v / 1024.0);
    else if (isTimed(name))
        std::snprintf(buf, sizeof buf, "%.2f ms", v * 1000.0);
    else if (name.find("fraction") != std::string::npos)
        std::snprintf(buf, sizeof buf, "%.1f %%", v * 100.0);
    else
        std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

int countEqual(const std::vector<int>& a, const std::vector<int>& b)
{
    int same = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) same += (a[i] == b[i]) ? 1 : 0;
    return same;
}

// The engine's and the baseline's metrics and their time ratios, as written by --json.
struct MetricTables {
    nlohmann::json engine = nlohmann::json::object();
    nlohmann::json baseline = nlohmann::json::object();
    nlohmann::json ratios = nlohmann::json::object();
};

// Runs the engine benchmark; prints why and returns false when it fails.
bool measureEngine(const bench::BenchOptions& options, bench::EngineReport& engine)
{
    try {
        engine = bench::runEngineBench(options);
    } catch (const std::exception& e) {
        std::string message = e.what();
        for (char& c : message)
            if (c == '\n') c = ' ';
        std::cerr << "weft-cli bench: " << options.modelDirectory << ": " << message << "\n";
        return false;
    }
    return true;
}

bench::BaselineResult measureBaseline(const BenchArgs& a, const std::string& dir, const bench::EngineReport& engine)
{
    bench::BaselineResult baseline;
    if (a.noBaseline)
        baseline.reason = "skipped (--no-baseline)";
    else
        baseline = bench::runBaseline(a.python, a.baseline, dir, engine.work, a.repeats, a.threads);
    if (baseline.available) bench::addDerivedMetrics(baseline.metrics, engine.flops);
    return baseline;
}

// Prints one row per engine metric (engine, baseline, ratio) and returns the same as JSON.
MetricTables printMetricTable(const bench::EngineReport& engine, const bench::BaselineResult& baseline)
{
    MetricTables tables;
    std::printf("\n%-32s %14s %14s %10s\n", "metric", "engine", "baseline", "ratio");
    for (const bench::Metric& m : engine.metrics) {
        tables.engine[m.name] = m.value;
        const auto other = bench::findMetric(baseline.metrics, m.name);
        std::string otherText = "-", ratioText = "";
        if (other) {
            tables.baseline[m.name] = *other;
            otherText = formatValue(m.name, *other);
            if (isTimed(m.name) && m.value > 0) {
                const double ratio = *other / m.value;
                tables.ratios[m.name] = ratio;
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.2fx", ratio);
                ratioText = buf;
            }
        }
        std::printf("%-32s %14s %14s %10s\n", m.name.c_str(), formatValue(m.name, m.value).c_str(), otherText.c_str(),
                    ratioText.c_str());
    }
    return tables;
}

// Prints the whole report (header, metric table, summary lines); returns the table as JSON.
MetricTables printReport(const BenchArgs& a, const bench::EngineReport& engine, const bench::BaselineResult& baseline)
{
    std::printf("weft-cli bench: %s (%lld parameters), seed %llu, best of %d\n", engine.modelName.c_str(),
                static_cast<long long>(engine.parameterCount), static_cast<unsigned long long>(a.seed), a.repeats);
    std::printf("  prompt %zu tokens, image prompt %zu tokens, in-context %zu / %zu tokens (compression off / on)\n",
                engine.work.prompt.size(), engine.work.imagePrompt.size(), engine.work.inContext.ids.size(),
                engine.work.inContextCompressed.ids.size());
    if (!baseline.available) std::printf("  baseline unavailable: %s\n", baseline.reason.c_str());
    MetricTables tables = printMetricTable(engine, baseline);
    const auto off = bench::findMetric(engine.metrics, "incontext_kv_bytes");
    const auto on = bench::findMetric(engine.metrics, "incontext_compressed_kv_bytes");
    if (off && on && *off > 0) std::printf("\nexample compression cuts the k=3 KV cache by %.1f %%\n", 100.0 * (1.0 - *on / *off));
    if (baseline.available) {
        std::printf("greedy image codes equal to the baseline's: %d/%zu (guidance off), %d/%zu (on)\n",
                    countEqual(engine.imageCodes, baseline.imageCodes), engine.imageCodes.size(),
                    countEqual(engine.imageGuidedCodes, baseline.imageGuidedCodes), engine.imageGuidedCodes.size());
    }
    std::printf("ratio = baseline / engine time (> 1: the engine is faster)\n");
    return tables;
}

// Writes the --json file; prints why and returns false when it cannot be written.
bool writeJson(const BenchArgs& a, const std::string& dir, const bench::EngineReport& engine,
               const bench::BaselineResult& baseline, const MetricTables& tables)
{
    nlohmann::json j{{"engine", tables.engine}, {"baseline", tables.baseline}, {"ratios", tables.ratios}};
    j["meta"] = {{"model", dir},
                 {"model_name", engine.modelName},
                 {"seed", a.seed},
                 {"repeats", a.repeats},
                 {"baseline_available", baseline.available},
                 {"baseline_reason", baseline.reason},
                 {"baseline_torch", baseline.torchVersion}};
    std::ofstream f(a.json);
    f << j.dump(2) << "\n";
    if (!f) {
        std::cerr << "weft-cli bench: cannot write " << a.json << "\n";
        return false;
    }
    return true;
}

int runBench(const BenchArgs& a)
{
    const std::string dir = a.model.empty() ? Model::defaultModelDirectory() : a.model;
    if (dir.empty() || !std::filesystem::is_directory(dir)) {
        std::cerr << "weft-cli bench: no model folder " << (dir.empty() ? std::string("found") : "at " + dir)
                  << " (create one with weft-cli init-model, or pass --model DIR)\n";
        return 1;
    }
    bench::BenchOptions options;
    options.modelDirectory = dir;
    options.seed = a.seed;
    options.repeats = a.repeats;
    options.threads = a.threads;
    bench::EngineReport engine;
    if (!measureEngine(options, engine))
        return 1;
    const bench::BaselineResult baseline = measureBaseline(a, dir, engine);
    const MetricTables tables = printReport(a, engine, baseline);
    if (!a.json.empty() && !writeJson(a, dir, engine, baseline, tables))
        return 1;
    return 0;
}

} // namespace

void registerBenchCommand(CLI::App& app, CliContext& ctx)
{
    auto* cmd = app.add_subcommand("bench", "Measure speed and memory against the Python baseline on the same work");
    auto args = std::make_shared<BenchArgs>();
    cmd->add_option("--model", args->model, "Model folder (default: the embedded model)");
    cmd->add_option("--json", args->json, "Write {engine, baseline, ratios} as JSON to this file");
    cmd->add_option("--seed", args->seed, "Seed of the token ids and tasks")->capture_default_str();
    cmd->add_option("--repeats", args->repeats, "Timed runs per metric (the best is kept)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--threads", args->threads, "Threads for engine and baseline (0 = defaults)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    cmd->add_flag("--no-baseline", args->noBaseline, "Measure the engine only");
    cmd->add_option("--python", args->python, "Interpreter with torch for the baseline")->capture_default_str();
    cmd->add_option("--baseline", args->baseline, "Baseline script")->capture_default_str();
    cmd->callback([&ctx, args] { ctx.exitCode = runBench(*args); });
}

} // namespace weft::cli
