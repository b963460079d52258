#pragma once
// Task 9 transformations (in-context examples) and the identifiability check. Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/world/scene.h"

namespace weft::world {

enum class TransformKind { FlipLeftRight, FlipUpDown, RotateClockwise, Recolor, SetPattern, MakeLarge, MakeSmall, RemoveShape };
/// Families; held-out compositions combine two transformations of different families.
enum class TransformFamily { Geometric, Recolor, Background, Size, Removal };

struct Transformation {
    TransformKind kind = TransformKind::FlipLeftRight;
    Color from = Color::Red;          ///< Recolor: objects of this colour...
    Color to = Color::Blue;           ///< ...become this colour
    Pattern pattern = Pattern::Plain; ///< SetPattern
    Shape shape = Shape::Circle;      ///< RemoveShape
    bool operator==(const Transformation& o) const noexcept;
};

/// A transformation or a composition (applied in order); one or two elements.
using TransformChain = std::vector<Transformation>;

TransformFamily transformFamily(TransformKind kind);
/// Stable names: "flip-left-right", "flip-up-down", "rotate-clockwise", "recolor-red-blue",
/// "pattern-dots", "make-large", "make-small", "remove-circles"; chains joined by "+".
std::string transformName(const Transformation& t);
std::string chainName(const TransformChain& chain);
/// The variant of a single transformation without its parameters ("recolor", "pattern", ...).
const char* transformKindName(TransformKind kind);
/// The kind named by transformKindName ("rotate-clockwise", "recolor", ...); std::nullopt for
/// any other name.
std::optional<TransformKind> transformKindFromName(std::string_view name);
/// Number of transformation kinds (TransformKind values 0..transformKindCount() - 1).
constexpr int transformKindCount() { return 8; }

/// Every transformation of the list with every parameter (151 of them).
const std::vector<Transformation>& allTransformations();

/// The transformed scene, or std::nullopt when the result would break the rules (an object
/// recoloured to the background colour). Geometric ones move cells; objects stay upright.
std::optional<Scene> applyTransform(const Scene& scene, const Transformation& t);
std::optional<Scene> applyChain(const Scene& scene, const TransformChain& chain);

/// WORLD.md task 9 rule: true when no other transformation of the list (and, with
/// `withCompositions`, no two-family composition) maps every example's before to its after
/// while giving a different answer on the query than `answer`. Brute force.
bool identifiable(const std::vector<std::pair<Scene, Scene>>& examples, const Scene& query, const Scene& answer,
                  bool withCompositions);

} // namespace weft::world
