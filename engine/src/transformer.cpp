#include "transformer.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
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

// Dot product with eight independent partial sums: the compiler may keep them in vector
// registers without reassociating a single running sum (which strict IEEE forbids).
float dot(const float* a, const float* b, std::int64_t n)
{
    constexpr int kLanes = 8;
    float partial[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (int j = 0; j < kLanes; ++j) partial[j] += a[i + j] * b[i + j];
    float sum = 0.0f;
    for (; i < n; ++i) sum += a[i] * b[i];
    for (int j = 0; j < kLanes; ++j) sum += partial[j];
    return sum;
}

// rotate-half rotary (MODEL_FORMAT.md) of one head vector into `out`.
void rotate(const float* x, const float* cos, const float* sin, std::int64_t headDim, float* out)
{
    const std::int64_t half = headDim / 2;
    for (std::int64_t i = 0; i < half; ++i) out[i] = x[i] * cos[i] + (-x[i + half]) * sin[i];
    for (std::int64_t i = half; i < headDim; ++i) out[i] = x[i] * cos[i] + x[i - half] * sin[i];
}

// Whether the fused one-token decode path applies: it reads raw float storage.
bool fusedDecodeApplies(const torch::Tensor& x, KvCache* cache)
{
    return cache && x.size(1) == 1 && !torch::GradMode::is_enabled() && x.device().is_cpu() &&
           x.scalar_type() == torch::kFloat && cache->keys(0).is_contiguous() && cache->values(0).is_contiguous();
}

// One new token per row (qkv [B, 1, 3d], cos/sin [B, 1, 1, hd]): rotates q and k, writes k
// and v into slot `used` of `keys`/`values` [B, H, capacity, hd], and attends slots
// [0, used] of each row, skipping those `blocked` marks ([B, 1, 1, used + 1] bool, or
// undefined). Returns [B, 1, d], heads concatenated. The same arithmetic as the general path
// (scores scaled after the dot product, blocked scores at kBlockedScore, max-subtracted
// softmax) in ~25 fewer tensor operations per layer, which dominate a decode step of a model
// this small.
torch::Tensor attendOneToken(const torch::Tensor& qkv, const torch::Tensor& cosTable, const torch::Tensor& sinTable,
                             const torch::Tensor& blocked, torch::Tensor& keys, torch::Tensor& values, int used,
                             int heads, int headDim)
{
    const std::int64_t b = qkv.size(0), d = static_cast<std::int64_t>(heads) * headDim;
    const std::int64_t capacity = keys.size(2), slots = used + 1;
    auto in = qkv.contiguous();
    auto cos = cosTable.contiguous(), sin = sinTable.contiguous();
    torch::Tensor mask;
    if (blocked.defined()) {
        if (blocked.size(0) != b || blocked.size(-1) != slots)
            throw ShapeError("attention: expected a blocked mask over " + std::to_string(slots) + " slots");
        mask = blocked.to(torch::kBool).reshape({b, slots});
        if (mask.stride(1) != 1) mask = mask.contiguous();
    }
    auto out = torch::empty({b, 1, d}, qkv.options());
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(headDim)));
    std::vector<float> q(static_cast<std::size_t>(headDim));
    std::vector<float> weights(static_cast<std::size_t>(slots));
    float* keyData = keys.data_ptr<float>();
    float* valueData = values.data_ptr<float>();
    for (std::int64_t row = 0; row < b; ++row) {
        const float* x = in.data_ptr<float>() + row * 3 * d;
        const float* c = cos.data_ptr<float>() + row * headDim;
        const float* s = sin.data_ptr<float>() + row * headDim;
        const bool* rowBlocked = mask.defined() ? mask.data_ptr<bool>() + row * mask.stride(0) : nullptr;
        for (std::int64_t h = 0; h < heads; ++h) {
            const std::int64_t base = ((row * heads + h) * capacity) * headDim;
            float* k = keyData + base;
            float* v = valueData + base;
            rotate(x + h * headDim, c, s, headDim, q.data());
            rotate(x + d + h * headDim, c, s, headDim, k + used * headDim);
            std::copy_n(x + 2 * d + h * headDim, headDim, v + used * headDim);
            float top = kBlockedScore;
            for (std::int64_t j = 0; j < slots; ++j) {
                const float score =
                    (rowBlocked && rowBlocked[j]) ? kBlockedScore : dot(q.data(), k + j * headDim, headDim) * scale;
                weights[static_cast<std::size_t>(j)] = score;
                top = std::max(top, score);
            }
            float total = 0.0f;
            for (float& w : weights) {
                w = std::exp(w - top);
                total += w;
            }
            float* o = out.data_ptr<float>() + row * d + h * headDim;
            std::fill_n(o, headDim, 0.0f);
            for (std::int64_t j = 0; j < slots; ++j) {
                const float w = weights[static_cast<std::size_t>(j)] / total;
                const float* vj = v + j * headDim;
                for (std::int64_t i = 0; i < headDim; ++i) o[i] += w * vj[i];
            }
        }
    }
    return out;
}

#if defined(__x86_64__)
float horizontalSum(__m256 v) __attribute__((target("avx2,fma")));
float horizontalSum(__m256 v)
{
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 1));
    return _mm_cvtss_f32(sum);
}

