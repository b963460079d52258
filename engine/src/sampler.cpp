#include "sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>
#include <string>

#include "errors.h"

namespace weft {

Sampler::Sampler(std::uint64_t seed, const SamplerOptions& options)
    : m_options(options), m_generator(at::detail::createCPUGenerator(seed))
{
    if (!(options.temperature >= 0.0f) || !std::isfinite(options.temperature))
        throw ArgumentError("temperature: expected a finite value >= 0, found " + std::to_string(options.temperature));
    if (options.topK < 0)
        throw ArgumentError("top-k: expected 0 (off) or a positive count, found " + std::to_string(options.topK));
    if (!(options.topP > 0.0f && options.topP <= 1.0f))
        throw ArgumentError("top-p: expected a value in (0, 1], found " + std::to_string(options.topP));
}

int Sampler::sample(const torch::Tensor& logits, const std::vector<TokenRange>& allowed)
{
    if (logits.dim() != 1)
        throw ArgumentError("sampler: expected one logits row [V], found " + std::to_string(logits.dim()) + " dimensions");
    const auto v = logits.size(0);
    if (!m_masked.defined() || m_masked.size(0) != v) m_masked = torch::empty({v}, torch::kFloat);
    m_masked.fill_(-std::numeric_limits<float>::infinity());
    auto row = logits.detach().to(torch::kCPU, torch::kFloat);
    bool any = false;
    for (const TokenRange& r : allowed) {
        if (r.begin < 0 || r.end > v || r.begin > r.end)
            throw ArgumentError("sampler: expected allowed ranges inside [0, " + std::to_string(v) + "), found [" +
                                std::to_string(r.begin) + ", " + std::to_string(r.end) + ")");
        if (r.end > r.begin) {
            m_masked.narrow(0, r.begin, r.end - r.begin).copy_(row.narrow(0, r.begin, r.end - r.begin));
            any = true;
        }
    }
    if (!any) throw ArgumentError("sampler: expected at least one allowed token, found none");

    if (m_options.temperature == 0.0f) {
        // argmax returns the first maximum, which makes ties deterministic.
        return static_cast<int>(m_masked.argmax().item<int64_t>());
    }
    auto scaled = m_masked / m_options.temperature;
    if (m_options.topK > 0 && m_options.topK < v) {
        auto kth = std::get<0>(scaled.topk(m_options.topK)).min();
        scaled = scaled.masked_fill(scaled < kth, -std::numeric_limits<float>::infinity());
    }
    if (m_options.topP < 1.0f) {
        auto sorted = scaled.sort(/*dim=*/0, /*descending=*/true);
        auto values = std::get<0>(sorted);
        auto order = std::get<1>(sorted);
        auto cumulative = torch::softmax(values, 0).cumsum(0);
        // Keep a token while the mass before it is still below p (the first token always stays).
        auto drop = (cumulative - torch::softmax(values, 0)) >= m_options.topP;
        auto dropMask = torch::zeros_like(drop).scatter(0, order, drop);
        scaled = scaled.masked_fill(dropMask, -std::numeric_limits<float>::infinity());
    }
    auto probs = torch::softmax(scaled, 0);
    return static_cast<int>(torch::multinomial(probs, 1, false, m_generator).item<int64_t>());
}

} // namespace weft
