#pragma once
// Random scenes following the spec's rules. Deterministic for the engine state.

#include <random>

#include "weft/world/scene.h"

namespace weft::world {

struct SceneOptions {
    int minObjects = 0;             ///< non-empty cells, 0..4
    int maxObjects = 4;             ///< non-empty cells, minObjects..4
    int creaturePercent = 0;        ///< chance (in %) that each non-empty cell is a creature
    Split split = Split::Train;     ///< creature patterns drawn from this split
    int plainPercent = 40;          ///< chance (in %) of a plain background; else a uniform pattern
};

/// A random scene: uniform background colour, objects in distinct uniformly chosen cells,
/// object colours uniform among colours other than the background. Invalid options
/// (min > max, outside 0..4, percents outside 0..100) throw std::invalid_argument.
Scene randomScene(std::mt19937_64& rng, const SceneOptions& options = {});

/// A random object cell (shape, colour, size) whose colour differs from `background`.
Cell randomObject(std::mt19937_64& rng, Color background);

/// A uniformly random colour different from `avoid`.
Color randomColorExcept(std::mt19937_64& rng, Color avoid);

} // namespace weft::world
