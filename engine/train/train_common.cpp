#include "train_common.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "device.h"
#include "errors.h"
#include "safetensors.h"
#include "train_log.h"

namespace weft::train {

std::mt19937_64 stepRng(std::uint64_t seed, long long step, std::uint64_t stream)
{
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(stream)};
    return std::mt19937_64(seq);
}

void setTrainingThreads(int threads)
{
    configureThreads(threads); // one policy for inference and training (device.h)
}

void saveCodecTensors(ImageCodec& codec, const std::string& path)
{
    SafetensorsWriter writer;
    for (const auto& item : codec->named_parameters(true)) {
        auto t = item.value().detach().to(torch::kCPU).to(torch::kFloat).contiguous();
        std::vector<std::int64_t> shape(t.sizes().begin(), t.sizes().end());
        writer.add("codec." + item.key(), DType::F32, shape, t.data_ptr<float>(),
                   static_cast<std::size_t>(t.numel()) * sizeof(float));
    }
    writer.setMetadata("stage", "codec");
    writer.write(path);
}

bool copyTensorFrom(const SafetensorsFile& file, const std::string& name, torch::Tensor& param)
{
    const TensorView* view = file.find(name);
    const std::vector<std::int64_t> expected(param.sizes().begin(), param.sizes().end());
    if (!view || view->dtype != DType::F32 || view->shape != expected)
        return false;
    torch::NoGradGuard noGrad;
    param.copy_(torch::from_blob(const_cast<std::uint8_t*>(file.data(*view)), expected, torch::kFloat));
    return true;
}

void loadCodecTensors(ImageCodec& codec, const std::string& path)
{
    const auto file = SafetensorsFile::read(path);
    for (auto& item : codec->named_parameters(true)) {
        const std::string name = "codec." + item.key();
        const auto& view = file.at(name); // absent: FormatError naming the tensor
        if (!copyTensorFrom(file, name, item.value()))
            throw ShapeError("tensor '" + name + "' in " + path + ": expected F32 of the shape the config implies, found " +
                             dtypeName(view.dtype) + " of another shape");
    }
    codec->syncDictionary();
}

double cosineRate(double peak, long long step, long long steps, long long warmup, double floor)
{
    const double warm = std::min(1.0, static_cast<double>(step + 1) / static_cast<double>(std::max(1LL, warmup)));
    const double progress = static_cast<double>(step) / static_cast<double>(std::max(1LL, steps));
    return peak * warm * (floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(M_PI * progress)));
}

void setLearningRate(torch::optim::AdamW& optimizer, double rate)
{
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(rate);
}

StageClock::StageClock(double secondsBefore) : m_before(secondsBefore), m_start(std::chrono::steady_clock::now()) {}

double StageClock::elapsed() const
{
    return m_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void saveCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    const CheckpointState& state)
{
    torch::serialize::OutputArchive archive, modelArchive, optArchive;
    module.save(modelArchive);
    optimizer.save(optArchive);
    archive.write("model", modelArchive);
    archive.write("optimizer", optArchive);
    // The step travels inside the archive, so the one rename below moves weights, optimizer
    // and progress together: a kill at any point leaves a consistent checkpoint.
    archive.write("step", c10::IValue(static_cast<int64_t>(state.step)));
    archive.write("seconds", c10::IValue(state.seconds));
    archive.save_to(path + ".tmp");
    std::filesystem::rename(path + ".tmp", path);
    // A readable copy for people and scripts; loading prefers the archive's own state.
    const std::string statePath = path + ".json";
    {
        std::ofstream out(statePath + ".tmp");
        out << nlohmann::json{{"step", state.step}, {"seconds", state.seconds}}.dump();
        if (!out)
            throw IoError("cannot write checkpoint state " + statePath);
    }
    std::filesystem::rename(statePath + ".tmp", statePath);
}

namespace {

// The progress of a checkpoint, which travels inside its archive.
CheckpointState readCheckpointState(torch::serialize::InputArchive& archive, const std::string& path)
{
    c10::IValue step, seconds;
    if (!archive.try_read("step", step) || !archive.try_read("seconds", seconds))
        throw FormatError("checkpoint " + path + ": expected step and seconds inside the archive, found them missing");
    return {step.toInt(), seconds.toDouble()};
}

} // namespace

bool loadCheckpoint(torch::nn::Module& module, torch::optim::Optimizer& optimizer, const std::string& path,
                    CheckpointState& state)
{
    if (!std::filesystem::exists(path))
        return false;
    torch::serialize::InputArchive archive, modelArchive, optArchive;
    archive.load_from(path);
    archive.read("model", modelArchive);
    archive.read("optimizer", optArchive);
    const CheckpointState stored = readCheckpointState(archive, path);
    module.load(modelArchive);
    optimizer.load(optArchive);
    state = stored;
    return true;
}

StageRunner::StageRunner(const StageOptions& options, std::string name, torch::nn::Module& module,
                         torch::optim::AdamW& optimizer, std::vector<torch::Tensor> clipped, RateSchedule schedule,
                         std::string checkpointPath)
    : m_options(options), m_name(std::move(name)), m_module(module), m_optimizer(optimizer),
      m_clipped(std::move(clipped)), m_schedule(schedule), m_checkpointPath(std::move(checkpointPath))
{
}

bool StageRunner::resume()
{
    CheckpointState state;
    const bool resumed = loadCheckpoint(m_module, m_optimizer, m_checkpointPath, state);
    if (resumed)
        logInfo(m_options.log, m_name + ": resumed at step " + std::to_string(state.step));
    m_step = state.step;
    m_clock = StageClock(state.seconds);
    return resumed;
}

void StageRunner::checkpoint() { saveCheckpoint(m_module, m_optimizer, m_checkpointPath, {m_step, elapsed()}); }

bool StageRunner::shouldPause() const
{
    return (m_options.maxSeconds > 0 && elapsed() >= m_options.maxSeconds) ||
           (m_options.pauseAtStep > 0 && m_step >= m_options.pauseAtStep);
}

// The rate is a function of the step alone, so a resumed run continues the schedule exactly.
double StageRunner::optimize(torch::Tensor& loss)
{
    const double rate =
        cosineRate(m_options.learningRate, m_step, m_options.steps, m_schedule.warmup, m_schedule.floor);
    setLearningRate(m_optimizer, rate);
    m_optimizer.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_clipped, 1.0);
    m_optimizer.step();
    ++m_step;
    return rate;
}

void StageRunner::run(const LossFunction& loss, const ReportFunction& report, const std::function<void()>& checkpointed)
{
    while (m_step < m_options.steps) {
        if (m_options.cancel && m_options.cancel->load()) {
            checkpoint();
            throw CancelledError();
        }
        if (shouldPause())
            break;
        auto total = loss(m_step);
        const double rate = optimize(total);
        report(m_step, rate);
        if (m_step % m_options.checkpointEvery == 0) {
            checkpoint();
            if (checkpointed)
                checkpointed();
        }
    }
    checkpoint();
}

} // namespace weft::train
