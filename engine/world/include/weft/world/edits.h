#pragma once
// Task 5 edits (recolour, move, remove, add, resize, background) and their canonical
// instructions. Used by tasks 5, 6 and 10. Thread-safe.

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "weft/world/scene.h"

namespace weft::world {

enum class EditKind { Recolor, Move, Remove, Add, Resize, Background };
constexpr int kEditKindCount = 6;

/// "recolor", "move", "remove", "add", "resize", "background".
const char* editKindName(EditKind kind);
std::optional<EditKind> editKindFromName(const std::string& name);

struct Edit {
    EditKind kind = EditKind::Recolor;
    int cell = -1;        ///< the named object's cell (recolor, move, remove, resize) or add's target
    int targetCell = -1;  ///< move: the destination cell (empty in the scene)
    Cell added;           ///< add: the new object
    Color newColor = Color::Red;      ///< recolor: new object colour; background: new colour
    Size newSize = Size::Small;       ///< resize: the other size
    Pattern newPattern = Pattern::Plain; ///< background: new pattern
};

/// The instruction text, e.g. "make the red circle blue", "move the red circle to the center",
/// "change the background to green dots". `before` supplies the named object's colour and shape.
/// Throws std::invalid_argument when the edit does not name an object of `before`.
std::string editInstruction(const Scene& before, const Edit& edit);

/// Applies the edit; throws std::invalid_argument when it is illegal for `before` (no object at
/// the cell, occupied target, colour equal to the background, ...).
Scene applyEdit(const Scene& before, const Edit& edit);

/// Cells the instruction names (excluded from preservation): the object's cell, plus the move
/// target; none for a background change.
std::vector<int> editNamedCells(const Edit& edit);

/// A random legal edit of `kind` (any kind when empty) that names only objects unique in the
/// scene by colour and shape and keeps them unique afterwards; std::nullopt when the scene
/// allows none of that kind. Deterministic for the engine state.
std::optional<Edit> randomEdit(std::mt19937_64& rng, const Scene& scene, std::optional<EditKind> kind = {});

/// True when exactly one non-empty cell is an object of this colour and shape.
bool uniqueObject(const Scene& scene, Color color, Shape shape);

} // namespace weft::world
