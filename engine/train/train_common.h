#pragma once
// Pieces shared by the training stages: per-step random streams, thread set-up, the codec's
// tensors on disk, checkpoints and the optimisation loop (StageRunner).

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "image_codec.h"
#include "stage_options.h"

namespace weft {
class SafetensorsFile;
}

namespace weft::train {

/// The random stream of one step: a function of (seed, step, stream) only, so a resumed run
/// draws the same data as an uninterrupted one.
std::mt19937_64 stepRng(std::uint64_t seed, long long step, std::uint64_t stream);

/// Sets torch's threads through the engine's device policy (0 = every core, see device.h).
void setTrainingThreads(int threads);

/// Writes the codec's parameters as "codec.*" F32 tensors (atomic). Throws IoError.
void saveCodecTensors(ImageCodec& codec, const std::string& path);
/// Loads "codec.*" tensors from a safetensors file (a codec file or a model.safetensors).
/// Throws FormatError/ShapeError naming the tensor.
void loadCodecTensors(ImageCodec& codec, const std::string& path);

/// Copies tensor `name` of `file` into `param` when the file holds it as F32 of param's
/// shape; returns false (param untouched) otherwise. No autograd; param on any device.
bool copyTensorFrom(const weft::SafetensorsFile& file, const std::string& name, torch::Tensor& param);

/// Learning rate at `step` of `steps`: linear warm-up over `warmup` steps, then cosine decay
/// from `peak` to `floor * peak`. A function of the step only, so a resume continues it exactly.
double cosineRate(double peak, long long step, long long steps, long long warmup, double floor);

/// Sets the learning rate of every parameter group of an AdamW optimizer.
void setLearningRate(torch::optim::AdamW& optimizer, double rate);

/// Wall time of a stage, cumulative over resumes: the seconds already spent plus this run's.
class StageClock {
public:
    explicit StageClock(double secondsBefore = 0);
    double elapsed() const;

private:
    double m_before;
    std::chrono::steady_clock::time_point m_start;
};

/// Progress stored beside a checkpoint.
struct CheckpointState {
    long long step = 0;
    double seconds = 0; ///< cumulative wall time of the stage
};

/// Writes `module`, `optimizer` and `state` to `path` through a temporary file and one
/// rename, so a kill leaves the previous checkpoint intact and never a mixed one; then a
/// readable copy of the state to `path`.json. Throws on I/O errors.
void saveCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    const CheckpointState& state);
/// Restores a checkpoint written by saveCheckpoint; returns false (touching nothing) when
/// `path` does not exist. The state comes from the archive (`path`.json is only a copy for
/// people and scripts). Throws FormatError when the archive lacks it.
bool loadCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    CheckpointState& state);

/// Learning-rate schedule of a stage: cosineRate(options.learningRate, step, options.steps,
/// warmup, floor).
struct RateSchedule {
    long long warmup = 0;
    double floor = 0;
};

/// The optimisation loop the stages share. Each step: stop checks (cancel: checkpoint, then
/// CancelledError; time budget or pauseAtStep: leave the loop), the stage's forward pass, the
/// scheduled learning rate, backward, gradient-norm clipping to 1, the AdamW step, the stage's
/// report, and a checkpoint every checkpointEvery steps. Not thread-safe; blocking.
class StageRunner {
public:
    /// `name` prefixes the resume log line ("codec", "lm"); `clipped` are the parameters whose
    /// gradient norm is clipped; `checkpointPath` is the stage's checkpoint in the run folder.
    /// `options`, `module` and `optimizer` must outlive the runner.
    StageRunner(const StageOptions& options, std::string name, torch::nn::Module& module,
                torch::optim::AdamW& optimizer, std::vector<torch::Tensor> clipped, RateSchedule schedule,
                std::string checkpointPath);

    /// Restores the checkpoint when there is one (logging "<name>: resumed at step N") and
    /// restarts the clock from the seconds it recorded. Returns whether it resumed.
    bool resume();

    long long step() const { return m_step; }
    /// Wall time of the stage in seconds, cumulative over resumes.
    double elapsed() const { return m_clock.elapsed(); }
    /// Writes the checkpoint (module, optimizer, step, elapsed time). Throws on I/O errors.
    void checkpoint();

    /// Returns the loss of step `step` (0-based) to minimise.
    using LossFunction = std::function<torch::Tensor(long long step)>;
    /// Called after each optimizer step with the number of steps done and the rate used.
    using ReportFunction = std::function<void(long long step, double rate)>;

    /// Steps until options.steps (or a stop), then writes a final checkpoint. `checkpointed`,
    /// when given, runs after each periodic checkpoint (not after the final one).
    void run(const LossFunction& loss, const ReportFunction& report, const std::function<void()>& checkpointed = {});

private:
    bool shouldPause() const;
    double optimize(torch::Tensor& loss);

    const StageOptions& m_options;
    std::string m_name;
    torch::nn::Module& m_module;
    torch::optim::AdamW& m_optimizer;
    std::vector<torch::Tensor> m_clipped;
    RateSchedule m_schedule;
    std::string m_checkpointPath;
    long long m_step = 0;
    StageClock m_clock;
};

} // namespace weft::train
