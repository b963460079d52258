#include "model_loader.h"

#include <cstring>
#include <filesystem>
#include <map>

#include "device.h"
#include "errors.h"
#include "file_io.h"
#include "sha256.h"

namespace weft {
namespace {

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

std::vector<std::int64_t> shapeOf(const torch::Tensor& t)
{
    return std::vector<std::int64_t>(t.sizes().begin(), t.sizes().end());
}

std::map<std::string, torch::Tensor> parameterMap(const NetworkImpl& network)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& item : network.named_parameters()) out.emplace(item.key(), item.value());
    return out;
}

void checkCancel(const std::atomic<bool>* cancel)
{
    if (cancel && cancel->load(std::memory_order_relaxed)) throw CancelledError();
}

} // namespace

void validateTensors(const SafetensorsFile& file, const ModelConfig& config)
{
    const std::vector<TensorSpec> specs = config.tensorSpecs();
    std::map<std::string, const TensorSpec*> expected;
    for (const TensorSpec& s : specs) expected.emplace(s.name, &s);
    for (const TensorSpec& s : specs) {
        const TensorView* view = file.find(s.name);
        if (!view)
            throw ShapeError(std::string(kWeightsFile) + ": tensor '" + s.name + "' is missing; expected " +
                             shapeText(s.shape) + " F32 for this config.json");
        if (view->dtype != DType::F32)
            throw ShapeError(std::string(kWeightsFile) + ": tensor '" + s.name + "' expected dtype F32, found " +
                             dtypeName(view->dtype));
        if (view->shape != s.shape)
            throw ShapeError(std::string(kWeightsFile) + ": tensor '" + s.name + "' expected shape " +
                             shapeText(s.shape) + ", found " + shapeText(view->shape));
    }
    for (const TensorView& view : file.tensors())
        if (!expected.count(view.name))
            throw ShapeError(std::string(kWeightsFile) + ": unexpected tensor '" + view.name + "' " +
                             shapeText(view.shape) + "; this config.json expects " + std::to_string(specs.size()) +
                             " tensors and none of that name");
}

void loadNetworkWeights(NetworkImpl& network, const SafetensorsFile& file, const WeightProgress& progress,
                        const std::atomic<bool>* cancel)
{
    torch::NoGradGuard noGrad;
    auto params = parameterMap(network);
    const auto& views = file.tensors();
    std::size_t done = 0;
    for (const TensorView& view : views) {
        checkCancel(cancel);
        auto it = params.find(view.name);
        if (it == params.end())
            throw ShapeError("network has no parameter '" + view.name + "' for the tensor in " + kWeightsFile);
        torch::Tensor& p = it->second;
        if (shapeOf(p) != view.shape || view.dtype != DType::F32)
            throw ShapeError("tensor '" + view.name + "' expected " + shapeText(shapeOf(p)) + " F32, found " +
                             shapeText(view.shape) + " " + dtypeName(view.dtype));
        // The data section need not be 4-byte aligned, so copy bytes rather than viewing them.
        auto staging = torch::empty(view.shape, torch::kFloat);
        const std::size_t bytes = static_cast<std::size_t>(view.end - view.begin);
        if (bytes != static_cast<std::size_t>(staging.numel()) * sizeof(float))
            throw ShapeError("tensor '" + view.name + "' holds " + std::to_string(bytes) + " bytes, expected " +
                             std::to_string(staging.numel() * 4));
        if (bytes) std::memcpy(staging.data_ptr<float>(), file.data(view), bytes);
        p.copy_(staging);
        ++done;
        if (progress && !progress(static_cast<double>(done) / static_cast<double>(views.size()))) throw CancelledError();
    }
    if (done != params.size())
        throw ShapeError(std::string(kWeightsFile) + ": expected " + std::to_string(params.size()) + " tensors, found " +
                         std::to_string(done));
    network.weightsChanged();
}

void loadNetworkWeights(NetworkImpl& network, const std::string& path)
{
    const SafetensorsFile file = SafetensorsFile::read(path);
    validateTensors(file, network.config());
    loadNetworkWeights(network, file);
}

