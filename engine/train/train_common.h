#pragma once
// Pieces shared by the training stages: per-step random streams, thread set-up and the
// codec's tensors on disk.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "image_codec.h"

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

/// Writes `module` and `optimizer` to `path` and the state to `path`.json, each through a
/// temporary file and a rename, so a kill leaves the previous checkpoint intact. Throws on I/O errors.
void saveCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    const CheckpointState& state);
/// Restores a checkpoint written by saveCheckpoint; returns false (touching nothing) when
/// `path` or its state file does not exist.
bool loadCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    CheckpointState& state);

} // namespace weft::train
