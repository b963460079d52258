#include "codec_tensors.h"

#include <string>

namespace weft {

void appendCodecTensorSpecs(const CodecConfig& c, std::vector<TensorSpec>& specs)
{
    const std::int64_t pixelWidth = static_cast<std::int64_t>(c.patch()) * c.patch() * c.pixelChannels();
    const std::int64_t levels = static_cast<std::int64_t>(c.fsqLevels.size());
    const std::int64_t h = c.encoderHidden;
    const std::int64_t e = c.decoderDim;
    const std::int64_t n = static_cast<std::int64_t>(c.grid) * c.grid;
    if (c.kind == CodecKind::PatchDictionary) {
        const std::int64_t area = static_cast<std::int64_t>(c.patch()) * c.patch();
        specs.push_back({"codec.patches", {c.dictionarySize, area}});
        specs.push_back({"codec.patch_kind", {c.dictionarySize}});
        return;
    }
    specs.push_back({"codec.encoder.fc1.weight", {h, pixelWidth}});
    specs.push_back({"codec.encoder.fc1.bias", {h}});
    specs.push_back({"codec.encoder.fc2.weight", {h, h}});
    specs.push_back({"codec.encoder.fc2.bias", {h}});
    specs.push_back({"codec.encoder.fc3.weight", {levels, h}});
    specs.push_back({"codec.encoder.fc3.bias", {levels}});
    specs.push_back({"codec.decoder.input.weight", {e, levels}});
    specs.push_back({"codec.decoder.input.bias", {e}});
    specs.push_back({"codec.decoder.pos", {n, e}});
    if (c.decoderCodeEmbedding)
        specs.push_back({"codec.decoder.code_embed", {static_cast<std::int64_t>(c.codebookSize()), e}});
    for (int i = 0; i < c.decoderLayers; ++i) {
        const std::string p = "codec.decoder.layers." + std::to_string(i) + ".";
        specs.push_back({p + "norm1.weight", {e}});
        specs.push_back({p + "qkv.weight", {3 * e, e}});
        specs.push_back({p + "proj.weight", {e, e}});
        specs.push_back({p + "norm2.weight", {e}});
        specs.push_back({p + "fc1.weight", {4 * e, e}});
        specs.push_back({p + "fc1.bias", {4 * e}});
        specs.push_back({p + "fc2.weight", {e, 4 * e}});
        specs.push_back({p + "fc2.bias", {e}});
    }
    specs.push_back({"codec.decoder.norm.weight", {e}});
    specs.push_back({"codec.decoder.output.weight", {pixelWidth, e}});
    specs.push_back({"codec.decoder.output.bias", {pixelWidth}});
}

} // namespace weft
