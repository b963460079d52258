#pragma once
// Options every optimisation stage of the weft-tiny recipe shares (codec and transformer);
// each stage's options derive from StageOptions and set their own defaults.

#include <atomic>
#include <cstdint>
#include <string>

#include "weft/log.h"

namespace weft::train {

struct StageOptions {
    std::string configPath;      ///< model config.json
    std::string runDir;          ///< the run folder (file names in run_files.h)
    std::uint64_t seed = 1;      ///< initialisation and data
    int batch;                   ///< examples per step (at most, for the transformer)
    double learningRate;         ///< peak AdamW rate of the stage's warm-up and cosine schedule
    long long steps;             ///< total optimisation steps
    double maxSeconds = 0;       ///< stop early after this wall time (0 = no limit); a resume continues the budget
    long long pauseAtStep = 0;   ///< stop (checkpointed) at this step without changing the schedule; 0 = off
    int checkpointEvery;         ///< steps between checkpoints
    int threads = 0;             ///< intra-op threads; 0 = every core
    const std::atomic<bool>* cancel = nullptr; ///< raised: checkpoint, then CancelledError
    LogCallback log;

protected:
    StageOptions(int batchDefault, double rateDefault, long long stepsDefault, int checkpointEveryDefault)
        : batch(batchDefault), learningRate(rateDefault), steps(stepsDefault), checkpointEvery(checkpointEveryDefault)
    {
    }
};

} // namespace weft::train
