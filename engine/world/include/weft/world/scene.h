#pragma once
// Shapes World scene graph (shared WORLD.md): a background colour and pattern plus a 3x3
// grid of cells, each empty, an object (shape, colour, size) or a creature (4x4 pattern).
// Everything here is pure data and lookup tables: thread-safe, no allocation on the hot path.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weft::world {

constexpr int kCanvasSize = 64;  ///< image side in pixels
constexpr int kMargin = 8;       ///< pixels between the canvas edge and the cell grid
constexpr int kCellSize = 16;    ///< cell side in pixels
constexpr int kGridSize = 3;     ///< cells per side
constexpr int kCellCount = 9;    ///< cells per scene, index row * 3 + column
constexpr int kMaxObjects = 4;   ///< at most this many non-empty cells per scene

enum class Shape { Circle, Square, Triangle, Diamond, Cross, Ring, Star, Heart };
enum class Color { Red, Orange, Yellow, Green, Cyan, Brown, Blue, Purple, Pink, White, Black, Gray };
enum class Pattern { Plain, Stripes, Dots, Checker, Grid, Rain };
enum class Size { Small, Large };
/// Which half of the creature patterns a generator may use: Test patterns never appear in Train.
enum class Split { Train, Test };

constexpr int kShapeCount = 8;
constexpr int kColorCount = 12;
constexpr int kPatternCount = 6;

/// Lower-case names used in text ("red", "circle", "circles", "dots", "small", "top-left").
/// Out-of-range values throw std::invalid_argument.
const char* colorName(Color color);
const char* shapeName(Shape shape);
const char* shapePlural(Shape shape);
const char* patternName(Pattern pattern);
const char* sizeName(Size size);
/// Position name of cell index 0..8 ("top-left", "top", ..., "center", ..., "bottom-right").
const char* positionName(int cell);
/// "zero".."four" for 0..4; other values throw std::invalid_argument.
const char* numberWord(int n);

/// Inverse lookups; std::nullopt for an unknown word. Exact, case-sensitive.
std::optional<Color> colorFromName(std::string_view name);
std::optional<Shape> shapeFromName(std::string_view name);
std::optional<Shape> shapeFromPlural(std::string_view plural);
std::optional<Pattern> patternFromName(std::string_view name);
std::optional<Size> sizeFromName(std::string_view name);
std::optional<int> positionFromName(std::string_view name);
std::optional<int> numberFromWord(std::string_view word);

/// Exact RGB of a colour (WORLD.md table).
std::array<std::uint8_t, 3> colorRgb(Color color);
/// True for the light colours (white, yellow, cyan, pink, orange) whose ink is darker.
bool isLightColor(Color color);
/// Pattern ink of a background colour: per channel floor((c + k) / 2), k = 0 light, 255 other.
std::array<std::uint8_t, 3> inkRgb(Color color);
/// The codec palette: the 12 colours in enum order followed by their 12 inks (24 entries).
std::vector<std::array<std::uint8_t, 3>> palette();

inline int cellColumn(int cell) { return cell % kGridSize; }
inline int cellRow(int cell) { return cell / kGridSize; }
inline int cellIndex(int column, int row) { return row * kGridSize + column; }

struct Cell {
    enum class Kind { Empty, Object, Creature };
    Kind kind = Kind::Empty;
    Shape shape = Shape::Circle;   ///< Object only
    Color color = Color::Red;      ///< Object and Creature
    Size size = Size::Small;       ///< Object only
    std::uint16_t creature = 0;    ///< Creature only: 4x4 bits, bit (row * 4 + column)

    static Cell makeEmpty() { return Cell{}; }
    static Cell makeObject(Shape s, Color c, Size z) { Cell x; x.kind = Kind::Object; x.shape = s; x.color = c; x.size = z; return x; }
    static Cell makeCreature(std::uint16_t pattern, Color c) { Cell x; x.kind = Kind::Creature; x.creature = pattern; x.color = c; return x; }

    bool empty() const noexcept { return kind == Kind::Empty; }
    /// Compares only the fields that matter for the kind (an empty cell ignores the rest).
    bool operator==(const Cell& o) const noexcept;
    bool operator!=(const Cell& o) const noexcept { return !(*this == o); }
};

struct Scene {
    Color background = Color::White;
    Pattern pattern = Pattern::Plain;
    std::array<Cell, kCellCount> cells{}; ///< index row * 3 + column

    int objectCount() const noexcept; ///< non-empty cells (objects and creatures)
    bool operator==(const Scene& o) const noexcept;
    bool operator!=(const Scene& o) const noexcept { return !(*this == o); }
};

/// Checks the spec's rules: at most 4 non-empty cells, no object or creature the colour of the
/// background, creatures valid (see validCreature). On failure returns false and, when
/// `reason` is given, says which cell breaks which rule.
bool isValidScene(const Scene& scene, std::string* reason = nullptr);

} // namespace weft::world
