#pragma once
// Stage 1 of the weft-tiny recipe: the sentencepiece model, trained on Shapes World text.

#include <cstdint>
#include <string>

#include "weft/log.h"

namespace weft::train {

struct TokenizerStageOptions {
    std::string configPath;   ///< text_vocab is read from it
    std::string runDir;       ///< writes runDir/tokenizer.model
    std::uint64_t seed = 1;   ///< corpus seed
    int sentences = 20000;    ///< corpus size
    LogCallback log;
};

/// Trains runDir/tokenizer.model unless it already exists (a rerun keeps it). Deterministic
/// for the seed. Throws EngineError subclasses (e.g. the corpus cannot yield text_vocab pieces).
void trainTokenizerStage(const TokenizerStageOptions& options);

} // namespace weft::train
