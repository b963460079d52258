#pragma once
// Runs the Python baseline (bench/baseline.py under Debian's python3-torch) as a child
// process on the work of an engine bench run and reads its JSON report. CLI side only:
// it spawns a process (popen), which the engine never does.

#include <string>
#include <vector>

#include "engine_bench.h"

namespace weft::bench {

/// The interpreter with python3-torch (Debian's /usr/bin/python3; the one on PATH may lack it).
constexpr const char* kDefaultPython = "/usr/bin/python3";

/// baseline.py in the source tree this program was built from.
std::string defaultBaselineScript();

struct BaselineResult {
    bool available = false;  ///< false: `reason` says why (no torch, script missing, it failed)
    std::string reason;
    Metrics metrics;         ///< same names as the engine's
    std::vector<int> imageCodes;
    std::vector<int> imageGuidedCodes;
    std::string torchVersion;
};

/// Whether `python` can import torch (runs it; blocking, ~1 s).
bool pythonHasTorch(const std::string& python);

/// Writes `work` to a temporary file and runs `python script --model DIR --work FILE
/// --repeats N [--threads T]` (with T > 0 also OPENBLAS_NUM_THREADS=T, as the engine bounds
/// its BLAS pool), blocking until it exits. Never throws: failures come back
/// as available = false with a one-line reason.
BaselineResult runBaseline(const std::string& python, const std::string& script, const std::string& modelDirectory,
                           const BenchWork& work, int repeats, int threads);

/// Runs `python script --model DIR --logits --ids ...` and returns the logits of the next
/// token. Throws std::runtime_error with the script's stderr on failure.
std::vector<double> baselineLogits(const std::string& python, const std::string& script,
                                   const std::string& modelDirectory, const std::vector<int>& ids);

} // namespace weft::bench
