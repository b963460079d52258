#pragma once
// Tensor names and shapes of the image codec (part of the model's tensor table; torch-free).

#include <vector>

#include "model_config.h"

namespace weft {

/// Appends every "codec.*" tensor the codec of `config` owns, in module registration order.
void appendCodecTensorSpecs(const CodecConfig& config, std::vector<TensorSpec>& specs);

} // namespace weft
