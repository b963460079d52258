#pragma once
// Canonical text of scenes (WORLD.md "Text"). Thread-safe.

#include <optional>
#include <string>

#include "weft/world/scene.h"

namespace weft::world {

/// "at the top-left", ..., "in the center" (cell 0..8).
std::string positionPhrase(int cell);
/// "to the top-left", ..., "to the center" (used by move).
std::string targetPhrase(int cell);
/// "green dots background", "green background" (plain); withWord=false drops " background".
std::string backgroundPhrase(Color color, Pattern pattern, bool withWord = true);
/// "a small red circle at the top" / "a red creature at the top"; empty string for an empty cell.
std::string objectPhrase(const Scene& scene, int cell);
/// Same for a lone cell placed at `cell`.
std::string objectPhrase(const Cell& content, int cell);

/// The canonical caption: object phrases in reading order joined by ", ", then " on a " and
/// the background phrase; "an empty {background phrase}" without objects.
std::string caption(const Scene& scene);

/// Parses a caption back into a scene. Accepts the canonical grammar with object phrases in
/// any order; rejects (std::nullopt) unknown words, two objects in one cell, more than four
/// objects, and objects the colour of the background. A creature's pattern is not in text:
/// parsed creatures hold pattern 0. When `reason` is given it receives a one-line reason on
/// failure.
std::optional<Scene> parseCaption(const std::string& text, std::string* reason = nullptr);

} // namespace weft::world
