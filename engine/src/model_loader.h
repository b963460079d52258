#pragma once
// Reading and writing model folders (config.json, model.safetensors, tokenizer.model,
// MODEL_CARD.md) and the private state of a loaded Model. The same save/load code serves
// inference, `weft-cli init-model` and training.

#include <atomic>
#include <functional>
#include <string>

#include <torch/torch.h>

#include "model_config.h"
#include "network.h"
#include "safetensors.h"
#include "tokenizer.h"
#include "weft/model.h"

namespace weft {

/// File names inside a model folder.
constexpr const char* kConfigFile = "config.json";
constexpr const char* kWeightsFile = "model.safetensors";
constexpr const char* kTokenizerFile = "tokenizer.model";
constexpr const char* kModelCardFile = "MODEL_CARD.md";

/// What a loaded Model holds. Immutable after load; the network is only run under
/// NoGradGuard in eval mode, which does not change module state, so sessions on several
/// threads may share it.
struct Model::Impl {
    ModelConfig config;
    mutable Network network{nullptr};
    Tokenizer tokenizer;
    ModelInfo info;
    torch::Device device{torch::kCPU};

    Impl(ModelConfig c, Tokenizer t) : config(std::move(c)), tokenizer(std::move(t)) {}
};

/// Checks that `file` holds exactly the tensors of config.tensorSpecs(), each F32 with the
/// listed shape. Throws ShapeError naming the first missing, extra or mismatching tensor
/// with the expected and found dtype/shape. Allocates nothing large.
void validateTensors(const SafetensorsFile& file, const ModelConfig& config);

/// Called between tensors while copying weights: fraction in [0, 1]; return false to cancel.
using WeightProgress = std::function<bool(double fraction)>;

/// Copies every tensor of a validated `file` into `network`'s parameters (no autograd).
/// Checks `cancel` and `progress` between tensors and throws CancelledError when asked.
/// Throws ShapeError when the network does not match the file (validate first).
void loadNetworkWeights(NetworkImpl& network, const SafetensorsFile& file, const WeightProgress& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

/// Reads `path`, validates it against the network's config and copies the weights in.
void loadNetworkWeights(NetworkImpl& network, const std::string& path);

/// Writes every tensor of the table, F32, in table order, to `path` atomically (metadata:
/// format name and config name). Throws ShapeError when a parameter is missing or has the
/// wrong shape, IoError when the file cannot be written.
void saveNetwork(const NetworkImpl& network, const ModelConfig& config, const std::string& path);

/// Writes a complete model folder (creating it): config.json, model.safetensors, the given
/// serialized tokenizer as tokenizer.model, and MODEL_CARD.md with `modelCard`. Throws IoError.
void writeModelFolder(const NetworkImpl& network, const ModelConfig& config, const std::string& tokenizerBytes,
                      const std::string& modelCard, const std::string& directory);

/// Number of scalar weights of the tensor table.
std::int64_t parameterCount(const ModelConfig& config);

/// Loads a model folder into an Impl (throwing variant of Model::load).
std::unique_ptr<Model::Impl> loadModelImpl(const std::string& directory, const LoadOptions& options);

} // namespace weft
