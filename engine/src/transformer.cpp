#include "transformer.h"

#include <cmath>

#include "decode_kernels.h"
#include "errors.h"
#include "kv_cache.h"

namespace weft {
namespace {

torch::nn::Linear linear(int in, int out)
{
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

} // namespace

torch::Tensor projectRows(const torch::Tensor& x, const torch::Tensor& weight)
{
    const std::int64_t in = weight.size(1), out = weight.size(0);
    const std::int64_t rows = in > 0 ? x.numel() / in : 0;
    // mv_out has no autograd formula; training inputs are large anyway.
    if (rows == 0 || rows > kMatVecRows || x.size(-1) != in || torch::GradMode::is_enabled())
        return torch::nn::functional::linear(x, weight);
    std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = out;
    auto flat = x.reshape({rows, in});
    auto result = torch::empty({rows, out}, x.options());
    if (rows <= kMatVecKernelRows && matVecKernelAvailable() && x.device().is_cpu() &&
        x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat && weight.is_contiguous()) {
        auto input = flat.contiguous();
        matVecRows(weight.data_ptr<float>(), out, in, input.data_ptr<float>(), static_cast<int>(rows),
                   result.data_ptr<float>());
        return result.view(shape);
    }
    for (std::int64_t r = 0; r < rows; ++r) {
        auto row = result.select(0, r);
        at::mv_out(row, weight, flat.select(0, r));
    }
    return result.view(shape);
}

torch::Tensor StackedWeight::get(const std::vector<torch::Tensor>& parts, const Build& build)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    bool fresh = m_stacked.defined() && m_stamp.size() == parts.size();
    for (std::size_t i = 0; fresh && i < parts.size(); ++i)
        fresh = m_stamp[i].first == parts[i].data_ptr() && m_stamp[i].second == parts[i]._version();
    if (!fresh) {
        torch::NoGradGuard noGrad;
        m_stacked = (build ? build(parts) : torch::cat(parts, 0)).contiguous();
        m_stamp.clear();
        for (const auto& p : parts) m_stamp.emplace_back(p.data_ptr(), p._version());
    }
    return m_stacked;
}

RmsNormImpl::RmsNormImpl(int dim, double eps) : m_eps(eps)
{
    weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x)
{
    auto scale = torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + m_eps);
    return x * scale * weight;
}

RotaryTable::RotaryTable(int headDim, int length, double theta)
{
    if (headDim % 2 != 0)
        throw ShapeError("rotary positions: expected an even head size, found " + std::to_string(headDim));
    const int half = headDim / 2;
    auto j = torch::arange(half, torch::kDouble);
    auto inv = torch::pow(theta, -2.0 * j / headDim);
    auto angle = torch::outer(torch::arange(length, torch::kDouble), inv); // [length, half]
    cos = torch::cat({angle.cos(), angle.cos()}, 1).to(torch::kFloat);
    sin = torch::cat({angle.sin(), angle.sin()}, 1).to(torch::kFloat);
}

std::pair<torch::Tensor, torch::Tensor> RotaryTable::gather(const torch::Tensor& positions) const
{
    const auto b = positions.size(0), t = positions.size(1);
    auto flat = positions.reshape({-1});
    auto c = cos.index_select(0, flat).view({b, 1, t, cos.size(1)});
    auto s = sin.index_select(0, flat).view({b, 1, t, sin.size(1)});
    return {c, s};
}

torch::Tensor RotaryTable::apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    const auto half = x.size(-1) / 2;
    auto x1 = x.narrow(-1, 0, half);
    auto x2 = x.narrow(-1, half, half);
    auto rotated = torch::cat({-x2, x1}, -1);
    return x * cos + rotated * sin;
}

