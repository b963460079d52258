// Fuzzes ModelConfig::parse (config.json of a model folder) and the strict JSON reader under
// it. An accepted config must give a consistent vocabulary layout and tensor table, and must
// read back to the same config from its own toJson().

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "fuzz_common.h"
#include "model_config.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_config";

void checkInvariants(const ModelConfig& c) {
    const VocabLayout& v = c.vocab;
    expect(v.textVocab == c.textVocab && v.compressionCount == c.compressionTokens &&
               v.imageCount == c.codec.codebookSize(),
           kTarget, "vocabulary layout disagrees with the config sizes");
    expect(v.total == v.imageBase + v.imageCount && v.imageBase == v.compressionBase + v.compressionCount, kTarget,
           "vocabulary layout is not contiguous");
    expect(c.codec.patch() * c.codec.grid == c.codec.imageSize, kTarget, "grid does not divide image_size");
    for (const TensorSpec& spec : c.tensorSpecs()) {
        std::int64_t numel = 1;
        for (std::int64_t d : spec.shape) {
            expect(d > 0, kTarget, "tensor '" + spec.name + "' has a non-positive dimension");
            expect(!__builtin_mul_overflow(numel, d, &numel), kTarget, "tensor '" + spec.name + "' numel overflows");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<ModelConfig> config;
    if (!fuzz::acceptsOrRefuses(kTarget, {ErrorCode::Format, ErrorCode::UnsupportedVersion, ErrorCode::LimitExceeded},
                                [&] { config.emplace(ModelConfig::parse(text)); }))
        return 0;
    checkInvariants(*config);
    const std::string json = config->toJson();
    std::optional<ModelConfig> again;
    fuzz::acceptsOrRefuses(kTarget, {}, [&] { again.emplace(ModelConfig::parse(json)); });
    expect(again->toJson() == json, kTarget, "config changed in a round trip:\n" + json + "\n" + again->toJson());
    return 0;
}
