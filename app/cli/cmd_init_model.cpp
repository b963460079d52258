// weft-cli init-model: writes a randomly initialised model folder from a config.json.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "codec_trainer.h"
#include "commands.h"
#include "weft/model.h"
#include "weft/world/tasks.h"

namespace weft::cli {
namespace {

struct InitArgs {
    std::string config;
    std::string out;
    std::uint64_t seed = 1;
    std::size_t corpusSentences = 20000;
    int dictionaryScenes = 20000;
};

int runInitModel(const InitArgs& a)
{
    // The tokenizer is trained on Shapes World text, the language the model is trained on.
    const auto corpus = world::textCorpus(a.corpusSentences, a.seed);
    // A patch-dictionary codec is counted from the same training scenes as `train --stage codec`.
    auto pictures = [&a] { return train::dictionaryScenes(a.dictionaryScenes, a.seed); };
    auto done = initModel(a.config, a.out, a.seed, corpus, {}, pictures);
    if (!done) {
        std::string message = done.error().message;
        for (char& c : message)
            if (c == '\n') c = ' ';
        std::cerr << "weft-cli init-model: " << message << "\n";
        return 1;
    }
    std::cout << "wrote " << a.out << " (random weights, seed " << a.seed << ")\n";
    return 0;
}

} // namespace

void registerInitModelCommand(CLI::App& app, CliContext& ctx)
{
    auto* cmd = app.add_subcommand("init-model", "Write a model folder with random weights and a trained tokenizer");
    auto a = std::make_shared<InitArgs>();
    cmd->add_option("--config", a->config, "config.json describing the architecture")->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", a->out, "Output model folder (created)")->required();
    cmd->add_option("--seed", a->seed, "Seed of the weights and of the tokenizer corpus")->capture_default_str();
    cmd->add_option("--corpus-sentences", a->corpusSentences, "Shapes World sentences for the tokenizer")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t(1), std::size_t(10000000)));
    cmd->add_option("--dictionary-scenes", a->dictionaryScenes,
                    "Shapes World scenes whose patches make a patch_dictionary codec (other codecs ignore it)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd->callback([&ctx, a] { ctx.exitCode = runInitModel(*a); });
}

} // namespace weft::cli
