#include "audio_encoder.h"

#include <algorithm>
#include <string>

#include "errors.h"

namespace weft {

int audioTokenCount(int frames, const AudioConfig& config)
{
    return (frames + config.framesPerToken - 1) / config.framesPerToken;
}

AudioEncoderImpl::AudioEncoderImpl(const AudioConfig& config, int dModel) : m_config(config)
{
    const int c = config.encoderChannels;
    m_conv1 = register_module("conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(config.melBins, c, 3).padding(1)));
    m_conv2 = register_module("conv2", torch::nn::Conv1d(torch::nn::Conv1dOptions(c, c, config.framesPerToken)
                                                             .stride(config.framesPerToken)));
    m_proj = register_module("proj", torch::nn::Linear(c, dModel));
}

std::vector<torch::Tensor> AudioEncoderImpl::forward(const std::vector<torch::Tensor>& mels)
{
    std::vector<torch::Tensor> out;
    if (mels.empty()) return out;
    const int r = m_config.framesPerToken;
    int64_t longest = 0;
    for (const auto& mel : mels) {
        if (mel.dim() != 2 || mel.size(1) != m_config.melBins || mel.size(0) < 1)
            throw ShapeError("audio encoder: expected log-mel features [frames >= 1, " +
                             std::to_string(m_config.melBins) + "], found " +
                             (mel.dim() == 2 ? "[" + std::to_string(mel.size(0)) + "," + std::to_string(mel.size(1)) + "]"
                                             : std::to_string(mel.dim()) + " dimensions"));
        longest = std::max(longest, mel.size(0));
    }
    const int64_t padded = (longest + r - 1) / r * r;
    const auto device = m_proj->weight.device();
    // One padded batch: the clips of a training batch cost one convolution, not one each.
    // Zero padding at the end only reaches the last real token through conv1's right edge,
    // the same as for a clip that happens to end on a token boundary.
    std::vector<torch::Tensor> rows;
    rows.reserve(mels.size());
    for (const auto& mel : mels)
        rows.push_back(torch::constant_pad_nd(mel.to(device, torch::kFloat), {0, 0, 0, padded - mel.size(0)}));
    auto x = torch::stack(rows).transpose(1, 2);         // [N, M, F]
    x = torch::gelu(m_conv1(x));
    x = torch::gelu(m_conv2(x)).transpose(1, 2);         // [N, F/R, C]
    x = m_proj(x);                                       // [N, F/R, d]
    for (std::size_t i = 0; i < mels.size(); ++i)
        out.push_back(x[static_cast<int64_t>(i)].narrow(0, 0, audioTokenCount(static_cast<int>(mels[i].size(0)), m_config)));
    return out;
}

} // namespace weft
