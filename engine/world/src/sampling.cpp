#include "weft/world/sampling.h"

namespace weft::world {

std::uint64_t uniformBelow(std::mt19937_64& rng, std::uint64_t n)
{
    if (n <= 1)
        return 0;
    // Rejection keeps the draw exactly uniform; the limit is the largest multiple of n.
    const std::uint64_t limit = (~std::uint64_t{0}) - ((~std::uint64_t{0}) % n + 1) % n;
    for (;;) {
        const std::uint64_t v = rng();
        if (v <= limit)
            return v % n;
    }
}

} // namespace weft::world
