#include "weft/world/creature.h"

#include <algorithm>
#include <bitset>

#include "weft/world/sampling.h"

namespace weft::world {
namespace {

struct CreatureTables {
    std::vector<std::uint16_t> all;
    std::vector<std::uint16_t> train;
    std::vector<std::uint16_t> test;
};

const CreatureTables& tables()
{
    static const CreatureTables t = [] {
        CreatureTables r;
        for (std::uint32_t p = 0; p < 65536; ++p)
            if (validCreature(static_cast<std::uint16_t>(p)))
                r.all.push_back(static_cast<std::uint16_t>(p));
        for (std::size_t i = 0; i < r.all.size(); ++i)
            (i % 10 == 0 ? r.test : r.train).push_back(r.all[i]);
        return r;
    }();
    return t;
}

} // namespace

bool validCreature(std::uint16_t pattern)
{
    const int count = static_cast<int>(std::bitset<16>(pattern).count());
    if (count < 6 || count > 12)
        return false;
    for (int i = 0; i < 4; ++i) {
        const unsigned rowBits = (pattern >> (4 * i)) & 0xFu;
        const unsigned colBits = pattern & (0x1111u << i);
        if (rowBits == 0 || colBits == 0)
            return false;
    }
    return true;
}

const std::vector<std::uint16_t>& validCreatures() { return tables().all; }

bool isHeldOutCreature(std::uint16_t pattern)
{
    const auto& all = tables().all;
    auto it = std::lower_bound(all.begin(), all.end(), pattern);
    if (it == all.end() || *it != pattern)
        return false;
    return (it - all.begin()) % 10 == 0;
}

const std::vector<std::uint16_t>& creaturesForSplit(Split split)
{
    return split == Split::Test ? tables().test : tables().train;
}

std::uint16_t randomCreature(std::mt19937_64& rng, Split split) { return pick(creaturesForSplit(split), rng); }
} // namespace weft::world
