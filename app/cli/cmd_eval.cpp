// weft-cli eval: scores a model on held-out Shapes World test cases (eval.json, eval.md,
// contact_sheet.png).
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "weft/eval/evaluator.h"
#include "weft/model.h"

namespace weft::cli {
namespace {

struct EvalArgs {
    std::string model;
    std::string tasks = "1,2,3,4,5,6,7,8,9,10,11,12,13";
    int n = 20;
    std::uint64_t seed = 1;
    std::string out;
    std::string compress = "on";
    int sheet = 4;
    bool sheetMisses = false;
};

int runEval(const EvalArgs& a)
{
    eval::EvalOptions o;
    o.modelDirectory = a.model.empty() ? Model::defaultModelDirectory() : a.model;
    if (o.modelDirectory.empty()) {
        std::cerr << "weft-cli eval: no --model given and no embedded model found\n";
        return 1;
    }
    std::stringstream list(a.tasks);
    for (std::string item; std::getline(list, item, ',');) {
        const auto kind = world::taskFromName(item);
        if (!kind || static_cast<int>(*kind) > world::taskCount()) {
            std::cerr << "weft-cli eval: expected tasks 1..13 (numbers or names, comma-separated), found '" << item
                      << "'\n";
            return 1;
        }
        o.tasks.push_back(*kind);
    }
    if (a.compress == "on")
        o.compression = eval::Compression::On;
    else if (a.compress == "off")
        o.compression = eval::Compression::Off;
    else if (a.compress == "both")
        o.compression = eval::Compression::Both;
    else {
        std::cerr << "weft-cli eval: expected --compress on, off or both, found '" << a.compress << "'\n";
        return 1;
    }
    o.casesPerTask = a.n;
    o.seed = a.seed;
    o.outDirectory = a.out;
    o.sheetCases = a.sheet;
    o.sheetMissesOnly = a.sheetMisses;
    o.log = [](LogLevel level, const std::string& line) {
        if (level != LogLevel::Debug)
            std::cerr << line << "\n";
    };
    const auto report = eval::runEvaluation(o);
    if (!report) {
        std::cerr << "weft-cli eval: " << report.error().message << "\n";
        return 1;
    }
    std::cout << report.value().markdown;
    return 0;
}

} // namespace

void registerEvalCommand(CLI::App& app, CliContext& ctx)
{
    auto args = std::make_shared<EvalArgs>();
    auto* cmd = app.add_subcommand("eval", "Score a model on held-out Shapes World test cases");
    cmd->add_option("--model", args->model, "Model folder (default: the embedded model)");
    cmd->add_option("--tasks", args->tasks,
                    "Comma-separated task numbers or names (1..13; 12-13 need a model with audio input and are "
                    "reported as skipped otherwise)")
        ->capture_default_str();
    cmd->add_option("--n", args->n, "Test cases per task")->check(CLI::Range(1, 100000))->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed of the generated cases")->capture_default_str();
    cmd->add_option("--out", args->out, "Output folder for eval.json, eval.md and contact_sheet.png")->required();
    cmd->add_option("--compress", args->compress, "In-context example compression: on, off or both")
        ->capture_default_str();
    cmd->add_option("--sheet", args->sheet, "Cases per task on the contact sheet")->check(CLI::Range(0, 1000))
        ->capture_default_str();
    cmd->add_flag("--sheet-misses", args->sheetMisses,
                  "The contact sheet shows the first cases per task that missed (any score short of right)");
    cmd->callback([args, &ctx] { ctx.exitCode = runEval(*args); });
}

} // namespace weft::cli
