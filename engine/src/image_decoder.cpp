#include "image_decoder.h"

#include "model_config.h"
#include "network.h"
#include "token_stream.h"

namespace weft {

torch::Tensor tokenTensor(const std::vector<std::int64_t>& values, std::int64_t rows, const torch::Device& device)
{
    const auto cols = static_cast<std::int64_t>(values.size()) / rows;
    return torch::tensor(values, torch::kLong).view({rows, cols}).to(device);
}

void dropExampleSlots(KvCache& cache, const TokenStream& stream)
{
    if (stream.groupEnd.empty()) return;
    std::vector<int> raw;
    for (int i = 0; i < stream.size(); ++i)
        if (stream.exampleGroup[static_cast<std::size_t>(i)] >= 0) raw.push_back(i);
    cache.dropSlots(0, raw);
    cache.compact();
}

ImageDecoder::ImageDecoder(NetworkImpl& net, const VocabLayout& vocab, const torch::Device& device, KvCache& cache,
                           std::int64_t& position, float guidance)
    : m_net(net), m_device(device), m_cache(cache), m_position(position), m_guidance(guidance)
{
    if (guidance == 1.0f) {
        feed(vocab.boi);
        return;
    }
    m_pair.emplace(net.makeCache(2));
    m_pair->copyRowFrom(cache, 0, 0);
    const std::vector<std::int64_t> uncond{vocab.bos, vocab.user, vocab.eos, vocab.assistant, vocab.boi};
    const auto n = static_cast<std::int64_t>(uncond.size());
    // Row 0 takes only `boi`; the rest of its slots are padding.
    std::vector<std::int64_t> rows(uncond.size(), vocab.eos);
    rows[0] = vocab.boi;
    rows.insert(rows.end(), uncond.begin(), uncond.end());
    std::vector<std::int64_t> pos(uncond.size(), position);
    for (std::int64_t i = 0; i < n; ++i) pos.push_back(i);
    auto valid = torch::ones({2, n}, torch::kBool);
    valid[0].narrow(0, 1, n - 1).fill_(false);
    auto h = net.forwardCached(tokenTensor(rows, 2, device), tokenTensor(pos, 2, device), {}, valid, *m_pair);
    m_cond = h[0][0];
    m_uncond = h[1][n - 1];
    ++m_position;
    m_uncondPosition = n;
}

torch::Tensor ImageDecoder::logits()
{
    if (!m_pair) return m_net.logits(m_cond);
    auto both = m_net.logits(torch::stack({m_cond, m_uncond}));
    return both[1] + m_guidance * (both[0] - both[1]);
}

void ImageDecoder::feed(int token)
{
    if (!m_pair) {
        auto h = m_net.forwardCached(tokenTensor({token}, 1, m_device), tokenTensor({m_position}, 1, m_device), {}, {},
                                     m_cache);
        ++m_position;
        m_cond = h[0][0];
        return;
    }
    auto h = m_net.forwardCached(tokenTensor({token, token}, 2, m_device),
                                 tokenTensor({m_position, m_uncondPosition}, 2, m_device), {}, {}, *m_pair);
    ++m_position;
    ++m_uncondPosition;
    m_cond = h[0][0];
    m_uncond = h[1][0];
}

} // namespace weft
