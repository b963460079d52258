#include "decode_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <vector>

#include "errors.h"

namespace weft {
namespace {

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

// One head of one row: scores of q against slots [0, slots) of k, softmax, weighted sum of
// v into o. `weights` holds `slots` floats of scratch.
void attendHead(const float* q, const float* k, const float* v, const bool* blocked, std::int64_t slots,
                std::int64_t headDim, float scale, std::vector<float>& weights, float* o)
{
    float top = kBlockedScore;
    for (std::int64_t j = 0; j < slots; ++j) {
        const float score = (blocked && blocked[j]) ? kBlockedScore : dot(q, k + j * headDim, headDim) * scale;
        weights[static_cast<std::size_t>(j)] = score;
        top = std::max(top, score);
    }
    float total = 0.0f;
    for (float& w : weights) {
        w = std::exp(w - top);
        total += w;
    }
    std::fill_n(o, headDim, 0.0f);
    for (std::int64_t j = 0; j < slots; ++j) {
        const float w = weights[static_cast<std::size_t>(j)] / total;
        const float* vj = v + j * headDim;
        for (std::int64_t i = 0; i < headDim; ++i) o[i] += w * vj[i];
    }
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

// One row is a decode step; two are the guided image stream (conditional and unconditional),
// for which two BLAS matrix-vector products would stream the ~10 MB of weft-tiny's weights
// from memory twice per token. Measured on the 2-core machine, this also beats OpenBLAS's
// sgemv for one row. Compiled for AVX2/FMA and used only where the CPU has them (the rest of
// the engine is built for the baseline x86-64 set).
template <int kRows>
__attribute__((target("avx2,fma"))) void matVecAvx2(const float* w, std::int64_t out, std::int64_t in, const float* x,
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
#endif

} // namespace

bool matVecKernelAvailable()
{
#if defined(__x86_64__)
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
#else
    return false;
#endif
}

void matVecRows(const float* weight, std::int64_t out, std::int64_t in, const float* x, int rows, float* y)
{
    if (rows < 1 || rows > kMatVecKernelRows)
        throw ArgumentError("matrix-vector kernel: expected 1.." + std::to_string(kMatVecKernelRows) +
                            " rows, found " + std::to_string(rows));
    if (!matVecKernelAvailable())
        throw ArgumentError("matrix-vector kernel: this CPU has no AVX2/FMA");
#if defined(__x86_64__)
    const auto kernel = rows == 1 ? &matVecAvx2<1> : &matVecAvx2<2>;
    kernel(weight, out, in, x, y);
#else
    static_cast<void>(weight), static_cast<void>(out), static_cast<void>(in), static_cast<void>(x),
        static_cast<void>(y);
#endif
}

bool oneTokenAttentionApplies(const torch::Tensor& x, const torch::Tensor& keys, const torch::Tensor& values)
{
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat && keys.scalar_type() == torch::kFloat &&
           values.scalar_type() == torch::kFloat && keys.is_contiguous() && values.is_contiguous();
}

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
            attendHead(q.data(), k, v, rowBlocked, slots, headDim, scale, weights,
                       out.data_ptr<float>() + row * d + h * headDim);
        }
    }
    return out;
}

} // namespace weft
