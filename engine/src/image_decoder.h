#pragma once
// Decoding one image answer after a prompt: the code-by-code streams with optional
// classifier-free guidance, and the helpers both the session and the engine bench use to get
// there (token tensors, dropping compressed example pairs from the cache).

#include <cstdint>
#include <optional>
#include <vector>

#include <torch/torch.h>

#include "kv_cache.h"

namespace weft {

class NetworkImpl;
struct TokenStream;
struct VocabLayout;

/// `values` as a [rows, values.size() / rows] int64 tensor on `device` (token ids or positions).
torch::Tensor tokenTensor(const std::vector<std::int64_t>& values, std::int64_t rows, const torch::Device& device);

/// After the prompt `stream` was run into row 0 of `cache`, drops the slots of the raw tokens of
/// its compressed example pairs (X-Prompt) and compacts the cache: later tokens cannot see them
/// anyway, and removing them keeps decoding short. Does nothing for a stream without pairs.
void dropExampleSlots(KvCache& cache, const TokenStream& stream);

/// The decoding streams of one image: the prompt's continuation in row 0 of `cache` and, when
/// `guidance` != 1, the unconditional stream `bos user eos assistant boi` run beside it as a
/// second batch row of a private cache, so both cost one forward per code. Construction feeds
/// `boi`; `position` (the rotary position of the next prompt token) advances with every token
/// fed. The references must outlive the object. Not thread-safe; errors of the network
/// (ShapeError, LimitError when the context is full) propagate.
class ImageDecoder {
public:
    ImageDecoder(NetworkImpl& net, const VocabLayout& vocab, const torch::Device& device, KvCache& cache,
                 std::int64_t& position, float guidance);

    /// Logits for the next code, [vocab]: conditional, or uncond + guidance * (cond - uncond).
    torch::Tensor logits();
    /// Appends the sampled code token to every stream.
    void feed(int token);

private:
    NetworkImpl& m_net;
    const torch::Device m_device;
    KvCache& m_cache;
    std::int64_t& m_position;
    const float m_guidance;
    std::optional<KvCache> m_pair; // both rows, when guided
    torch::Tensor m_cond, m_uncond;
    std::int64_t m_uncondPosition = 0;
};

} // namespace weft
