#include "weft/world/random_scene.h"

#include <stdexcept>
#include <string>

#include "weft/world/creature.h"
#include "weft/world/sampling.h"

namespace weft::world {

Color randomColorExcept(std::mt19937_64& rng, Color avoid)
{
    // Draw among the 11 others directly so that one draw always suffices.
    int c = static_cast<int>(uniformBelow(rng, kColorCount - 1));
    if (c >= static_cast<int>(avoid))
        ++c;
    return static_cast<Color>(c);
}

Cell randomObject(std::mt19937_64& rng, Color background)
{
    const auto shape = static_cast<Shape>(uniformBelow(rng, kShapeCount));
    const Color color = randomColorExcept(rng, background);
    const auto size = static_cast<Size>(uniformBelow(rng, 2));
    return Cell::makeObject(shape, color, size);
}

Scene randomScene(std::mt19937_64& rng, const SceneOptions& o)
{
    if (o.minObjects < 0 || o.maxObjects > kMaxObjects || o.minObjects > o.maxObjects)
        throw std::invalid_argument("expected 0 <= minObjects <= maxObjects <= 4, found " + std::to_string(o.minObjects) +
                                    ".." + std::to_string(o.maxObjects));
    if (o.creaturePercent < 0 || o.creaturePercent > 100 || o.plainPercent < 0 || o.plainPercent > 100)
        throw std::invalid_argument("expected percentages in 0..100, found creaturePercent " +
                                    std::to_string(o.creaturePercent) + " plainPercent " + std::to_string(o.plainPercent));
    Scene s;
    s.background = static_cast<Color>(uniformBelow(rng, kColorCount));
    if (chance(rng, o.plainPercent, 100))
        s.pattern = Pattern::Plain;
    else
        s.pattern = static_cast<Pattern>(1 + uniformBelow(rng, kPatternCount - 1));
    const int n = uniformInt(rng, o.minObjects, o.maxObjects);
    int cells[kCellCount] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    for (int i = 0; i < n; ++i) {
        const int j = i + static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(kCellCount - i)));
        std::swap(cells[i], cells[j]);
        if (o.creaturePercent > 0 && chance(rng, o.creaturePercent, 100))
            s.cells[cells[i]] = Cell::makeCreature(randomCreature(rng, o.split), randomColorExcept(rng, s.background));
        else
            s.cells[cells[i]] = randomObject(rng, s.background);
    }
    return s;
}

} // namespace weft::world