// y[r] = W·x[r] for kRows input rows (x and y row-major) and a row-major W [out, in],
// reading W once for all rows. One row is a decode step; two are the guided image stream
// (conditional and unconditional), for which two BLAS matrix-vector products would stream
// the ~10 MB of weft-tiny's weights from memory twice per token. Measured on the 2-core
// machine, this also beats OpenBLAS's sgemv for one row. Compiled for AVX2/FMA and used only
// where the CPU has them (the rest of the engine is built for the baseline x86-64 set).
template <int kRows>
__attribute__((target("avx2,fma"))) void matVecRows(const float* w, std::int64_t out, std::int64_t in, const float* x,
                                                   float* y)
{
    constexpr std::int64_t kLanes = 8;
    for (std::int64_t o = 0; o < out; ++o) {
        const float* row = w + o * in;
        // Two accumulators per input row halve the chain of dependent fused multiply-adds.
        __m256 a[kRows], b[kRows];
        for (int r = 0; r < kRows; ++r) a[r] = b[r] = _mm256_setzero_ps();
        std::int64_t i = 0;
        for (; i + 2 * kLanes <= in; i += 2 * kLanes) {
            const __m256 wa = _mm256_loadu_ps(row + i), wb = _mm256_loadu_ps(row + i + kLanes);
            for (int r = 0; r < kRows; ++r) {
                a[r] = _mm256_fmadd_ps(wa, _mm256_loadu_ps(x + r * in + i), a[r]);
                b[r] = _mm256_fmadd_ps(wb, _mm256_loadu_ps(x + r * in + i + kLanes), b[r]);
            }
        }
        for (int r = 0; r < kRows; ++r) {
            float sum = horizontalSum(_mm256_add_ps(a[r], b[r]));
            for (std::int64_t j = i; j < in; ++j) sum += row[j] * x[r * in + j];
            y[r * out + o] = sum;
        }
    }
}

bool hasAvx2Fma()
{
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}
#endif

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
#if defined(__x86_64__)
    if (rows <= 2 && hasAvx2Fma() && x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
        weight.scalar_type() == torch::kFloat && weight.is_contiguous()) {
        auto input = flat.contiguous();
        const auto kernel = rows == 1 ? &matVecRows<1> : &matVecRows<2>;
        kernel(weight.data_ptr<float>(), out, in, input.data_ptr<float>(), result.data_ptr<float>());
        return result.view(shape);
    }
#endif
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
                                     const torch::Tensor& blocked, KvCache* cache, int layer)
{
    const auto b = x.size(0), t = x.size(1);
    const std::int64_t d = static_cast<std::int64_t>(m_heads) * m_headDim;
    torch::Tensor q, k, v;
    if (torch::GradMode::is_enabled()) {
        q = m_wq->forward(x);
        k = m_wk->forward(x);
        v = m_wv->forward(x);
    } else {
        auto qkv = projectRows(x, m_qkv.get({m_wq->weight, m_wk->weight, m_wv->weight}));
        if (fusedDecodeApplies(x, cache))
            return projectRows(attendOneToken(qkv, cos, sin, blocked, cache->keys(layer), cache->values(layer),
                                              cache->used(), m_heads, m_headDim),
                               m_wo->weight);
        q = qkv.narrow(-1, 0, d);
        k = qkv.narrow(-1, d, d);
        v = qkv.narrow(-1, 2 * d, d);
    }
    auto split = [&](const torch::Tensor& y) { return y.view({b, t, m_heads, m_headDim}).transpose(1, 2); };
    q = RotaryTable::apply(split(q), cos, sin);
    k = RotaryTable::apply(split(k), cos, sin);
    v = split(v);
    if (cache) {
        const int used = cache->used();
        cache->keys(layer).narrow(2, used, t).copy_(k);
        cache->values(layer).narrow(2, used, t).copy_(v);
        // An empty cache (prefill) holds exactly k and v now: attending the fresh tensors
        // avoids matmul's slow path for a [.., S, hd] slice of the capacity-long storage
        // (2.5x slower for the weights·values product of a 200-token prompt).
        if (used > 0) {
            k = cache->keys(layer).narrow(2, 0, used + t);
            v = cache->values(layer).narrow(2, 0, used + t);
        }
    }
    auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(m_headDim)));
    if (blocked.defined()) scores = scores.masked_fill(blocked, kBlockedScore);
    auto out = torch::matmul(torch::softmax(scores, -1), v); // [B, H, T, hd]
    return projectRows(out.transpose(1, 2).reshape({b, t, d}), m_wo->weight);
}

FeedForwardImpl::FeedForwardImpl(int dModel, int dFf)
{
    m_w1 = register_module("w1", linear(dModel, dFf));
    m_w2 = register_module("w2", linear(dFf, dModel));
    m_w3 = register_module("w3", linear(dModel, dFf));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x)
{
    if (torch::GradMode::is_enabled()) return m_w2->forward(torch::silu(m_w1->forward(x)) * m_w3->forward(x));
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
                                            const torch::Tensor& blocked, KvCache* cache, int layer)
{
    auto h = x + m_attn->forward(m_attnNorm->forward(x), cos, sin, blocked, cache, layer);
    return h + m_ffn->forward(m_ffnNorm->forward(h));
}

} // namespace weft
