#include "weft/world/edits.h"

#include <stdexcept>

#include "weft/world/caption.h"
#include "weft/world/random_scene.h"
#include "weft/world/sampling.h"

namespace weft::world {
namespace {

constexpr const char* kEditNames[kEditKindCount] = {"recolor", "move", "remove", "add", "resize", "background"};

bool hasObject(const Scene& s, Color color, Shape shape)
{
    for (const Cell& c : s.cells)
        if (c.kind == Cell::Kind::Object && c.color == color && c.shape == shape)
            return true;
    return false;
}

const Cell& namedObject(const Scene& s, int cell)
{
    if (cell < 0 || cell >= kCellCount || s.cells[cell].kind != Cell::Kind::Object)
        throw std::invalid_argument("expected an edit naming an object cell, found cell " + std::to_string(cell) +
                                    " without an object");
    return s.cells[cell];
}

std::string nameOf(const Cell& c) { return std::string(colorName(c.color)) + " " + shapeName(c.shape); }

std::vector<int> uniqueObjectCells(const Scene& s)
{
    std::vector<int> cells;
    for (int i = 0; i < kCellCount; ++i)
        if (s.cells[i].kind == Cell::Kind::Object && uniqueObject(s, s.cells[i].color, s.cells[i].shape))
            cells.push_back(i);
    return cells;
}

std::vector<int> emptyCells(const Scene& s)
{
    std::vector<int> cells;
    for (int i = 0; i < kCellCount; ++i)
        if (s.cells[i].empty())
            cells.push_back(i);
    return cells;
}

std::optional<Edit> randomEditOfKind(std::mt19937_64& rng, const Scene& s, EditKind kind)
{
    Edit e;
    e.kind = kind;
    const auto named = uniqueObjectCells(s);
    switch (kind) {
    case EditKind::Recolor: {
        if (named.empty())
            return std::nullopt;
        e.cell = pick(named, rng);
        const Cell& obj = s.cells[e.cell];
        std::vector<Color> colors;
        for (int c = 0; c < kColorCount; ++c) {
            const auto col = static_cast<Color>(c);
            if (col != obj.color && col != s.background && !hasObject(s, col, obj.shape))
                colors.push_back(col);
        }
        if (colors.empty())
            return std::nullopt;
        e.newColor = pick(colors, rng);
        return e;
    }
    case EditKind::Move: {
        const auto free = emptyCells(s);
        if (named.empty() || free.empty())
            return std::nullopt;
        e.cell = pick(named, rng);
        e.targetCell = pick(free, rng);
        return e;
    }
    case EditKind::Remove:
        if (named.empty())
            return std::nullopt;
        e.cell = pick(named, rng);
        return e;
    case EditKind::Resize:
        if (named.empty())
            return std::nullopt;
        e.cell = pick(named, rng);
        e.newSize = s.cells[e.cell].size == Size::Small ? Size::Large : Size::Small;
        return e;
    case EditKind::Add: {
        const auto free = emptyCells(s);
        if (s.objectCount() >= kMaxObjects || free.empty())
            return std::nullopt;
        e.cell = pick(free, rng);
        for (int attempt = 0; attempt < 64; ++attempt) {
            e.added = randomObject(rng, s.background);
            if (!hasObject(s, e.added.color, e.added.shape))
                return e;
        }
        return std::nullopt;
    }
    case EditKind::Background: {
        for (int attempt = 0; attempt < 64; ++attempt) {
            e.newColor = static_cast<Color>(uniformBelow(rng, kColorCount));
            e.newPattern = static_cast<Pattern>(uniformBelow(rng, kPatternCount));
            if (e.newColor == s.background && e.newPattern == s.pattern)
                continue;
            bool clash = false;
            for (const Cell& c : s.cells)
                clash = clash || (!c.empty() && c.color == e.newColor);
            if (!clash)
                return e;
        }
        return std::nullopt;
    }
    }
    return std::nullopt;
}

} // namespace

const char* editKindName(EditKind kind)
{
    const int i = static_cast<int>(kind);
    if (i < 0 || i >= kEditKindCount)
        throw std::invalid_argument("expected a valid edit kind, found " + std::to_string(i));
    return kEditNames[i];
}

std::optional<EditKind> editKindFromName(const std::string& name)
{
    for (int i = 0; i < kEditKindCount; ++i)
        if (name == kEditNames[i])
            return static_cast<EditKind>(i);
    return std::nullopt;
}

bool uniqueObject(const Scene& s, Color color, Shape shape)
{
    int n = 0;
    for (const Cell& c : s.cells)
        n += (c.kind == Cell::Kind::Object && c.color == color && c.shape == shape) ? 1 : 0;
    return n == 1;
}

std::string editInstruction(const Scene& before, const Edit& e)
{
    switch (e.kind) {
    case EditKind::Recolor: return "make the " + nameOf(namedObject(before, e.cell)) + " " + colorName(e.newColor);
    case EditKind::Move:
        if (e.targetCell < 0 || e.targetCell >= kCellCount)
            throw std::invalid_argument("expected a move target cell in 0..8, found " + std::to_string(e.targetCell));
        return "move the " + nameOf(namedObject(before, e.cell)) + " " + targetPhrase(e.targetCell);
    case EditKind::Remove: return "remove the " + nameOf(namedObject(before, e.cell));
    case EditKind::Add:
        if (e.added.kind != Cell::Kind::Object)
            throw std::invalid_argument("expected add to carry an object, found none");
        return "add " + objectPhrase(e.added, e.cell);
    case EditKind::Resize: return "make the " + nameOf(namedObject(before, e.cell)) + " " + sizeName(e.newSize);
    case EditKind::Background: return "change the background to " + backgroundPhrase(e.newColor, e.newPattern, false);
    }
    throw std::invalid_argument("expected a valid edit kind");
}

Scene applyEdit(const Scene& before, const Edit& e)
{
    Scene s = before;
    auto requireEmpty = [&](int cell) {
        if (cell < 0 || cell >= kCellCount || !before.cells[cell].empty())
            throw std::invalid_argument("expected an empty target cell, found cell " + std::to_string(cell) + " occupied");
    };
    switch (e.kind) {
    case EditKind::Recolor:
        namedObject(before, e.cell);
        if (e.newColor == before.background)
            throw std::invalid_argument("expected a new colour different from the background, found the same");
        s.cells[e.cell].color = e.newColor;
        break;
    case EditKind::Move:
        namedObject(before, e.cell);
        requireEmpty(e.targetCell);
        s.cells[e.targetCell] = before.cells[e.cell];
        s.cells[e.cell] = Cell::makeEmpty();
        break;
    case EditKind::Remove:
        namedObject(before, e.cell);
        s.cells[e.cell] = Cell::makeEmpty();
        break;
    case EditKind::Add:
        requireEmpty(e.cell);
        if (e.added.kind != Cell::Kind::Object || e.added.color == before.background)
            throw std::invalid_argument("expected an added object unlike the background colour");
        if (before.objectCount() >= kMaxObjects)
            throw std::invalid_argument("expected at most 3 objects before an add, found 4");
        s.cells[e.cell] = e.added;
        break;
    case EditKind::Resize:
        namedObject(before, e.cell);
        s.cells[e.cell].size = e.newSize;
        break;
    case EditKind::Background:
        for (const Cell& c : before.cells)
            if (!c.empty() && c.color == e.newColor)
                throw std::invalid_argument(std::string("expected a background colour unlike every object, found ") +
                                            colorName(e.newColor) + " used by an object");
        s.background = e.newColor;
        s.pattern = e.newPattern;
        break;
    }
    return s;
}

std::vector<int> editNamedCells(const Edit& e)
{
    switch (e.kind) {
    case EditKind::Move: return {e.cell, e.targetCell};
    case EditKind::Background: return {};
    default: return {e.cell};
    }
}

std::optional<Edit> randomEdit(std::mt19937_64& rng, const Scene& scene, std::optional<EditKind> kind)
{
    if (kind)
        return randomEditOfKind(rng, scene, *kind);
    std::vector<int> kinds = {0, 1, 2, 3, 4, 5};
    shuffleInPlace(kinds, rng);
    for (int k : kinds)
        if (auto e = randomEditOfKind(rng, scene, static_cast<EditKind>(k)))
            return e;
    return std::nullopt;
}

} // namespace weft::world
