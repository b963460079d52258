// weft-cli train: runs the stages of the weft-tiny recipe (tokenizer, codec, lm) into a run
// folder; every stage resumes from its checkpoint when run again with the same folder.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "codec_trainer.h"
#include "commands.h"
#include "lm_trainer.h"
#include "loss_plot.h"
#include "run_files.h"
#include "tokenizer_stage.h"
#include "train_log.h"
#include "weft/result.h"

namespace fs = std::filesystem;

namespace weft::cli {
namespace {

std::atomic<bool> g_stopRequested{false};

extern "C" void onStopSignal(int)
{
    // Checked between steps: the stage writes a checkpoint and exits cleanly.
    g_stopRequested.store(true);
}

struct TrainArgs {
    std::string stage = "all";
    std::string config;
    std::string runDir;
    std::string outModel;
    std::uint64_t seed = 1;
    long long codecSteps = 4000;
    long long lmSteps = 20000;
    double codecMinutes = 0;
    double lmMinutes = 0;
    int codecBatch = 64;
    double codecObjectWeight = 4.0;
    int lmBatch = 16;
    int lmTokens = 3072;
    bool exampleLoss = false;
    bool phrasingVariants = false;
    bool retrievalHeadOnly = false;
    int changedWeight = 1;
    int compressPercent = 50;
    int dictionaryScenes = 20000;
    int threads = 0;
    int corpusSentences = 20000;
    std::string tasks = "all";
    std::string inContextKinds;
    std::string editKinds;
    int lookalikePercent = 0;
    std::string lmInit;
    double lmRate = 1e-3;
};

// The options both optimisation stages (codec and transformer) take from the command line.
void setStageOptions(train::StageOptions& s, const TrainArgs& a, long long steps, int batch, double minutes,
                     const LogCallback& log)
{
    s.configPath = a.config;
    s.runDir = a.runDir;
    s.seed = a.seed;
    s.steps = steps;
    s.batch = batch;
    s.maxSeconds = minutes * 60.0;
    s.threads = a.threads;
    s.cancel = &g_stopRequested;
    s.log = log;
}

// The transformer stage's options from the command line.
train::LmTrainOptions lmOptions(const TrainArgs& a, const LogCallback& log)
{
    train::LmTrainOptions l;
    setStageOptions(l, a, a.lmSteps, a.lmBatch, a.lmMinutes, log);
    l.tokenBudget = a.lmTokens;
    l.exampleLoss = a.exampleLoss;
    l.phrasingVariants = a.phrasingVariants;
    l.retrievalHeadOnly = a.retrievalHeadOnly;
    l.changedWeight = a.changedWeight;
    l.compressPercent = a.compressPercent;
    l.tasks = a.tasks;
    l.inContextKinds = a.inContextKinds;
    l.editKinds = a.editKinds;
    l.lookalikePercent = a.lookalikePercent;
    l.initFrom = a.lmInit;
    l.learningRate = a.lmRate;
    return l;
}

int runTrain(const TrainArgs& a)
{
    fs::create_directories(a.runDir);
    const auto logPath = train::runFile(a.runDir, train::kTrainLogFile);
    std::ofstream logFile(logPath, std::ios::app);
    std::mutex logMutex;
    LogCallback log = [&](LogLevel, const std::string& message) {
        std::lock_guard<std::mutex> lock(logMutex);
        std::cout << message << std::endl;
        logFile << message << std::endl;
    };
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);

    const bool all = a.stage == "all";
    if (a.stage == "export" && a.outModel.empty())
        throw std::invalid_argument("--stage export needs --out DIR");
    if (all || a.stage == "tokenizer") {
        train::TokenizerStageOptions t;
        t.configPath = a.config;
        t.runDir = a.runDir;
        t.seed = a.seed;
        t.sentences = a.corpusSentences;
        t.log = log;
        train::trainTokenizerStage(t);
    }
    if (all || a.stage == "codec") {
        train::CodecTrainOptions c;
        setStageOptions(c, a, a.codecSteps, a.codecBatch, a.codecMinutes, log);
        c.objectWeight = a.codecObjectWeight;
        c.dictionaryScenes = a.dictionaryScenes;
        const auto r = train::trainCodec(c);
        log(LogLevel::Info, "codec final: scene exact " + std::to_string(r.sceneExact) + " over " +
                                std::to_string(r.scenes) + " fresh scenes");
    }
    if (a.stage == "codec-report") {
        const auto codecFile = train::runFile(a.runDir, train::kCodecFile);
        const auto sheet = train::runFile(a.runDir, train::kCodecFailuresFile);
        const auto r = train::evaluateCodecFile(a.config, codecFile, 1000, a.seed + 1000003, a.threads, sheet);
        log(LogLevel::Info, "codec report: " + train::describe(r) + "; failures drawn in " + sheet);
        return 0;
    }
    if (all || a.stage == "lm")
        train::trainLanguageModel(lmOptions(a, log));
    if (!a.outModel.empty()) {
        train::exportModel(a.config, a.runDir, a.outModel);
        log(LogLevel::Info, "model written to " + a.outModel);
    }
    const auto points = train::readMetrics(train::runFile(a.runDir, train::kMetricsFile));
    if (!points.empty())
        train::plotMetrics(points, {"loss", "scene_exact"}, train::runFile(a.runDir, train::kLossPlotFile));
    return 0;
}

} // namespace

