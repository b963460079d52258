// The tensor table of a model folder: every tensor model.safetensors holds, with its shape.
// This is the single list the loader validates against, the saver writes from and the
// Network's parameters must match (see MODEL_FORMAT.md).
#include <string>

#include "codec_tensors.h"
#include "model_config.h"

namespace weft {
namespace {

// Per-layer tensors: suffix after "layers.{i}." and which sizes form the shape.
enum class Dim { None, Model, Ff };
struct LayerTensor {
    const char* suffix;
    Dim rows;   // first dimension
    Dim cols;   // second dimension, None for a 1-D tensor
};

constexpr LayerTensor kLayerTensors[] = {
    {"attn_norm.weight", Dim::Model, Dim::None},
    {"attn.wq.weight", Dim::Model, Dim::Model},
    {"attn.wk.weight", Dim::Model, Dim::Model},
    {"attn.wv.weight", Dim::Model, Dim::Model},
    {"attn.wo.weight", Dim::Model, Dim::Model},
    {"ffn_norm.weight", Dim::Model, Dim::None},
    {"ffn.w1.weight", Dim::Ff, Dim::Model},
    {"ffn.w3.weight", Dim::Ff, Dim::Model},
    {"ffn.w2.weight", Dim::Model, Dim::Ff},
};

} // namespace

std::vector<TensorSpec> ModelConfig::tensorSpecs() const
{
    const std::int64_t v = vocab.total;
    const std::int64_t d = transformer.dModel;
    const std::int64_t ff = transformer.dFf;
    auto size = [&](Dim which) { return which == Dim::Ff ? ff : d; };

    std::vector<TensorSpec> specs;
    specs.push_back({"tok_embeddings.weight", {v, d}});
    for (int i = 0; i < transformer.layers; ++i) {
        const std::string prefix = "layers." + std::to_string(i) + ".";
        for (const LayerTensor& t : kLayerTensors) {
            if (t.cols == Dim::None)
                specs.push_back({prefix + t.suffix, {size(t.rows)}});
            else
                specs.push_back({prefix + t.suffix, {size(t.rows), size(t.cols)}});
        }
    }
    specs.push_back({"norm.weight", {d}});
    specs.push_back({"output.weight", {v, d}});
    const std::int64_t codes = codec.codebookSize();
    const std::int64_t colors = static_cast<std::int64_t>(codec.palette.size()) + 1; // + "draws nothing"
    if (transformer.imagePositions)
        specs.push_back({"image_codes.pos", {static_cast<std::int64_t>(codec.grid) * codec.grid, d}});
    if (transformer.factoredImageCodes) {
        specs.push_back({"image_codes.in_mask", {codes, d}});
        specs.push_back({"image_codes.in_color", {colors, d}});
        specs.push_back({"image_codes.out_mask", {codes, d}});
        specs.push_back({"image_codes.out_color", {colors, d}});
    }
    if (audio.enabled) {
        const std::int64_t c = audio.encoderChannels;
        specs.push_back({"audio.conv1.weight", {c, audio.melBins, 3}});
        specs.push_back({"audio.conv1.bias", {c}});
        specs.push_back({"audio.conv2.weight", {c, c, audio.framesPerToken}});
        specs.push_back({"audio.conv2.bias", {c}});
        specs.push_back({"audio.proj.weight", {d, c}});
        specs.push_back({"audio.proj.bias", {d}});
    }
    if (retrieval.embedDim > 0) {
        specs.push_back({"retrieval.words.weight", {retrieval.embedDim, d}});
        specs.push_back({"retrieval.codes.weight", {retrieval.embedDim, d}});
    }
    appendCodecTensorSpecs(codec, specs);
    return specs;
}

} // namespace weft
