#pragma once
// Pixel-exact renderer of WORLD.md. Pure function of the scene; thread-safe.

#include <array>
#include <cstdint>

#include "weft/media.h"
#include "weft/world/scene.h"

namespace weft::world {

/// A 16x16 cell-relative mask: row y (0..15) holds bit x (0..15) when pixel
/// (cellLeft + x, cellTop + y) is inside the shape. Computed once from the spec's formulas.
using CellMask = std::array<std::uint16_t, kCellSize>;

/// Mask of an object shape of a size, centred on its cell's centre point.
const CellMask& shapeMask(Shape shape, Size size);

/// Mask of a creature pattern (4 pixels per pattern cell).
CellMask creatureMask(std::uint16_t pattern);

/// Mask of whatever a cell draws (empty mask for an empty cell).
CellMask cellMask(const Cell& cell);

/// True when pixel (x, y) of the 64x64 canvas is ink for this pattern (x, y in 0..63).
bool isPatternInk(Pattern pattern, int x, int y);

/// Renders the scene at 64x64, then upscales by an integer `scale` (>= 1, nearest-neighbour,
/// default 1). Scale outside 1..64 throws std::invalid_argument.
weft::Image render(const Scene& scene, int scale = 1);

/// The background alone (colour and pattern), 64x64.
weft::Image renderBackground(Color background, Pattern pattern);

} // namespace weft::world