void registerTrainCommand(CLI::App& app, CliContext& ctx)
{
    auto args = std::make_shared<TrainArgs>();
    auto* cmd = app.add_subcommand("train", "Train the embedded model's stages (tokenizer, codec, lm) into a run folder");
    cmd->add_option("--stage", args->stage, "tokenizer, codec, lm, all, export (only write --out from the run), or codec-report (judge the run's codec on 1,000 fresh scenes and draw its failures)")
        ->check(CLI::IsMember({"tokenizer", "codec", "lm", "all", "export", "codec-report"}));
    cmd->add_option("--config", args->config, "model config.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("--run", args->runDir, "run folder (checkpoints, metrics.jsonl, train.log, loss.png)")->required();
    cmd->add_option("--out", args->outModel, "write a model folder from the run when done");
    cmd->add_option("--seed", args->seed, "seed for initialisation and data");
    cmd->add_option("--codec-steps", args->codecSteps, "codec optimisation steps");
    cmd->add_option("--codec-minutes", args->codecMinutes, "stop the codec stage after this wall time (0 = off)");
    cmd->add_option("--codec-batch", args->codecBatch, "images per codec step");
    cmd->add_option("--codec-object-weight", args->codecObjectWeight,
                    "codec loss weight of the patches holding objects, relative to the rest");
    cmd->add_option("--lm-steps", args->lmSteps, "transformer optimisation steps");
    cmd->add_option("--lm-minutes", args->lmMinutes, "stop the transformer stage after this wall time (0 = off)");
    cmd->add_option("--lm-batch", args->lmBatch, "sequences per transformer step");
    cmd->add_option("--lm-tokens", args->lmTokens, "tokens per transformer step, padding included");
    cmd->add_flag("--example-loss", args->exampleLoss,
                  "also train on the after images of in-context example pairs");
    cmd->add_flag("--phrasing-variants", args->phrasingVariants,
                  "also train on phrasings beside the canonical ones (count: 'count the circles')");
    cmd->add_flag("--retrieval-head-only", args->retrievalHeadOnly,
                  "train only the retrieval head (needs --tasks retrieval and a config with retrieval.embed_dim)");
    cmd->add_option("--changed-weight", args->changedWeight,
                    "loss weight of the image codes an answer changes (against the image before it)")
        ->check(CLI::Range(1, 255));
    cmd->add_option("--compress-percent", args->compressPercent,
                    "share of steps (percent) whose in-context prompts are compressed; the rest keep every image")
        ->check(CLI::Range(0, 100));
    cmd->add_option("--in-context-kinds", args->inContextKinds,
                    "in-context cases draw their transformation kind from this comma-separated list (repeat a "
                    "kind to weight it); default: the eight kinds uniformly");
    cmd->add_option("--edit-kinds", args->editKinds,
                    "edit cases draw their edit kind from this comma-separated list (repeat a kind to weight "
                    "it); default: the world's draw");
    cmd->add_option("--lookalike-percent", args->lookalikePercent,
                    "share of edit cases (percent) whose named object has a lookalike the edit must leave "
                    "alone (same colour or shape); default 0: the world's draw")
        ->check(CLI::Range(0, 100));
    cmd->add_option("--dictionary-scenes", args->dictionaryScenes,
                    "patch dictionary: training scenes whose patches are counted");
    cmd->add_option("--lm-init", args->lmInit,
                    "warm start: a model folder whose transformer tensors of matching name and shape seed the "
                    "network (new ones, e.g. an audio encoder, start fresh)")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--lm-rate", args->lmRate, "peak transformer learning rate (warm-up, cosine decay to 10%)");
    cmd->add_option("--tasks", args->tasks, "comma-separated task names or numbers for the mixture, or all");
    cmd->add_option("--corpus", args->corpusSentences, "sentences of world text for the tokenizer");
    cmd->add_option("--threads", args->threads, "intra-op threads (0 = every core)");
    cmd->callback([args, &ctx] {
        try {
            ctx.exitCode = runTrain(*args);
        } catch (const std::exception& e) {
            std::cerr << "weft-cli train: " << e.what() << "\n";
            ctx.exitCode = 1;
        }
    });
}

} // namespace weft::cli
