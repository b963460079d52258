#include "weft/world/caption.h"

#include <stdexcept>
#include <vector>

namespace weft::world {
namespace {

std::vector<std::string> splitWords(const std::string& s, bool& ok)
{
    std::vector<std::string> words;
    ok = true;
    std::size_t start = 0;
    for (;;) {
        const std::size_t sp = s.find(' ', start);
        const std::string w = s.substr(start, sp == std::string::npos ? std::string::npos : sp - start);
        if (w.empty())
            ok = false; // leading, trailing or double space
        words.push_back(w);
        if (sp == std::string::npos)
            break;
        start = sp + 1;
    }
    return words;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Parses "at the {position}" / "in the center" from words[i..i+2].
std::optional<int> parsePosition(const std::vector<std::string>& w, std::size_t i, std::string& why)
{
    if (i + 3 != w.size()) {
        why = "expected a position phrase ('at the top-left', 'in the center') at the end of the object";
        return std::nullopt;
    }
    const auto pos = positionFromName(w[i + 2]);
    if (!pos || w[i + 1] != "the") {
        why = "expected a position ('top-left' ... 'bottom-right'), found " + quoted(w[i + 1] + " " + w[i + 2]);
        return std::nullopt;
    }
    const bool center = *pos == cellIndex(1, 1);
    if (center && w[i] != "in") {
        why = "expected 'in the center', found " + quoted(w[i] + " the center");
        return std::nullopt;
    }
    if (!center && w[i] != "at") {
        why = "expected 'at the " + w[i + 2] + "', found " + quoted(w[i] + " the " + w[i + 2]);
        return std::nullopt;
    }
    return pos;
}

bool parseBackground(const std::string& text, Scene& scene, std::string& why)
{
    bool ok = true;
    const auto w = splitWords(text, ok);
    if (!ok || w.size() < 2 || w.size() > 3 || w.back() != "background") {
        why = "expected a background phrase ('green background', 'green dots background'), found " + quoted(text);
        return false;
    }
    const auto color = colorFromName(w[0]);
    if (!color) {
        why = "expected a background colour, found " + quoted(w[0]);
        return false;
    }
    scene.background = *color;
    scene.pattern = Pattern::Plain;
    if (w.size() == 3) {
        const auto pattern = patternFromName(w[1]);
        if (!pattern || *pattern == Pattern::Plain) {
            why = "expected a background pattern (stripes, dots, checker, grid, rain), found " + quoted(w[1]);
            return false;
        }
        scene.pattern = *pattern;
    }
    return true;
}

bool parseObject(const std::string& text, Cell& cell, int& index, std::string& why)
{
    bool ok = true;
    const auto w = splitWords(text, ok);
    if (!ok || w.size() < 6 || w[0] != "a") {
        why = "expected an object phrase ('a small red circle at the top'), found " + quoted(text);
        return false;
    }
    if (w[2] == "creature") {
        const auto color = colorFromName(w[1]);
        if (!color) {
            why = "expected a creature colour, found " + quoted(w[1]);
            return false;
        }
        const auto pos = parsePosition(w, 3, why);
        if (!pos)
            return false;
        cell = Cell::makeCreature(0, *color);
        index = *pos;
        return true;
    }
    if (w.size() != 7) {
        why = "expected an object phrase ('a small red circle at the top'), found " + quoted(text);
        return false;
    }
    const auto size = sizeFromName(w[1]);
    const auto color = colorFromName(w[2]);
    const auto shape = shapeFromName(w[3]);
    if (!size) {
        why = "expected a size (small, large), found " + quoted(w[1]);
        return false;
    }
    if (!color) {
        why = "expected a colour, found " + quoted(w[2]);
        return false;
    }
    if (!shape) {
        why = "expected a shape, found " + quoted(w[3]);
        return false;
    }
    const auto pos = parsePosition(w, 4, why);
    if (!pos)
        return false;
    cell = Cell::makeObject(*shape, *color, *size);
    index = *pos;
    return true;
}

} // namespace

std::string positionPhrase(int cell)
{
    if (cell == cellIndex(1, 1))
        return "in the center";
    return std::string("at the ") + positionName(cell);
}

std::string targetPhrase(int cell) { return std::string("to the ") + positionName(cell); }

std::string backgroundPhrase(Color color, Pattern pattern, bool withWord)
{
    std::string s = colorName(color);
    if (pattern != Pattern::Plain) {
        s += ' ';
        s += patternName(pattern);
    }
    if (withWord)
        s += " background";
    return s;
}

std::string objectPhrase(const Cell& content, int cell)
{
    switch (content.kind) {
    case Cell::Kind::Object:
        return std::string("a ") + sizeName(content.size) + " " + colorName(content.color) + " " +
               shapeName(content.shape) + " " + positionPhrase(cell);
    case Cell::Kind::Creature: return std::string("a ") + colorName(content.color) + " creature " + positionPhrase(cell);
    default: return {};
    }
}

std::string objectPhrase(const Scene& scene, int cell) { return objectPhrase(scene.cells.at(cell), cell); }

std::string caption(const Scene& scene)
{
    std::string objects;
    for (int i = 0; i < kCellCount; ++i) {
        if (scene.cells[i].empty())
            continue;
        if (!objects.empty())
            objects += ", ";
        objects += objectPhrase(scene.cells[i], i);
    }
    const std::string bg = backgroundPhrase(scene.background, scene.pattern);
    if (objects.empty())
        return "an empty " + bg;
    return objects + " on a " + bg;
}

std::optional<Scene> parseCaption(const std::string& text, std::string* reason)
{
    std::string why;
    auto fail = [&]() -> std::optional<Scene> {
        if (reason)
            *reason = why;
        return std::nullopt;
    };
    Scene scene;
    static const std::string kEmpty = "an empty ";
    static const std::string kOn = " on a ";
    if (text.compare(0, kEmpty.size(), kEmpty) == 0) {
        if (!parseBackground(text.substr(kEmpty.size()), scene, why))
            return fail();
        return scene;
    }
    const std::size_t on = text.rfind(kOn);
    if (on == std::string::npos) {
        why = "expected 'OBJECTS on a BACKGROUND' or 'an empty BACKGROUND', found " + quoted(text);
        return fail();
    }
    if (!parseBackground(text.substr(on + kOn.size()), scene, why))
        return fail();
    const std::string objects = text.substr(0, on);
    std::size_t start = 0;
    int count = 0;
    for (;;) {
        const std::size_t comma = objects.find(", ", start);
        const std::string phrase = objects.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        Cell cell;
        int index = -1;
        if (!parseObject(phrase, cell, index, why))
            return fail();
        if (!scene.cells[index].empty()) {
            why = std::string("two objects at the ") + positionName(index) + "; a cell holds one object";
            return fail();
        }
        if (cell.color == scene.background) {
            why = std::string("the object at the ") + positionName(index) + " has the background colour " +
                  colorName(scene.background) + "; objects must differ from the background";
            return fail();
        }
        scene.cells[index] = cell;
        if (++count > kMaxObjects) {
            why = "expected at most 4 objects, found more";
            return fail();
        }
        if (comma == std::string::npos)
            break;
        start = comma + 2;
    }
    return scene;
}

} // namespace weft::world
