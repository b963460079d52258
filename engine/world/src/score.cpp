#include "weft/world/score.h"

#include <bitset>
#include <cctype>
#include <stdexcept>

#include "weft/world/render.h"

namespace weft::world {
namespace {

// Per-cell attribute values: kind-or-shape (0 empty, 1 creature, 2+ shape), colour (-1 none),
// size (-1 none). Empty cells match empty cells on all three.
std::array<int, 3> attributes(const Cell& c)
{
    switch (c.kind) {
    case Cell::Kind::Object: return {2 + static_cast<int>(c.shape), static_cast<int>(c.color), static_cast<int>(c.size)};
    case Cell::Kind::Creature: return {1, static_cast<int>(c.color), -1};
    default: return {0, -1, -1};
    }
}

// Reads a drawn object as a 4x4 pattern: a block is set when most of its 16 pixels are.
std::uint16_t maskToPattern(const CellMask& mask)
{
    std::uint16_t pattern = 0;
    for (int b = 0; b < 16; ++b) {
        int n = 0;
        for (int y = 0; y < 4; ++y)
            n += static_cast<int>(std::bitset<16>((mask[(b / 4) * 4 + y] >> ((b % 4) * 4)) & 0xFu).count());
        if (n >= 8)
            pattern = static_cast<std::uint16_t>(pattern | (1u << b));
    }
    return pattern;
}

std::string trimmed(const std::string& s)
{
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

} // namespace

bool sceneExact(const Scene& expected, const Scene& actual) { return expected == actual; }

int attributeMatches(const Scene& expected, const Scene& actual)
{
    int n = 0;
    for (int i = 0; i < kCellCount; ++i) {
        const auto a = attributes(expected.cells[i]);
        const auto b = attributes(actual.cells[i]);
        for (int k = 0; k < 3; ++k)
            n += a[k] == b[k] ? 1 : 0;
    }
    n += expected.background == actual.background ? 1 : 0;
    n += expected.pattern == actual.pattern ? 1 : 0;
    return n;
}

double attributeAccuracy(const Scene& expected, const Scene& actual)
{
    return static_cast<double>(attributeMatches(expected, actual)) / kAttributeCount;
}

Preservation preservation(const Scene& expected, const Scene& actual, const std::vector<int>& namedCells)
{
    Preservation p;
    for (int i = 0; i < kCellCount; ++i) {
        if (expected.cells[i].empty())
            continue;
        bool named = false;
        for (int n : namedCells)
            named = named || n == i;
        if (named)
            continue;
        ++p.total;
        p.kept += expected.cells[i] == actual.cells[i] ? 1 : 0;
    }
    return p;
}

double creatureFidelity(const Scene& expected, const Scene& actual, int cell)
{
    if (cell < 0 || cell >= kCellCount || expected.cells[cell].kind != Cell::Kind::Creature)
        throw std::invalid_argument("expected a creature at cell " + std::to_string(cell) + " of the expected scene");
    const Cell& got = actual.cells[cell];
    if (got.empty())
        return 0.0;
    const std::uint16_t drawn = got.kind == Cell::Kind::Creature ? got.creature : maskToPattern(cellMask(got));
    const std::uint16_t same = static_cast<std::uint16_t>(~(drawn ^ expected.cells[cell].creature));
    return static_cast<double>(std::bitset<16>(same).count()) / 16.0;
}

bool textExact(const std::string& expected, const std::string& actual) { return trimmed(expected) == trimmed(actual); }

} // namespace weft::world
