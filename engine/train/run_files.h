#pragma once
// Names of the files in a training run folder (weft-cli train --run DIR). A run resumes from
// these, so they are part of the run folder's format: do not rename them.

#include <filesystem>
#include <string>

namespace weft::train {

constexpr const char* kTokenizerPrefix = "tokenizer";        ///< sentencepiece writes <prefix>.model
constexpr const char* kTokenizerModelFile = "tokenizer.model"; ///< stage 1 output
constexpr const char* kCodecCheckpointFile = "codec.ckpt";     ///< stage 2 checkpoint (+ .json state)
constexpr const char* kCodecFile = "codec.safetensors";        ///< stage 2 output: the "codec.*" tensors
constexpr const char* kLmCheckpointFile = "lm.ckpt";           ///< stage 3 checkpoint (+ .json state)
constexpr const char* kMetricsFile = "metrics.jsonl";          ///< one JSON line per logged step or evaluation
constexpr const char* kTrainLogFile = "train.log";             ///< weft-cli train's log lines
constexpr const char* kLossPlotFile = "loss.png";              ///< plot of metrics.jsonl
constexpr const char* kCodecFailuresFile = "codec-failures.png"; ///< --stage codec-report's failure sheet
constexpr const char* kRunModelCardFile = "MODEL_CARD.md";     ///< optional card that export copies

/// The path of `name` in run folder `runDir`.
inline std::string runFile(const std::string& runDir, const char* name)
{
    return (std::filesystem::path(runDir) / name).string();
}

} // namespace weft::train
