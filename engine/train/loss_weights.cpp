#include "loss_weights.h"

#include <algorithm>

namespace weft::train {

// Loss on the after image of every example pair too: each pair is a (before, after) case of
// the same transformation, so a k = 3 prompt also teaches k = 1 and k = 2 at no extra compute.
void markExampleTargets(TokenStream& stream, const std::vector<Message>& messages, int codesPerImage)
{
    std::size_t image = 0;
    for (const Message& m : messages) {
        const int pairs = examplePairCount(m);
        // The first pair's after image has no example before it to learn the transformation
        // from: its target could only teach a guess over every transformation, so it is skipped.
        for (int p = 1; p < pairs && image + 2 * p + 1 < stream.imageStarts.size(); ++p) {
            const int start = stream.imageStarts[image + 2 * static_cast<std::size_t>(p) + 1];
            // The codes and the closing eoi; the opening boi is given by the format.
            for (int t = start; t <= start + codesPerImage && t < stream.size(); ++t)
                stream.lossMask[static_cast<std::size_t>(t)] = 1;
        }
        image += static_cast<std::size_t>(imageCount(m));
    }
}

// Raises the loss weight of every image target's codes that differ from the image just before
// it: copying the unchanged codes is learned early, and their loss then drowns the few codes
// that show whether the transformation was understood.
void weightChangedCodes(TokenStream& stream, const std::vector<std::vector<int>>& imageCodes, int weight)
{
    const std::size_t images = std::min(stream.imageStarts.size(), imageCodes.size());
    for (std::size_t i = 1; i < images; ++i) {
        const int start = stream.imageStarts[i];
        const auto& before = imageCodes[i - 1];
        const auto& codes = imageCodes[i];
        for (std::size_t c = 0; c < codes.size() && c < before.size(); ++c) {
            auto& w = stream.lossMask[static_cast<std::size_t>(start) + c];
            if (w > 0 && codes[c] != before[c])
                w = static_cast<std::uint8_t>(weight);
        }
    }
}

} // namespace weft::train
