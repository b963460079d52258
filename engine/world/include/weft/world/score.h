#pragma once
// Scores of WORLD.md "Scoring" over parsed scene graphs. Thread-safe, pure functions.

#include <string>
#include <vector>

#include "weft/world/scene.h"

namespace weft::world {

/// Number of attributes attributeAccuracy compares: 9 cells x 3 + background colour + pattern.
constexpr int kAttributeCount = kCellCount * 3 + 2;

/// The whole graph matches (creatures by pattern and colour).
bool sceneExact(const Scene& expected, const Scene& actual);

/// Matching attributes out of kAttributeCount. Per cell: kind-or-shape (empty, creature or the
/// shape), colour (none for empty) and size (none for empty and creatures); then background
/// colour and background pattern.
int attributeMatches(const Scene& expected, const Scene& actual);
/// attributeMatches / kAttributeCount, in [0, 1].
double attributeAccuracy(const Scene& expected, const Scene& actual);

/// Preservation counts for one edit: objects of `expected` outside `namedCells` (total) and
/// how many of them `actual` has unchanged in the same cell (kept).
struct Preservation {
    int kept = 0;
    int total = 0;
};
Preservation preservation(const Scene& expected, const Scene& actual, const std::vector<int>& namedCells);

/// Creature fidelity at `cell`: the fraction of the expected creature's 16 pattern cells that
/// match what is drawn there, whatever its colour (a drawn object is read as a 4x4 pattern by
/// majority of each 4x4 pixel block); 0 when the cell is empty. Throws
/// std::invalid_argument when `expected` has no creature at `cell`.
double creatureFidelity(const Scene& expected, const Scene& actual, int cell);

/// Exact text match after trimming leading and trailing whitespace.
bool textExact(const std::string& expected, const std::string& actual);

} // namespace weft::world
