#pragma once
// Creatures: unnamed 4x4 subjects. A valid pattern has 6 to 12 set cells and at least one set
// cell in every row and column. The sorted list of valid patterns is split by construction:
// patterns whose index in it is divisible by 10 are held out (Split::Test only).

#include <cstdint>
#include <random>
#include <vector>

#include "weft/world/scene.h"

namespace weft::world {

/// True when `pattern` (bit row * 4 + column) has 6..12 set cells and no empty row or column.
bool validCreature(std::uint16_t pattern);

/// Every valid pattern in increasing order (computed once; thread-safe).
const std::vector<std::uint16_t>& validCreatures();

/// True for held-out (test-only) patterns; false for training patterns and invalid ones.
bool isHeldOutCreature(std::uint16_t pattern);

/// The patterns a split may use: Train = valid minus held out, Test = held out only.
const std::vector<std::uint16_t>& creaturesForSplit(Split split);

/// A uniformly random pattern of the split (deterministic for the engine state).
std::uint16_t randomCreature(std::mt19937_64& rng, Split split);

} // namespace weft::world