void saveNetwork(const NetworkImpl& network, const ModelConfig& config, const std::string& path)
{
    const auto params = parameterMap(network);
    SafetensorsWriter writer;
    for (const TensorSpec& spec : config.tensorSpecs()) {
        auto it = params.find(spec.name);
        if (it == params.end()) throw ShapeError("network has no parameter '" + spec.name + "' of the tensor table");
        if (shapeOf(it->second) != spec.shape)
            throw ShapeError("parameter '" + spec.name + "' expected shape " + shapeText(spec.shape) + ", found " +
                             shapeText(shapeOf(it->second)));
        auto data = it->second.detach().to(torch::kCPU, torch::kFloat).contiguous();
        writer.add(spec.name, DType::F32, spec.shape, data.data_ptr<float>(),
                   static_cast<std::size_t>(data.numel()) * sizeof(float));
    }
    writer.setMetadata("format", kModelFormatName);
    writer.setMetadata("name", config.name);
    writer.write(path);
}

void writeModelFolder(const NetworkImpl& network, const ModelConfig& config, const std::string& tokenizerBytes,
                      const std::string& modelCard, const std::string& directory)
{
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) throw IoError("cannot create model folder '" + directory + "': " + ec.message());
    const std::filesystem::path dir(directory);
    saveNetwork(network, config, (dir / kWeightsFile).string());
    const std::string json = config.toJson();
    writeBytesAtomic((dir / kConfigFile).string(), json.data(), json.size());
    writeBytesAtomic((dir / kTokenizerFile).string(), tokenizerBytes.data(), tokenizerBytes.size());
    writeBytesAtomic((dir / kModelCardFile).string(), modelCard.data(), modelCard.size());
}

std::int64_t parameterCount(const ModelConfig& config)
{
    std::int64_t total = 0;
    for (const TensorSpec& s : config.tensorSpecs()) {
        std::int64_t n = 1;
        for (auto d : s.shape) n *= d;
        total += n;
    }
    return total;
}

std::unique_ptr<Model::Impl> loadModelImpl(const std::string& directory, const LoadOptions& options)
{
    const std::filesystem::path dir(directory);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw NotFoundError("model folder '" + directory + "' does not exist or is not a folder");
    auto report = [&](double fraction) {
        checkCancel(options.cancel);
        if (options.progress && !options.progress(fraction)) throw CancelledError();
    };
    report(0.0);
    ModelConfig config = ModelConfig::read((dir / kConfigFile).string());
    const std::string weightsPath = (dir / kWeightsFile).string();
    const SafetensorsFile file = SafetensorsFile::read(weightsPath);
    validateTensors(file, config);
    report(0.05);
    Tokenizer tokenizer = Tokenizer::load((dir / kTokenizerFile).string(), config.vocab);
    report(0.1);

    configureThreads(options.threads);
    const torch::Device device = resolveDevice(options.device);
    auto impl = std::make_unique<Model::Impl>(config, std::move(tokenizer));
    impl->device = device;
    impl->network = Network(config, WeightInit::Unchanged); // every tensor comes from the file
    loadNetworkWeights(*impl->network, file,
                       [&](double f) {
                           checkCancel(options.cancel);
                           return !options.progress || options.progress(0.1 + 0.8 * f);
                       },
                       options.cancel);
    impl->network->to(device);
    impl->network->weightsChanged(); // derived index tensors follow the device
    impl->network->eval();
    report(0.9);
    const std::string hash = sha256File(weightsPath);

    ModelInfo& info = impl->info;
    info.directory = std::filesystem::absolute(dir, ec).lexically_normal().string();
    if (ec) info.directory = directory;
    info.name = config.name;
    info.architecture = config.architecture;
    info.formatVersion = config.version;
    info.parameterCount = parameterCount(config);
    info.sha256 = hash;
    info.vocabSize = config.vocab.total;
    info.dModel = config.transformer.dModel;
    info.layers = config.transformer.layers;
    info.heads = config.transformer.heads;
    info.contextLength = config.transformer.contextLength;
    info.imageSize = config.codec.imageSize;
    info.imageGrid = config.codec.grid;
    info.hasAudio = config.audio.enabled;
    info.device = deviceName(device);
    report(1.0);
    if (options.log) options.log(LogLevel::Info, "loaded model '" + config.name + "' from " + info.directory);
    return impl;
}

} // namespace weft
