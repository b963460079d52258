#include "transformer.h"

#include <cmath>

#include "errors.h"
#include "kv_cache.h"

namespace weft {
namespace {

// A finite "minus infinity": a fully blocked row (padding) then gets uniform weights
// instead of NaNs, which would otherwise poison gradients even under a zero loss mask.
constexpr float kBlockedScore = -1e30f;

torch::nn::Linear linear(int in, int out)
{
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

} // namespace

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
                                     const torch::Tensor& blocked, KvCache* cache, int layer)
{
    const auto b = x.size(0), t = x.size(1);
    auto split = [&](const torch::Tensor& y) { return y.view({b, t, m_heads, m_headDim}).transpose(1, 2); };
    auto q = RotaryTable::apply(split(m_wq->forward(x)), cos, sin);
    auto k = RotaryTable::apply(split(m_wk->forward(x)), cos, sin);
    auto v = split(m_wv->forward(x));
    if (cache) {
        const int used = cache->used();
        cache->keys(layer).narrow(2, used, t).copy_(k);
        cache->values(layer).narrow(2, used, t).copy_(v);
        k = cache->keys(layer).narrow(2, 0, used + t);
        v = cache->values(layer).narrow(2, 0, used + t);
    }
    auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(m_headDim)));
    scores = scores.masked_fill(blocked, kBlockedScore);
    auto out = torch::matmul(torch::softmax(scores, -1), v); // [B, H, T, hd]
    return m_wo->forward(out.transpose(1, 2).reshape({b, t, m_heads * m_headDim}));
}

FeedForwardImpl::FeedForwardImpl(int dModel, int dFf)
{
    m_w1 = register_module("w1", linear(dModel, dFf));
    m_w2 = register_module("w2", linear(dFf, dModel));
    m_w3 = register_module("w3", linear(dModel, dFf));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x)
{
    return m_w2->forward(torch::silu(m_w1->forward(x)) * m_w3->forward(x));
}

TransformerBlockImpl::TransformerBlockImpl(const TransformerConfig& config)
{
    m_attnNorm = register_module("attn_norm", RmsNorm(config.dModel, config.normEps));
    m_attn = register_module("attn", Attention(config.dModel, config.heads));
    m_ffnNorm = register_module("ffn_norm", RmsNorm(config.dModel, config.normEps));
    m_ffn = register_module("ffn", FeedForward(config.dModel, config.dFf));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                            const torch::Tensor& blocked, KvCache* cache, int layer)
{
    auto h = x + m_attn->forward(m_attnNorm->forward(x), cos, sin, blocked, cache, layer);
    return h + m_ffn->forward(m_ffnNorm->forward(h));
}

} // namespace weft
