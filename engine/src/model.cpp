#include "weft/model.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "errors.h"
#include "file_io.h"
#include "model_loader.h"
#include "network.h"
#include "patch_dictionary.h"

namespace weft {

Model::Model(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Model::~Model() = default;

const ModelInfo& Model::info() const noexcept
{
    return m_impl->info;
}

Result<std::shared_ptr<const Model>> Model::load(const std::string& directory, const LoadOptions& options)
{
    return guarded([&]() -> Result<std::shared_ptr<const Model>> {
        auto impl = loadModelImpl(directory, options);
        return std::shared_ptr<const Model>(new Model(std::move(impl)));
    });
}

namespace {

bool holdsConfig(const std::filesystem::path& dir)
{
    std::error_code ec;
    return !dir.empty() && std::filesystem::is_regular_file(dir / kConfigFile, ec);
}

std::filesystem::path executableDirectory()
{
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

} // namespace

std::string Model::defaultModelDirectory()
{
    std::vector<std::filesystem::path> candidates;
    if (const char* env = std::getenv("WEFT_MODEL_DIR"); env && *env) candidates.emplace_back(env);
    const auto exeDir = executableDirectory();
    if (!exeDir.empty()) candidates.push_back(exeDir / ".." / "share" / "weft" / "models" / "weft-tiny");
    candidates.emplace_back(WEFT_INSTALL_MODEL_DIR);
    candidates.emplace_back(WEFT_SOURCE_MODEL_DIR);
    for (const auto& dir : candidates)
        if (holdsConfig(dir)) return dir.lexically_normal().string();
    return {};
}

Result<std::vector<int>> Model::encodeImage(const Image& image) const
{
    return guarded([&]() -> Result<std::vector<int>> {
        if (image.empty()) throw ArgumentError("encode image: expected an image with pixels, found none");
        const auto codes = m_impl->network->codec()->encodeImages({image}).to(torch::kCPU, torch::kLong).contiguous();
        return std::vector<int>(codes.data_ptr<int64_t>(), codes.data_ptr<int64_t>() + codes.numel());
    });
}

Result<Image> Model::decodeImage(const std::vector<int>& codes) const
{
    return guarded([&]() -> Result<Image> {
        // The codec checks the count and range of the codes.
        const auto t = torch::tensor(std::vector<std::int64_t>(codes.begin(), codes.end()), torch::kLong).view({1, -1});
        return m_impl->network->codec()->decodeImages(t.to(m_impl->device)).at(0);
    });
}

namespace {

// Without its codebook a patch-dictionary model cannot encode a single picture, so a random
// model gets a real one: the dictionary is counted, not learned.
void countDictionary(NetworkImpl& network, const ModelConfig& config,
                     const std::function<std::vector<Image>()>& codecImages, const LogCallback& log)
{
    const auto images = codecImages ? codecImages() : std::vector<Image>{};
    if (images.empty())
        throw ArgumentError("init-model: a patch_dictionary codec needs pictures to count its patches, found none");
    PatchDictionary dictionary(config.codec);
    const int distinct = dictionary.build(images);
    network.codec()->setDictionary(dictionary);
    network.weightsChanged();
    if (log)
        log(LogLevel::Info, "patch dictionary: " + std::to_string(distinct) + " distinct patches in " +
                                std::to_string(images.size()) + " pictures");
}

} // namespace

Result<void> initModel(const std::string& configPath, const std::string& outDirectory, std::uint64_t seed,
                       const std::vector<std::string>& tokenizerCorpus, const LogCallback& log,
                       const std::function<std::vector<Image>()>& codecImages)
{
    return guarded([&]() -> Result<void> {
        const ModelConfig config = ModelConfig::read(configPath);
        if (tokenizerCorpus.empty())
            throw ArgumentError("init-model: expected a tokenizer corpus of at least one sentence, found none");
        std::error_code ec;
        std::filesystem::create_directories(outDirectory, ec);
        if (ec) throw IoError("cannot create model folder '" + outDirectory + "': " + ec.message());
        const std::filesystem::path dir(outDirectory);

        // The tokenizer goes to a temporary prefix first so that a failed run never leaves a
        // half-written folder that looks complete.
        const std::string prefix = (dir / ".tokenizer-training").string();
        Tokenizer::train(tokenizerCorpus, config.textVocab, prefix);
        std::string tokenizerBytes;
        readFileCapped(prefix + ".model", 16ULL << 20, "tokenizer.model", tokenizerBytes);
        std::filesystem::remove(prefix + ".model", ec);
        std::filesystem::remove(prefix + ".vocab", ec);
        (void)Tokenizer::fromBytes(tokenizerBytes, config.vocab); // checks the piece count
        if (log) log(LogLevel::Info, "trained tokenizer with " + std::to_string(config.textVocab) + " pieces");

        torch::manual_seed(seed);
        Network network(config);
        if (config.codec.kind == CodecKind::PatchDictionary) countDictionary(*network, config, codecImages, log);
        std::ostringstream card;
        card << "# " << config.name << " (random weights)\n\n"
             << "This model folder was written by `weft-cli init-model` with seed " << seed << ".\n"
             << "Its weights are **random**: it has not been trained and its replies are noise.\n"
             << "The tokenizer was trained on " << tokenizerCorpus.size() << " sentences.\n\n"
             << "| | |\n|---|---|\n"
             << "| architecture | " << config.architecture << " |\n"
             << "| d_model / layers / heads | " << config.transformer.dModel << " / " << config.transformer.layers
             << " / " << config.transformer.heads << " |\n"
             << "| vocabulary | " << config.vocab.total << " tokens |\n"
             << "| parameters | " << parameterCount(config) << " |\n\n"
             << "Tensor names and shapes: docs/MODEL_FORMAT.md.\n";
        writeModelFolder(*network, config, tokenizerBytes, card.str(), outDirectory);
        if (log) log(LogLevel::Info, "wrote model folder " + outDirectory);
        return {};
    });
}

} // namespace weft
