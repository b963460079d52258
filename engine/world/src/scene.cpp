#include "weft/world/scene.h"

#include <stdexcept>

#include "weft/world/creature.h"

namespace weft::world {
namespace {

constexpr const char* kColorNames[kColorCount] = {"red", "orange", "yellow", "green", "cyan", "brown",
                                                  "blue", "purple", "pink", "white", "black", "gray"};
constexpr const char* kShapeNames[kShapeCount] = {"circle", "square", "triangle", "diamond",
                                                  "cross", "ring", "star", "heart"};
constexpr const char* kShapePlurals[kShapeCount] = {"circles", "squares", "triangles", "diamonds",
                                                    "crosses", "rings", "stars", "hearts"};
constexpr const char* kPatternNames[kPatternCount] = {"plain", "stripes", "dots", "checker", "grid", "rain"};
constexpr const char* kSizeNames[2] = {"small", "large"};
constexpr const char* kPositionNames[kCellCount] = {"top-left", "top", "top-right", "left", "center",
                                                    "right", "bottom-left", "bottom", "bottom-right"};
constexpr const char* kNumberWords[5] = {"zero", "one", "two", "three", "four"};
constexpr std::uint8_t kRgb[kColorCount][3] = {
    {220, 40, 40}, {245, 140, 30}, {240, 220, 40}, {50, 170, 60}, {40, 200, 210}, {140, 90, 40},
    {40, 80, 220}, {150, 60, 200}, {240, 120, 180}, {245, 245, 245}, {20, 20, 20}, {128, 128, 128}};

template <std::size_t N>
const char* lookup(const char* const (&table)[N], int index, const char* what)
{
    if (index < 0 || index >= static_cast<int>(N))
        throw std::invalid_argument(std::string("expected a valid ") + what + " value, found " + std::to_string(index));
    return table[index];
}

template <std::size_t N>
std::optional<int> reverseLookup(const char* const (&table)[N], std::string_view name)
{
    for (std::size_t i = 0; i < N; ++i)
        if (name == table[i])
            return static_cast<int>(i);
    return std::nullopt;
}

} // namespace

const char* colorName(Color c) { return lookup(kColorNames, static_cast<int>(c), "colour"); }
const char* shapeName(Shape s) { return lookup(kShapeNames, static_cast<int>(s), "shape"); }
const char* shapePlural(Shape s) { return lookup(kShapePlurals, static_cast<int>(s), "shape"); }
const char* patternName(Pattern p) { return lookup(kPatternNames, static_cast<int>(p), "pattern"); }
const char* sizeName(Size s) { return lookup(kSizeNames, static_cast<int>(s), "size"); }
const char* positionName(int cell) { return lookup(kPositionNames, cell, "cell index (0..8)"); }
const char* numberWord(int n) { return lookup(kNumberWords, n, "count (0..4)"); }

std::optional<Color> colorFromName(std::string_view n)
{
    auto i = reverseLookup(kColorNames, n);
    return i ? std::optional<Color>(static_cast<Color>(*i)) : std::nullopt;
}
std::optional<Shape> shapeFromName(std::string_view n)
{
    auto i = reverseLookup(kShapeNames, n);
    return i ? std::optional<Shape>(static_cast<Shape>(*i)) : std::nullopt;
}
std::optional<Shape> shapeFromPlural(std::string_view n)
{
    auto i = reverseLookup(kShapePlurals, n);
    return i ? std::optional<Shape>(static_cast<Shape>(*i)) : std::nullopt;
}
std::optional<Pattern> patternFromName(std::string_view n)
{
    auto i = reverseLookup(kPatternNames, n);
    return i ? std::optional<Pattern>(static_cast<Pattern>(*i)) : std::nullopt;
}
std::optional<Size> sizeFromName(std::string_view n)
{
    auto i = reverseLookup(kSizeNames, n);
    return i ? std::optional<Size>(static_cast<Size>(*i)) : std::nullopt;
}
std::optional<int> positionFromName(std::string_view n) { return reverseLookup(kPositionNames, n); }
std::optional<int> numberFromWord(std::string_view n) { return reverseLookup(kNumberWords, n); }

std::array<std::uint8_t, 3> colorRgb(Color c)
{
    const int i = static_cast<int>(c);
    if (i < 0 || i >= kColorCount)
        throw std::invalid_argument("expected a valid colour value, found " + std::to_string(i));
    return {kRgb[i][0], kRgb[i][1], kRgb[i][2]};
}

bool isLightColor(Color c)
{
    return c == Color::White || c == Color::Yellow || c == Color::Cyan || c == Color::Pink || c == Color::Orange;
}

std::array<std::uint8_t, 3> inkRgb(Color c)
{
    const auto rgb = colorRgb(c);
    const int k = isLightColor(c) ? 0 : 255;
    std::array<std::uint8_t, 3> ink{};
    for (int ch = 0; ch < 3; ++ch)
        ink[ch] = static_cast<std::uint8_t>((rgb[ch] + k) / 2); // non-negative: integer division is floor
    return ink;
}

std::vector<std::array<std::uint8_t, 3>> palette()
{
    std::vector<std::array<std::uint8_t, 3>> p;
    p.reserve(2 * kColorCount);
    for (int i = 0; i < kColorCount; ++i)
        p.push_back(colorRgb(static_cast<Color>(i)));
    for (int i = 0; i < kColorCount; ++i)
        p.push_back(inkRgb(static_cast<Color>(i)));
    return p;
}

bool Cell::operator==(const Cell& o) const noexcept
{
    if (kind != o.kind)
        return false;
    switch (kind) {
    case Kind::Empty: return true;
    case Kind::Object: return shape == o.shape && color == o.color && size == o.size;
    case Kind::Creature: return creature == o.creature && color == o.color;
    }
    return false;
}

int Scene::objectCount() const noexcept
{
    int n = 0;
    for (const Cell& c : cells)
        n += c.empty() ? 0 : 1;
    return n;
}

bool Scene::operator==(const Scene& o) const noexcept
{
    return background == o.background && pattern == o.pattern && cells == o.cells;
}

bool isValidScene(const Scene& scene, std::string* reason)
{
    auto fail = [&](const std::string& why) {
        if (reason)
            *reason = why;
        return false;
    };
    const int bg = static_cast<int>(scene.background);
    if (bg < 0 || bg >= kColorCount)
        return fail("background colour out of range");
    const int pat = static_cast<int>(scene.pattern);
    if (pat < 0 || pat >= kPatternCount)
        return fail("background pattern out of range");
    if (scene.objectCount() > kMaxObjects)
        return fail("expected at most 4 objects, found " + std::to_string(scene.objectCount()));
    for (int i = 0; i < kCellCount; ++i) {
        const Cell& c = scene.cells[i];
        if (c.empty())
            continue;
        if (c.color == scene.background)
            return fail(std::string("the ") + (c.kind == Cell::Kind::Creature ? "creature" : "object") + " at the " +
                        positionName(i) + " has the background colour " + colorName(scene.background));
        if (c.kind == Cell::Kind::Creature && !validCreature(c.creature))
            return fail(std::string("the creature at the ") + positionName(i) +
                        " is not a valid pattern (6..12 cells, no empty row or column)");
    }
    return true;
}

} // namespace weft::world
