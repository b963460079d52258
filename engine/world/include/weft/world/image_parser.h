#pragma once
// Image -> scene graph (WORLD.md "Scoring"). Robust to JPEG (q75) and Gaussian noise (sigma 8):
// the background (colour and pattern together) is chosen by least squares over the margin,
// then each cell by least squares against every shape/size/colour template, a free creature
// fit and "empty". Thread-safe.

#include "weft/media.h"
#include "weft/world/scene.h"

namespace weft::world {

/// Parses an image of any size (nearest-neighbour resized to 64x64 first). Always returns a
/// scene that satisfies the colour rule. An empty image or one with a wrong buffer size throws
/// std::invalid_argument.
Scene parseImage(const weft::Image& image);

/// The image resized to 64x64 by nearest neighbour, sampling source pixel centres.
weft::Image toCanvas(const weft::Image& image);

} // namespace weft::world
