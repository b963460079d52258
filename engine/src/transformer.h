#pragma once
// Building blocks of the decoder: RMSNorm, rotary positions, attention written with
// matmul/softmax (libtorch 1.13 has no fused attention), SwiGLU feed-forward, and the
// pre-norm block. Module and parameter names are those of the tensor table
// (tensor_table.cpp): a block registers attn_norm, attn.{wq,wk,wv,wo}, ffn_norm, ffn.{w1,w2,w3}.
// The raw CPU kernels of the decode step live in decode_kernels.h.

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include <torch/torch.h>

#include "model_config.h"

namespace weft {

class KvCache;

/// How a block computes its forward pass; the caller picks it. All three give the same values
/// up to float rounding.
enum class ForwardMode {
    /// Autograd reaches every weight: q, k, v and the SwiGLU gate and up are separate
    /// products, attention is matmul/softmax.
    Training,
    /// Inference over any number of new tokens: q/k/v (and gate/up) run as one product over
    /// stacked weights (StackedWeight, a copy: no gradient reaches the weights), attention is
    /// matmul/softmax.
    BatchedInference,
    /// Inference of one new token per row with a KV cache (a decode step): as
    /// BatchedInference, with rotary, cache write and attention fused into one pass over the
    /// cache (attendOneToken) where it can run (CPU, float); elsewhere the matmul path.
    OneTokenDecode,
};

/// y = x·weightᵀ for x [..., in] and weight [out, in] -> [..., out], like a bias-free Linear.
/// Up to kMatVecRows rows (decoding: one token per stream) run as matrix-vector products,
/// which read the weight once; a matrix product with that few rows costs ~5x more because
/// the BLAS repacks the whole weight on every call; one or two rows of CPU floats use the
/// AVX2 kernel (matVecRows, decode_kernels.h) where the CPU has it. Larger inputs, and any
/// input while autograd records (GradMode), use the matrix product.
torch::Tensor projectRows(const torch::Tensor& x, const torch::Tensor& weight);
constexpr std::int64_t kMatVecRows = 4;

/// Weights that multiply the same input (q/k/v, the SwiGLU gate and up), stacked row-wise
/// into one [Σ out, in] tensor so that inference runs one product instead of several. The
/// file format keeps them apart; the stack is built on first use and rebuilt when a part is
/// modified in place (its version counter moves, e.g. an optimiser step or a weight load) or
/// replaced. Thread-safe. Not for autograd: the stack is a copy.
class StackedWeight {
public:
    /// Function that derives the cached tensor from the parts (default: a row-wise stack).
    using Build = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;
    torch::Tensor get(const std::vector<torch::Tensor>& parts, const Build& build = {});

private:
    std::mutex m_mutex;
    torch::Tensor m_stacked;
    std::vector<std::pair<const void*, std::int64_t>> m_stamp; // data and version of each part
};

/// Root-mean-square norm with a learned scale ("weight", initialised to 1) and no bias.
class RmsNormImpl : public torch::nn::Module {
public:
    RmsNormImpl(int dim, double eps);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(RmsNorm);

/// Rotary position tables for head size `headDim` up to `length` positions (rotate-half
/// convention: frequency j of the first half pairs with element j of the second half).
struct RotaryTable {
    RotaryTable() = default;
    RotaryTable(int headDim, int length, double theta);
    /// cos and sin gathered at `positions` [B, T] (long) -> [B, 1, T, headDim] each.
    std::pair<torch::Tensor, torch::Tensor> gather(const torch::Tensor& positions) const;
    /// Applies the rotation to x [B, H, T, headDim].
    static torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
    torch::Tensor cos; ///< [length, headDim]
    torch::Tensor sin; ///< [length, headDim]
};

/// Multi-head self-attention without biases.
class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(int dModel, int heads);
    /// x [B, T, d]; cos/sin from RotaryTable::gather; `blocked` [B, 1, T, S] bool, true where
    /// a query may NOT attend (undefined: none blocked). Without a cache S == T. With a cache
    /// the new keys/values go to slots [used, used + T) of layer `layer` and attention covers
    /// slots [0, used + T). `mode` says how (ForwardMode); OneTokenDecode throws
    /// ArgumentError without a cache or with T != 1.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          const torch::Tensor& blocked, KvCache* cache, int layer, ForwardMode mode);
    int heads() const noexcept { return m_heads; }
    int headDim() const noexcept { return m_headDim; }

private:
    // The matmul/softmax path from the projected q, k, v [B, T, d] to the output [B, T, d].
    torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                         const torch::Tensor& cos, const torch::Tensor& sin, const torch::Tensor& blocked,
                         KvCache* cache, int layer);

    int m_heads;
    int m_headDim;
    torch::nn::Linear m_wq{nullptr}, m_wk{nullptr}, m_wv{nullptr}, m_wo{nullptr};
    StackedWeight m_qkv;
};
TORCH_MODULE(Attention);

/// SwiGLU: w2(silu(w1 x) * w3 x).
class FeedForwardImpl : public torch::nn::Module {
public:
    FeedForwardImpl(int dModel, int dFf);
    /// x [..., d] -> [..., d]; `mode` Training keeps w1 and w3 apart for autograd, the other
    /// modes run them as one stacked product.
    torch::Tensor forward(const torch::Tensor& x, ForwardMode mode);

private:
    torch::nn::Linear m_w1{nullptr}, m_w2{nullptr}, m_w3{nullptr};
    StackedWeight m_w13;
};
TORCH_MODULE(FeedForward);

/// Pre-norm block: x + attn(norm(x)), then + ffn(norm(x)).
class TransformerBlockImpl : public torch::nn::Module {
public:
    explicit TransformerBlockImpl(const TransformerConfig& config);
    /// Arguments as for AttentionImpl::forward; `mode` applies to attention and feed-forward.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                          const torch::Tensor& blocked, KvCache* cache, int layer, ForwardMode mode);

private:
    RmsNorm m_attnNorm{nullptr};
    Attention m_attn{nullptr};
    RmsNorm m_ffnNorm{nullptr};
    FeedForward m_ffn{nullptr};
};
TORCH_MODULE(TransformerBlock);

} // namespace weft
