// weft-cli info: what a model folder holds (architecture, sizes, parameter count, hash).
#include <iostream>
#include <string>

#include "commands.h"
#include "weft/model.h"

namespace weft::cli {
namespace {

// Errors are reported on a single line so scripts can show them as-is.
std::string oneLine(std::string s)
{
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

int runInfo(const std::string& directory)
{
    const std::string dir = directory.empty() ? Model::defaultModelDirectory() : directory;
    if (dir.empty()) {
        std::cerr << "weft-cli info: no model folder given and no embedded model found (use --model DIR)\n";
        return 1;
    }
    auto loaded = Model::load(dir);
    if (!loaded) {
        std::cerr << "weft-cli info: " << dir << ": " << oneLine(loaded.error().message) << "\n";
        return 1;
    }
    const ModelInfo& i = loaded.value()->info();
    std::cout << "model:        " << i.name << "\n"
              << "folder:       " << i.directory << "\n"
              << "architecture: " << i.architecture << " (format version " << i.formatVersion << ")\n"
              << "parameters:   " << i.parameterCount << "\n"
              << "d_model:      " << i.dModel << "\n"
              << "layers:       " << i.layers << "\n"
              << "heads:        " << i.heads << "\n"
              << "vocabulary:   " << i.vocabSize << " tokens\n"
              << "context:      " << i.contextLength << " tokens\n"
              << "image:        " << i.imageSize << "x" << i.imageSize << " pixels, " << i.imageGrid << "x" << i.imageGrid
              << " codes\n"
              << "audio:        " << (i.hasAudio ? "yes" : "no") << "\n"
              << "sha256:       " << i.sha256 << "\n"
              << "device:       " << i.device << "\n";
    return 0;
}

} // namespace

void registerInfoCommand(CLI::App& app, CliContext& ctx)
{
    auto* cmd = app.add_subcommand("info", "Print a model's architecture, sizes, parameter count and sha256");
    auto model = std::make_shared<std::string>();
    cmd->add_option("--model", *model, "Model folder (default: the embedded model)");
    cmd->callback([&ctx, model] { ctx.exitCode = runInfo(*model); });
}

} // namespace weft::cli
