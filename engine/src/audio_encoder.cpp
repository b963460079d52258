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
    // Both convolutions run as matrix products over unfolded windows. libtorch 1.13's CPU
    // conv1d backward gave sporadic non-finite weight gradients here (seen within 20 training
    // steps, not reproducible run to run); the unfolded form is plain BLAS work and computes
    // the same function with the same [out, in, kernel] weights.
    const int64_t n = static_cast<int64_t>(mels.size());
    const int64_t c = m_config.encoderChannels;
    auto x = torch::stack(rows);                                          // [N, F, M]
    x = torch::constant_pad_nd(x, {0, 0, 1, 1});                          // [N, F+2, M]
    x = x.unfold(1, 3, 1).reshape({n, padded, -1});                       // [N, F, M*3]
    x = torch::gelu(torch::addmm(m_conv1->bias, x.reshape({n * padded, -1}), m_conv1->weight.reshape({c, -1}).t()));
    x = x.view({n, padded / r, r, c}).transpose(2, 3).reshape({n * (padded / r), c * r}); // [N*F/R, C*R]
    x = torch::gelu(torch::addmm(m_conv2->bias, x, m_conv2->weight.reshape({c, -1}).t()));
    x = m_proj(x).view({n, padded / r, -1});                              // [N, F/R, d]
    for (std::size_t i = 0; i < mels.size(); ++i)
        out.push_back(x[static_cast<int64_t>(i)].narrow(0, 0, audioTokenCount(static_cast<int>(mels[i].size(0)), m_config)));
    return out;
}

} // namespace weft
