#include "weft/world/transforms.h"

#include <stdexcept>

namespace weft::world {

bool Transformation::operator==(const Transformation& o) const noexcept
{
    if (kind != o.kind)
        return false;
    switch (kind) {
    case TransformKind::Recolor: return from == o.from && to == o.to;
    case TransformKind::SetPattern: return pattern == o.pattern;
    case TransformKind::RemoveShape: return shape == o.shape;
    default: return true;
    }
}

TransformFamily transformFamily(TransformKind kind)
{
    switch (kind) {
    case TransformKind::FlipLeftRight:
    case TransformKind::FlipUpDown:
    case TransformKind::RotateClockwise: return TransformFamily::Geometric;
    case TransformKind::Recolor: return TransformFamily::Recolor;
    case TransformKind::SetPattern: return TransformFamily::Background;
    case TransformKind::MakeLarge:
    case TransformKind::MakeSmall: return TransformFamily::Size;
    case TransformKind::RemoveShape: return TransformFamily::Removal;
    }
    throw std::invalid_argument("expected a valid transformation kind");
}

const char* transformKindName(TransformKind kind)
{
    switch (kind) {
    case TransformKind::FlipLeftRight: return "flip-left-right";
    case TransformKind::FlipUpDown: return "flip-up-down";
    case TransformKind::RotateClockwise: return "rotate-clockwise";
    case TransformKind::Recolor: return "recolor";
    case TransformKind::SetPattern: return "pattern";
    case TransformKind::MakeLarge: return "make-large";
    case TransformKind::MakeSmall: return "make-small";
    case TransformKind::RemoveShape: return "remove";
    }
    throw std::invalid_argument("expected a valid transformation kind");
}

std::optional<TransformKind> transformKindFromName(std::string_view name)
{
    for (int i = 0; i < transformKindCount(); ++i)
        if (name == transformKindName(static_cast<TransformKind>(i)))
            return static_cast<TransformKind>(i);
    return std::nullopt;
}

std::string transformName(const Transformation& t)
{
    switch (t.kind) {
    case TransformKind::Recolor: return std::string("recolor-") + colorName(t.from) + "-" + colorName(t.to);
    case TransformKind::SetPattern: return std::string("pattern-") + patternName(t.pattern);
    case TransformKind::RemoveShape: return std::string("remove-") + shapePlural(t.shape);
    default: return transformKindName(t.kind);
    }
}

std::string chainName(const TransformChain& chain)
{
    std::string s;
    for (const auto& t : chain) {
        if (!s.empty())
            s += "+";
        s += transformName(t);
    }
    return s;
}

const std::vector<Transformation>& allTransformations()
{
    static const std::vector<Transformation> all = [] {
        std::vector<Transformation> v;
        for (auto k : {TransformKind::FlipLeftRight, TransformKind::FlipUpDown, TransformKind::RotateClockwise}) {
            Transformation t;
            t.kind = k;
            v.push_back(t);
        }
        for (int a = 0; a < kColorCount; ++a)
            for (int b = 0; b < kColorCount; ++b)
                if (a != b) {
                    Transformation t;
                    t.kind = TransformKind::Recolor;
                    t.from = static_cast<Color>(a);
                    t.to = static_cast<Color>(b);
                    v.push_back(t);
                }
        for (int p = 0; p < kPatternCount; ++p) {
            Transformation t;
            t.kind = TransformKind::SetPattern;
            t.pattern = static_cast<Pattern>(p);
            v.push_back(t);
        }
        for (auto k : {TransformKind::MakeLarge, TransformKind::MakeSmall}) {
            Transformation t;
            t.kind = k;
            v.push_back(t);
        }
        for (int s = 0; s < kShapeCount; ++s) {
            Transformation t;
            t.kind = TransformKind::RemoveShape;
            t.shape = static_cast<Shape>(s);
            v.push_back(t);
        }
        return v;
    }();
    return all;
}

std::optional<Scene> applyTransform(const Scene& scene, const Transformation& t)
{
    Scene out = scene;
    switch (t.kind) {
    case TransformKind::FlipLeftRight:
    case TransformKind::FlipUpDown:
    case TransformKind::RotateClockwise:
        for (int i = 0; i < kCellCount; ++i) {
            const int c = cellColumn(i), r = cellRow(i);
            int to = i;
            if (t.kind == TransformKind::FlipLeftRight)
                to = cellIndex(2 - c, r);
            else if (t.kind == TransformKind::FlipUpDown)
                to = cellIndex(c, 2 - r);
            else
                to = cellIndex(2 - r, c); // clockwise: the top-left cell goes to the top-right
            out.cells[to] = scene.cells[i];
        }
        break;
    case TransformKind::Recolor:
        for (Cell& c : out.cells)
            if (!c.empty() && c.color == t.from) {
                if (t.to == scene.background)
                    return std::nullopt;
                c.color = t.to;
            }
        break;
    case TransformKind::SetPattern: out.pattern = t.pattern; break;
    case TransformKind::MakeLarge:
    case TransformKind::MakeSmall:
        for (Cell& c : out.cells)
            if (c.kind == Cell::Kind::Object)
                c.size = t.kind == TransformKind::MakeLarge ? Size::Large : Size::Small;
        break;
    case TransformKind::RemoveShape:
        for (Cell& c : out.cells)
            if (c.kind == Cell::Kind::Object && c.shape == t.shape)
                c = Cell::makeEmpty();
        break;
    }
    return out;
}

std::optional<Scene> applyChain(const Scene& scene, const TransformChain& chain)
{
    std::optional<Scene> s = scene;
    for (const auto& t : chain) {
        s = applyTransform(*s, t);
        if (!s)
            return std::nullopt;
    }
    return s;
}

namespace {

bool consistent(const std::vector<std::pair<Scene, Scene>>& examples, const TransformChain& chain)
{
    for (const auto& [before, after] : examples) {
        const auto out = applyChain(before, chain);
        if (!out || *out != after)
            return false;
    }
    return true;
}

bool ambiguous(const std::vector<std::pair<Scene, Scene>>& examples, const Scene& query, const Scene& answer,
               const TransformChain& chain)
{
    if (!consistent(examples, chain))
        return false;
    const auto out = applyChain(query, chain);
    return !out || *out != answer;
}

} // namespace

bool identifiable(const std::vector<std::pair<Scene, Scene>>& examples, const Scene& query, const Scene& answer,
                  bool withCompositions)
{
    const auto& all = allTransformations();
    for (const auto& t : all)
        if (ambiguous(examples, query, answer, {t}))
            return false;
    if (!withCompositions)
        return true;
    // Cross-family compositions commute (only geometry moves cells; the others act per cell
    // and on disjoint attributes), so each unordered pair is tried once.
    for (std::size_t i = 0; i < all.size(); ++i) {
        // A composition can only be consistent when its first part already is on the
        // attributes it touches; checking the full chain is cheap enough (test split only).
        for (std::size_t j = i + 1; j < all.size(); ++j) {
            if (transformFamily(all[i].kind) == transformFamily(all[j].kind))
                continue;
            if (ambiguous(examples, query, answer, {all[i], all[j]}))
                return false;
        }
    }
    return true;
}

} // namespace weft::world
