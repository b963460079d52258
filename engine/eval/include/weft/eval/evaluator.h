#pragma once
// Evaluation harness: runs a model on freshly generated Shapes World test cases (the same
// Session::reply path as `weft-cli reply`), parses produced images and scores them.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "weft/log.h"
#include "weft/result.h"
#include "weft/session.h"
#include "weft/world/tasks.h"

namespace weft::eval {

enum class Compression { Off, On, Both };

struct EvalOptions {
    std::string modelDirectory;                 ///< model folder (Model::load)
    std::vector<world::TaskKind> tasks;         ///< tasks 1..13; empty = all of them
    int casesPerTask = 20;                      ///< n; task 9 adds n held-out composition cases
    std::uint64_t seed = 1;                     ///< cases are drawn from this seed, per task
    std::string outDirectory;                   ///< eval.json, eval.md, contact_sheet.png
    Compression compression = Compression::On;  ///< X-Prompt example compression
    int sheetCases = 4;                         ///< first K cases of each task on the contact sheet
    bool sheetMissesOnly = false;               ///< the sheet's K cases are the first K that missed
    ReplyOptions reply;                         ///< greedy by default; compressExamples is overridden
    LogCallback log;                            ///< progress lines
};

/// Aggregated scores of one group of cases. A metric's count is 0 when it does not apply.
struct Metrics {
    int cases = 0;
    int errors = 0;              ///< replies that failed
    int sceneCases = 0;          ///< cases with an expected scene
    int sceneExact = 0;
    double attributeSum = 0.0;   ///< summed attribute accuracy over sceneCases
    int preservedKept = 0;       ///< edits: unnamed objects unchanged; sound: every object unchanged
    int preservedTotal = 0;
    int backgroundCases = 0;     ///< sound atmosphere: cases scored on the background
    int backgroundExact = 0;     ///< background colour and pattern both right
    int creatureCells = 0;       ///< expected creature cells
    double creatureSum = 0.0;    ///< summed creature fidelity
    int textCases = 0;
    int textExact = 0;
    int retrievalCases = 0;
    int retrievalCorrect = 0;
    double latencySum = 0.0;     ///< seconds

    void add(const Metrics& o);
};

struct GroupResult {
    std::string task;        ///< task name
    int taskNumber = 0;
    std::string group;       ///< "all", or a variant ("recolor", "k=2", "composition")
    std::string compression; ///< "on" or "off"
    Metrics metrics;
    /// Non-empty when the task was not run, saying why: tasks 12-13 on a model without audio
    /// input (config audio.enabled false), task 13 without espeak-ng. Metrics are then empty.
    std::string skipped;
};

struct EvalReport {
    std::vector<GroupResult> groups;
    std::string json;      ///< contents of eval.json
    std::string markdown;  ///< contents of eval.md
};

/// Loads the model once and evaluates every task; writes eval.json, eval.md and
/// contact_sheet.png into outDirectory (created when missing). Blocking, single-threaded over
/// cases. Audio tasks are reported as skipped (one "all" group with `skipped` set, no cases)
/// when the model has no audio input, and task 13 also when espeak-ng is not installed. Task 13
/// is spoken by the held-out voice only (Split::Test). Fails with the model loader's errors,
/// InvalidArgument for bad options (n < 1, tasks outside 1..13) or Io when the outputs cannot be
/// written; a failing reply is counted as an error of its case, not a failure of the run.
Result<EvalReport> runEvaluation(const EvalOptions& options);

/// Scores one reply against a case (pure; exposed for tests). `reply` may be empty (failed).
/// Image answers: scene exact and attribute accuracy; edits and multi-turn: preservation of the
/// objects the instruction does not name; sound atmosphere: background exact (colour and
/// pattern) and preservation of every object; creatures: fidelity.
Metrics scoreReply(const world::TaskCase& c, const Message& reply);

/// True when one case's metrics (scoreReply) show any miss: a failed reply, a scene or text not
/// exact, a wrong retrieval, an object not preserved, a wrong background or a creature not
/// drawn exactly.
bool missed(const Metrics& caseMetrics);

} // namespace weft::eval
