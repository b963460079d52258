#include "tokenizer_stage.h"

#include <filesystem>

#include "model_config.h"
#include "run_files.h"
#include "tokenizer.h"
#include "train_log.h"
#include "weft/world/tasks.h"

namespace fs = std::filesystem;

namespace weft::train {

void trainTokenizerStage(const TokenizerStageOptions& o)
{
    const auto config = ModelConfig::read(o.configPath);
    fs::create_directories(o.runDir);
    const auto prefix = runFile(o.runDir, kTokenizerPrefix);
    const auto model = runFile(o.runDir, kTokenizerModelFile); // what sentencepiece writes for `prefix`
    if (fs::exists(model)) {
        logInfo(o.log, "tokenizer: " + model + " exists, kept");
        return;
    }
    const auto corpus = world::textCorpus(static_cast<std::size_t>(o.sentences), o.seed);
    Tokenizer::train(corpus, config.textVocab, prefix);
    // Load it back through the same validation the engine applies to a shipped model.
    const auto tok = Tokenizer::load(model, config.vocab);
    logInfo(o.log, "tokenizer: " + std::to_string(config.textVocab) + " pieces from " +
                       std::to_string(corpus.size()) + " sentences; \"" + corpus.back() + "\" -> " +
                       std::to_string(tok.encode(corpus.back()).size()) + " pieces");
}

} // namespace weft::train
