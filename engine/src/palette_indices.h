#pragma once
// Pictures as palette indices: the one mapping from RGB pixels to the nearest colour of a
// codec's palette, used by the patch dictionary and by the palette-reading learned codec.

#include <array>
#include <cstdint>
#include <vector>

#include "weft/media.h"

namespace weft {

using Palette = std::vector<std::array<std::uint8_t, 3>>;

/// Every pixel of `image`, area-resized to size x size first when it has another size, as the
/// index of its nearest `palette` colour (squared RGB distance; the lowest index among equals),
/// row-major [size * size]. Throws ArgumentError for an image without pixels or whose buffer
/// does not match its dimensions, and for an empty palette or one of more than 256 colours.
std::vector<std::uint8_t> paletteIndices(const Image& image, const Palette& palette, int size);

} // namespace weft
