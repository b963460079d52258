#pragma once
// Raw CPU kernels of the decode step, where the plain torch code of transformer.cpp would
// run as many small tensor operations whose overhead dominates a model this small: a
// matrix-vector product that reads a weight once for one or two input rows (AVX2/FMA), and
// attention of one new token per row over a KV cache. Each gives the values of its torch
// counterpart up to float rounding (test_model checks both against torch on random inputs).

#include <cstdint>

#include <torch/torch.h>

namespace weft {

/// Score of a query-key pair that may not attend: a finite "minus infinity", so that a fully
/// blocked row (padding) gets uniform weights instead of NaNs, which would otherwise poison
/// gradients even under a zero loss mask. Shared by the torch path and attendOneToken.
constexpr float kBlockedScore = -1e30f;

/// Most input rows matVecRows takes.
constexpr int kMatVecKernelRows = 2;

/// Whether matVecRows can run here: an x86-64 CPU with AVX2 and FMA. Thread-safe.
bool matVecKernelAvailable();

/// y[r] = weight·x[r] for `rows` (1..kMatVecKernelRows) input rows, reading the weight once
/// for all of them. weight [out, in], x [rows, in] and y [rows, out] are row-major floats.
/// Requires matVecKernelAvailable(). Throws ArgumentError for another row count, or when the
/// kernel is not available. Thread-safe (reads only weight and x).
void matVecRows(const float* weight, std::int64_t out, std::int64_t in, const float* x, int rows, float* y);

/// Whether attendOneToken can run on block input `x` and a layer's cache storage: a CPU float
/// input and contiguous float keys and values.
bool oneTokenAttentionApplies(const torch::Tensor& x, const torch::Tensor& keys, const torch::Tensor& values);

/// Attention of one new token per row. qkv [B, 1, 3d] holds the token's q, k and v (heads
/// concatenated, d = heads · headDim); cos/sin [B, 1, 1, headDim] its rotary phases (from
/// RotaryTable::gather). Rotates q and k, writes k and v into slot `used` of keys/values
/// [B, heads, capacity, headDim], and attends slots [0, used] of each row, skipping those
/// `blocked` marks ([B, 1, 1, used + 1] bool; undefined: none). Returns [B, 1, d], heads
/// concatenated. The arithmetic of the torch path (scores scaled after the dot product,
/// blocked scores at kBlockedScore, max-subtracted softmax). Requires
/// oneTokenAttentionApplies; throws ShapeError for a blocked mask of another size.
torch::Tensor attendOneToken(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                             const torch::Tensor& blocked, torch::Tensor& keys, torch::Tensor& values, int used,
                             int heads, int headDim);

} // namespace weft
