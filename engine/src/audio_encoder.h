#pragma once
// The audio encoder of DESIGN.md: log-mel frames -> continuous embeddings that enter the
// token stream between boa and eoa (see MODEL_FORMAT.md, "Audio encoder").
//
//   mel [F, M] -> conv1d(M -> C, kernel 3, padding 1) -> GELU
//              -> conv1d(C -> C, kernel R, stride R)  -> GELU   (R = frames_per_token)
//              -> linear(C -> d_model)                 -> [ceil(F / R), d_model]
//
// Frames are zero-padded at the end to a multiple of R. Built only when the config's audio
// section is enabled.

#include <vector>

#include <torch/torch.h>

#include "model_config.h"

namespace weft {

/// Stream embeddings of audio frame tokens per mel frame count: ceil(frames / framesPerToken).
int audioTokenCount(int frames, const AudioConfig& config);

/// One clip placed in a batch of token streams: row of the batch, index of its first frame
/// token in that row, and its log-mel features [F, melBins] (F >= 1).
struct AudioInput {
    int row = 0;
    int start = 0;
    torch::Tensor mel;
};

class AudioEncoderImpl : public torch::nn::Module {
public:
    AudioEncoderImpl(const AudioConfig& config, int dModel);

    /// Encodes clips in one batch: each mel [F_i, melBins] float -> [ceil(F_i / R), dModel] on
    /// this module's device. Throws ShapeError for a mel of the wrong width or no frames.
    std::vector<torch::Tensor> forward(const std::vector<torch::Tensor>& mels);

private:
    AudioConfig m_config;
    torch::nn::Conv1d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::Linear m_proj{nullptr};
};
TORCH_MODULE(AudioEncoder);

} // namespace weft
