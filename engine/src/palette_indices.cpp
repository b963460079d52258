#include "palette_indices.h"

#include <string>

#include "errors.h"

namespace weft {

std::vector<std::uint8_t> paletteIndices(const Image& image, const Palette& palette, int size)
{
    if (palette.empty() || palette.size() > 256)
        throw ArgumentError("palette indices: expected a palette of 1 to 256 colours, found " +
                            std::to_string(palette.size()));
    if (image.empty() || image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
        throw ArgumentError("palette indices: expected an image with pixels, found none or a wrong buffer size");
    const Image resized = (image.width == size && image.height == size) ? image : resizeArea(image, size, size);
    std::vector<std::uint8_t> idx(static_cast<std::size_t>(size) * size);
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const std::uint8_t* p = &resized.rgb[i * 3];
        std::size_t best = 0;
        long bestDistance = -1;
        for (std::size_t c = 0; c < palette.size(); ++c) {
            long d = 0;
            for (std::size_t k = 0; k < 3; ++k) {
                const long diff = static_cast<long>(p[k]) - palette[c][k];
                d += diff * diff;
            }
            if (bestDistance < 0 || d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        idx[i] = static_cast<std::uint8_t>(best);
    }
    return idx;
}

} // namespace weft
