#pragma once
// Token sampling over one logits row: allowed-range restriction, temperature, top-k and
// top-p, drawing from a torch::Generator seeded once per reply so that the same seed, input
// and options give the same tokens bit for bit.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace weft {

/// Half-open range of token ids [begin, end).
struct TokenRange {
    int begin = 0;
    int end = 0;
};

struct SamplerOptions {
    float temperature = 0.0f; ///< 0 = greedy (argmax); must be >= 0
    int topK = 0;             ///< keep the k most likely tokens; 0 = off
    float topP = 1.0f;        ///< keep the smallest set whose probability reaches p; 1 = off
};

class Sampler {
public:
    /// Throws ArgumentError for a negative temperature, negative top-k or top-p outside (0, 1].
    Sampler(std::uint64_t seed, const SamplerOptions& options);

    /// Picks a token id from `logits` [V] (any device, float) among the ids in `allowed`
    /// (at least one non-empty range inside [0, V), else ArgumentError). Ties in greedy mode
    /// go to the lowest id. Not thread-safe (advances the generator).
    int sample(const torch::Tensor& logits, const std::vector<TokenRange>& allowed);

    const SamplerOptions& options() const noexcept { return m_options; }

private:
    SamplerOptions m_options;
    at::Generator m_generator;
    torch::Tensor m_masked; // reused [V] buffer, so sampling a token allocates little
};

} // namespace weft
