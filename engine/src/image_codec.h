#pragma once
// Image codec: a 64x64 image <-> an 8x8 grid of codes (see docs/MODEL_FORMAT.md), of one of
// two kinds (codec.kind). "patch_dictionary": an exact lookup table of palette patches
// (patch_dictionary.h), stored as the tensors codec.patches and codec.patch_kind.
// "fsq": a learned codec. Encoder: a per-patch MLP, so a patch's code depends on that patch alone (an edit leaves
// the codes of untouched patches identical). Decoder: a small bidirectional transformer over
// all codes (the background, carried by the margin patches, is visible everywhere), then a
// per-pixel head: palette logits when the config declares a palette, RGB otherwise.

#include <vector>

#include "model_config.h"
#include "patch_dictionary.h"
#include "transformer.h"
#include "weft/media.h"

#include <torch/torch.h>

namespace weft {

class CodecEncoderImpl : public torch::nn::Module {
public:
    explicit CodecEncoderImpl(const CodecConfig& config);
    torch::Tensor forward(const torch::Tensor& input); // [B,N,p*p*C] -> [B,N,D] unbounded

private:
    torch::nn::Linear m_fc1{nullptr}, m_fc2{nullptr}, m_fc3{nullptr};
};
TORCH_MODULE(CodecEncoder);

class CodecBlockImpl : public torch::nn::Module {
public:
    CodecBlockImpl(int dim, int heads);
    torch::Tensor forward(const torch::Tensor& x);

private:
    int m_heads;
    RmsNorm m_norm1{nullptr}, m_norm2{nullptr};
    torch::nn::Linear m_qkv{nullptr}, m_proj{nullptr}, m_fc1{nullptr}, m_fc2{nullptr};
};
TORCH_MODULE(CodecBlock);

class CodecDecoderImpl : public torch::nn::Module {
public:
    explicit CodecDecoderImpl(const CodecConfig& config);
    /// values: [B,N,D] normalised FSQ values; codes: [B,N] long indices of the same codes
    /// (read only when the config has decoderCodeEmbedding). -> [B,N,p*p*C]
    torch::Tensor forward(const torch::Tensor& values, const torch::Tensor& codes);

private:
    torch::nn::Linear m_input{nullptr}, m_output{nullptr};
    torch::Tensor m_pos;
    torch::Tensor m_codeEmbed; // [codebook, dim] or undefined
    torch::nn::ModuleList m_layers{nullptr};
    RmsNorm m_norm{nullptr};
};
TORCH_MODULE(CodecDecoder);

class ImageCodecImpl : public torch::nn::Module {
public:
    explicit ImageCodecImpl(const CodecConfig& config);

    /// Images of any size -> model input [B, N, patch*patch*C] float on `device` (one-hot
    /// palette or RGB in [0,1]); N = grid*grid patches in row-major order, pixels row-major
    /// inside a patch, channel innermost. Images not at imageSize are area-resized first.
    /// With marginBackground, inner pixels of the background's colours are all-zero.
    torch::Tensor pixelInput(const std::vector<Image>& images) const;
    /// Nearest palette index of every pixel, [B, N, patch*patch] long (palette configs only).
    torch::Tensor paletteTargets(const std::vector<Image>& images) const;

    /// Bounded pre-quantisation latent [B, N, D] (D = number of FSQ levels).
    torch::Tensor encodeLatent(const torch::Tensor& input);
    /// Rounds to the FSQ grid with a straight-through gradient; integer values centred on 0.
    torch::Tensor quantize(const torch::Tensor& latent) const;
    /// Quantised values [B, N, D] <-> code indices [B, N] long (mixed radix, first level slowest).
    torch::Tensor codesFromValues(const torch::Tensor& values) const;
    torch::Tensor valuesFromCodes(const torch::Tensor& codes) const;
    /// Per-pixel outputs [B, N, patch*patch*C] from quantised values: palette logits, or RGB logits.
    torch::Tensor decodeOutputs(const torch::Tensor& values);
    /// Penalty on pre-bound latents far outside the rounding range (keeps FSQ codes in use).
    torch::Tensor boundPenalty(const torch::Tensor& input);

    /// Inference helpers (no grad): images -> codes [B, N] long; codes -> images at imageSize.
    /// Both kinds. Throws ArgumentError for images without pixels or codes out of range.
    torch::Tensor encodeImages(const std::vector<Image>& images);
    std::vector<Image> decodeImages(const torch::Tensor& codes);

    /// Patch dictionary only (null for FSQ): the table behind codec.patches/patch_kind.
    const PatchDictionary* dictionary() const noexcept { return m_config.kind == CodecKind::PatchDictionary ? &m_dictionary : nullptr; }
    /// Re-reads the dictionary from the codec.patches/patch_kind tensors after they were
    /// overwritten (a weight load). Throws ArgumentError for values that are no table.
    void syncDictionary();
    /// Stores `dictionary` into the tensors (and uses it). Patch dictionary only.
    void setDictionary(const PatchDictionary& dictionary);

    const CodecConfig& config() const noexcept { return m_config; }

private:
    torch::Tensor pixelsToTensor(const std::vector<Image>& images) const; // [B,S,S,3] float 0..255
    torch::Tensor paletteTensor(const std::vector<Image>& images) const;  // [B,S,S] long palette indices
    torch::Tensor patchify(const torch::Tensor& perPixel) const;          // [B,S,S,...] -> [B,N,p*p,...]
    // [B,S,S] 1.0 where a pixel inside the ring of margin patches has a background colour.
    torch::Tensor innerBackground(const torch::Tensor& idx, const torch::Tensor& onehot) const;

    void requireFsq(const char* what) const;

    CodecConfig m_config;
    PatchDictionary m_dictionary;
    torch::Tensor m_patches;    // [C, p*p] palette index or -1 (transparent); dictionary kind
    torch::Tensor m_patchKind;  // [C] 0 inner, 1 margin, -1 unused; dictionary kind
    torch::Tensor m_paletteRgb; // [P,3] float (derived from config, not a tensor of the file)
    torch::Tensor m_half;       // [D] (L-1)/2
    torch::Tensor m_offset;     // [D] 0.5 for even L
    torch::Tensor m_shift;      // [D] atanh(offset/half)
    torch::Tensor m_floorHalf;  // [D] floor(L/2)
    torch::Tensor m_basis;      // [D] long mixed-radix weights
    torch::Tensor m_levels;     // [D] long
    CodecEncoder m_encoder{nullptr};
    CodecDecoder m_decoder{nullptr};
};
TORCH_MODULE(ImageCodec);

} // namespace weft
