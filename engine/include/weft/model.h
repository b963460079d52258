#pragma once
// A loaded generation model: immutable after load and shared between sessions/threads.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "weft/log.h"
#include "weft/media.h"
#include "weft/result.h"

namespace weft {

/// Where tensors live. Auto picks CUDA when libtorch was built with it and a GPU exists.
enum class Device { Auto, Cpu, Cuda };

struct LoadOptions {
    Device device = Device::Auto;
    int threads = 0;                      ///< intra-op threads; 0 = every core
    /// Progress in [0, 1]; called on the loading thread. Return false to cancel.
    std::function<bool(double fraction)> progress;
    const std::atomic<bool>* cancel = nullptr; ///< raised by another thread to cancel the load
    LogCallback log;
};

/// What `weft-cli info` prints.
struct ModelInfo {
    std::string directory;
    std::string name;             ///< config "name"
    std::string architecture;     ///< config "architecture"
    int formatVersion = 0;
    std::int64_t parameterCount = 0;
    std::string sha256;           ///< of model.safetensors, lower-case hex
    int vocabSize = 0;
    int dModel = 0;
    int layers = 0;
    int heads = 0;
    int contextLength = 0;        ///< maximum tokens per sequence
    int imageSize = 0;            ///< model image side in pixels (64 for weft-tiny)
    int imageGrid = 0;            ///< codes per side (8)
    bool hasAudio = false;
    std::string device;           ///< "cpu" or "cuda:N"
};

class Model {
public:
    /// Loads config.json, tokenizer.model and model.safetensors from `directory`, validating
    /// the config against every tensor shape before allocating. Blocking; call from a worker
    /// thread. Fails with NotFound, Format, UnsupportedVersion, ShapeMismatch or Cancelled;
    /// the message names the file, tensor or field, what was expected and what was found.
    static Result<std::shared_ptr<const Model>> load(const std::string& directory, const LoadOptions& options = {});

    /// Path of the model shipped with the project (resources/models/weft-tiny), found next to
    /// the executable, in the install prefix or in the source tree. Empty when none is found.
    static std::string defaultModelDirectory();

    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelInfo& info() const noexcept;

    /// The image codec on its own. encodeImage: the grid*grid codes (row-major, each in
    /// [0, codebook size)) the model reads for `image` (any size; resized to the model's).
    /// decodeImage: the imageSize x imageSize picture the model draws from such codes.
    /// Thread-safe. Fail with InvalidArgument for an image without pixels, a wrong code count
    /// or a code out of range.
    Result<std::vector<int>> encodeImage(const Image& image) const;
    Result<Image> decodeImage(const std::vector<int>& codes) const;

    struct Impl;
    const Impl& impl() const noexcept { return *m_impl; }

private:
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Writes a randomly initialised model folder: config.json (from `configPath`),
/// model.safetensors (every tensor of the tensor table, seeded), tokenizer.model (a
/// sentencepiece model trained on `tokenizerCorpus`, e.g. Shapes World captions) and a
/// MODEL_CARD.md saying the weights are random. Deterministic for a seed and corpus.
/// A `patch_dictionary` codec has no weights to draw: its codebook is counted from the
/// pictures `codecImages` returns (called only for that kind; e.g. rendered Shapes World
/// scenes), so the random model still encodes and decodes pictures exactly.
/// Fails with Format for a bad config, Io for unwritable output, Argument for a
/// patch-dictionary config without `codecImages` or with no pictures.
Result<void> initModel(const std::string& configPath, const std::string& outDirectory, std::uint64_t seed,
                       const std::vector<std::string>& tokenizerCorpus, const LogCallback& log = {},
                       const std::function<std::vector<Image>()>& codecImages = {});

} // namespace weft
