#pragma once
// Variety for the audio encoder's training clips: the spoken-request task has eight training
// voices, and its evaluation uses a voice never heard.

#include <random>

#include <torch/torch.h>

namespace weft::train {

/// Largest shift of the spectrum, in mel bins, and largest level offset, in feature units
/// (features are log10(mel power) / 4, so 0.075 is 3 dB).
constexpr int kMelShiftBins = 3;
constexpr double kMelLevelOffset = 0.1;

/// Log-mel features [frames, bins] as a different speaker might give them: with probability
/// 1/2 unchanged; otherwise shifted along the bins by a uniform -kMelShiftBins..kMelShiftBins
/// (edge bins repeated; a stand-in for another vocal-tract length) and offset by a uniform
/// level in [-kMelLevelOffset, kMelLevelOffset]. Draws from `rng` only; never throws for a
/// 2-d tensor.
torch::Tensor augmentMel(const torch::Tensor& mel, std::mt19937_64& rng);

} // namespace weft::train
