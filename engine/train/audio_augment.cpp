#include "audio_augment.h"

#include "weft/world/sampling.h"

namespace weft::train {

torch::Tensor augmentMel(const torch::Tensor& mel, std::mt19937_64& rng)
{
    if (!world::chance(rng, 1, 2))
        return mel;
    const int64_t bins = mel.size(1);
    const int shift = world::uniformInt(rng, -kMelShiftBins, kMelShiftBins);
    const double level = (world::uniformInt(rng, -100, 100) / 100.0) * kMelLevelOffset;
    auto source = (torch::arange(bins, torch::kLong) - shift).clamp(0, bins - 1).to(mel.device());
    return mel.index_select(1, source) + level;
}

} // namespace weft::train
