#pragma once
// Pieces shared by the training stages: per-step random streams, thread set-up and the
// codec's tensors on disk.

#include <cstdint>
#include <random>
#include <string>

#include "image_codec.h"

namespace weft::train {

/// The random stream of one step: a function of (seed, step, stream) only, so a resumed run
/// draws the same data as an uninterrupted one.
std::mt19937_64 stepRng(std::uint64_t seed, long long step, std::uint64_t stream);

/// Sets torch's threads through the engine's device policy (0 = every core, see device.h).
void setTrainingThreads(int threads);

/// Writes the codec's parameters as "codec.*" F32 tensors (atomic). Throws IoError.
void saveCodecTensors(ImageCodec& codec, const std::string& path);
/// Loads "codec.*" tensors from a safetensors file (a codec file or a model.safetensors).
/// Throws FormatError/ShapeError naming the tensor.
void loadCodecTensors(ImageCodec& codec, const std::string& path);

} // namespace weft::train
