// Fuzzes the tokenizer on the shipped weft-tiny model: encode() of arbitrary bytes (what a user
// types or pastes, after the tokenizer's own size cap) and decode() of arbitrary id lists (what
// sampling produces, including special and out-of-range ids, which decode must skip).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "model_config.h"
#include "tokenizer.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_tokenizer";

const Tokenizer& shippedTokenizer() {
    // Never freed: the processor lives in the sentencepiece module, which static destructors
    // may already have unloaded at exit.
    static const Tokenizer* tokenizer = [] {
        const ModelConfig config = ModelConfig::read(WEFT_FUZZ_MODEL_DIR "/config.json");
        return new Tokenizer(Tokenizer::load(WEFT_FUZZ_MODEL_DIR "/tokenizer.model", config.vocab));
    }();
    return *tokenizer;
}

void checkDecoded(const Tokenizer& tok, const std::vector<int>& ids) {
    std::string text;
    if (!fuzz::acceptsOrRefuses(kTarget, {}, [&] { text = tok.decode(ids); })) return;
    // Decoded text goes into conversation files, whose writer refuses invalid UTF-8.
    expect(isValidUtf8(text), kTarget, "decode produced invalid UTF-8");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Tokenizer& tok = shippedTokenizer();
    const int vocab = tok.layout().textVocab;

    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<int> ids;
    if (fuzz::acceptsOrRefuses(kTarget, {ErrorCode::LimitExceeded}, [&] { ids = tok.encode(text); })) {
        for (int id : ids) expect(id >= 0 && id < vocab, kTarget, "encode produced id " + std::to_string(id));
        checkDecoded(tok, ids);
    }

    // The same bytes read as 16-bit ids spread over text, special, image and negative ids.
    std::vector<int> raw;
    for (std::size_t i = 0; i + 1 < size; i += 2)
        raw.push_back(static_cast<std::int16_t>(data[i] | (data[i + 1] << 8)) % (tok.layout().total + 16));
    checkDecoded(tok, raw);
    return 0;
}