AttentionImpl::AttentionImpl(int dModel, int heads) : m_heads(heads), m_headDim(dModel / heads)
{
    if (heads <= 0 || dModel % heads != 0)
        throw ShapeError("attention: expected d_model divisible by heads, found d_model " + std::to_string(dModel) +
                         " and " + std::to_string(heads) + " heads");
    m_wq = register_module("wq", linear(dModel, dModel));
    m_wk = register_module("wk", linear(dModel, dModel));
    m_wv = register_module("wv", linear(dModel, dModel));
    m_wo = register_module("wo", linear(dModel, dModel));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                     const torch::Tensor& blocked, KvCache* cache, int layer, ForwardMode mode)
{
    if (mode == ForwardMode::OneTokenDecode && (!cache || x.size(1) != 1))
        throw ArgumentError("attention: one-token decode expects a cache and one new token per row, found " +
                            std::to_string(x.size(1)) + " per row" + (cache ? "" : " and no cache"));
    const std::int64_t d = static_cast<std::int64_t>(m_heads) * m_headDim;
    if (mode == ForwardMode::Training)
        return attend(m_wq->forward(x), m_wk->forward(x), m_wv->forward(x), cos, sin, blocked, cache, layer);
    auto qkv = projectRows(x, m_qkv.get({m_wq->weight, m_wk->weight, m_wv->weight}));
    if (mode == ForwardMode::OneTokenDecode &&
        oneTokenAttentionApplies(x, cache->keys(layer), cache->values(layer)))
        return projectRows(attendOneToken(qkv, cos, sin, blocked, cache->keys(layer), cache->values(layer),
                                          cache->used(), m_heads, m_headDim),
                           m_wo->weight);
    return attend(qkv.narrow(-1, 0, d), qkv.narrow(-1, d, d), qkv.narrow(-1, 2 * d, d), cos, sin, blocked, cache,
                  layer);
}

torch::Tensor AttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                    const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& blocked,
                                    KvCache* cache, int layer)
{
    const auto b = q.size(0), t = q.size(1);
    const std::int64_t d = static_cast<std::int64_t>(m_heads) * m_headDim;
    auto split = [&](const torch::Tensor& y) { return y.view({b, t, m_heads, m_headDim}).transpose(1, 2); };
    auto qh = RotaryTable::apply(split(q), cos, sin);
    auto kh = RotaryTable::apply(split(k), cos, sin);
    auto vh = split(v);
    if (cache) {
        const int used = cache->used();
        cache->keys(layer).narrow(2, used, t).copy_(kh);
        cache->values(layer).narrow(2, used, t).copy_(vh);
        // An empty cache (prefill) holds exactly k and v now: attending the fresh tensors
        // avoids matmul's slow path for a [.., S, hd] slice of the capacity-long storage
        // (2.5x slower for the weights·values product of a 200-token prompt).
        if (used > 0) {
            kh = cache->keys(layer).narrow(2, 0, used + t);
            vh = cache->values(layer).narrow(2, 0, used + t);
        }
    }
    auto scores = torch::matmul(qh, kh.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(m_headDim)));
    if (blocked.defined()) scores = scores.masked_fill(blocked, kBlockedScore);
    auto out = torch::matmul(torch::softmax(scores, -1), vh); // [B, H, T, hd]
    return projectRows(out.transpose(1, 2).reshape({b, t, d}), m_wo->weight);
}

FeedForwardImpl::FeedForwardImpl(int dModel, int dFf)
{
    m_w1 = register_module("w1", linear(dModel, dFf));
    m_w2 = register_module("w2", linear(dFf, dModel));
    m_w3 = register_module("w3", linear(dModel, dFf));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x, ForwardMode mode)
{
    if (mode == ForwardMode::Training) return m_w2->forward(torch::silu(m_w1->forward(x)) * m_w3->forward(x));
    const auto f = m_w1->weight.size(0);
    auto both = projectRows(x, m_w13.get({m_w1->weight, m_w3->weight}));
    return projectRows(torch::silu(both.narrow(-1, 0, f)) * both.narrow(-1, f, f), m_w2->weight);
}

TransformerBlockImpl::TransformerBlockImpl(const TransformerConfig& config)
{
    m_attnNorm = register_module("attn_norm", RmsNorm(config.dModel, config.normEps));
    m_attn = register_module("attn", Attention(config.dModel, config.heads));
    m_ffnNorm = register_module("ffn_norm", RmsNorm(config.dModel, config.normEps));
    m_ffn = register_module("ffn", FeedForward(config.dModel, config.dFf));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                            const torch::Tensor& blocked, KvCache* cache, int layer,
                                            ForwardMode mode)
{
    auto h = x + m_attn->forward(m_attnNorm->forward(x), cos, sin, blocked, cache, layer, mode);
    return h + m_ffn->forward(m_ffnNorm->forward(h), mode);
}

} // namespace weft
