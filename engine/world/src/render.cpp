#include "weft/world/render.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace weft::world {
namespace {

// Pixel centres sit at half-integer offsets from the cell centre, so the polygon-free shapes
// are evaluated in half-pixel units (a = 2dx, b = 2dy, R = 2r: all integers). The spec's
// boundaries (<=, <) then hold exactly, with no floating-point ties.
bool insideExact(Shape shape, int a, int b, int R)
{
    const int aa = std::abs(a), ab = std::abs(b);
    const long d2 = static_cast<long>(a) * a + static_cast<long>(b) * b;
    switch (shape) {
    case Shape::Circle: return d2 < static_cast<long>(R) * R;
    case Shape::Square: return 5 * aa <= 4 * R && 5 * ab <= 4 * R;
    case Shape::Triangle: return b >= -R && 5 * b <= 4 * R && 5 * aa <= 3 * (b + R);
    case Shape::Diamond: return aa + ab <= R;
    case Shape::Cross: return (3 * aa <= R && ab <= R) || (3 * ab <= R && aa <= R);
    case Shape::Ring: return 121L * R * R <= 400L * d2 && d2 < static_cast<long>(R) * R;
    default: return false;
    }
}

bool insideStar(double dx, double dy, double r)
{
    constexpr double kPi = 3.14159265358979323846;
    double vx[10], vy[10];
    for (int i = 0; i < 10; ++i) {
        const double rho = (i % 2 == 0) ? r : 0.45 * r;
        const double angle = (-90.0 + 36.0 * i) * kPi / 180.0;
        vx[i] = rho * std::cos(angle);
        vy[i] = rho * std::sin(angle);
    }
    bool inside = false;
    for (int i = 0; i < 10; ++i) {
        const int j = (i + 1) % 10;
        const double x1 = vx[i], y1 = vy[i], x2 = vx[j], y2 = vy[j];
        if ((y1 > dy) != (y2 > dy) && dx < x1 + (dy - y1) * (x2 - x1) / (y2 - y1))
            inside = !inside;
    }
    return inside;
}

bool insideHeart(double dx, double dy, double r)
{
    const double s = 0.85 * r;
    const double X = dx / s;
    const double Y = -dy / s + 0.15;
    const double q = X * X + Y * Y - 1.0;
    return q * q * q - X * X * Y * Y * Y <= 0.0;
}

CellMask computeMask(Shape shape, Size size)
{
    CellMask m{};
    const int R = size == Size::Small ? 10 : 15;
    const double r = R / 2.0;
    for (int y = 0; y < kCellSize; ++y) {
        for (int x = 0; x < kCellSize; ++x) {
            const int a = 2 * x - (kCellSize - 1);
            const int b = 2 * y - (kCellSize - 1);
            bool in = false;
            if (shape == Shape::Star)
                in = insideStar(a / 2.0, b / 2.0, r);
            else if (shape == Shape::Heart)
                in = insideHeart(a / 2.0, b / 2.0, r);
            else
                in = insideExact(shape, a, b, R);
            if (in)
                m[y] = static_cast<std::uint16_t>(m[y] | (1u << x));
        }
    }
    return m;
}

void paintCell(weft::Image& img, int cell, const CellMask& mask, Color color)
{
    const auto rgb = colorRgb(color);
    const int left = kMargin + kCellSize * cellColumn(cell);
    const int top = kMargin + kCellSize * cellRow(cell);
    for (int y = 0; y < kCellSize; ++y) {
        if (!mask[y])
            continue;
        for (int x = 0; x < kCellSize; ++x) {
            if (mask[y] & (1u << x)) {
                std::uint8_t* p = img.pixel(left + x, top + y);
                p[0] = rgb[0];
                p[1] = rgb[1];
                p[2] = rgb[2];
            }
        }
    }
}

} // namespace

const CellMask& shapeMask(Shape shape, Size size)
{
    static const auto masks = [] {
        std::array<CellMask, kShapeCount * 2> all{};
        for (int s = 0; s < kShapeCount; ++s)
            for (int z = 0; z < 2; ++z)
                all[s * 2 + z] = computeMask(static_cast<Shape>(s), static_cast<Size>(z));
        return all;
    }();
    const int s = static_cast<int>(shape), z = static_cast<int>(size);
    if (s < 0 || s >= kShapeCount || z < 0 || z > 1)
        throw std::invalid_argument("expected a valid shape and size, found " + std::to_string(s) + "/" + std::to_string(z));
    return masks[s * 2 + z];
}

CellMask creatureMask(std::uint16_t pattern)
{
    CellMask m{};
    for (int y = 0; y < kCellSize; ++y) {
        std::uint16_t row = 0;
        for (int c = 0; c < 4; ++c)
            if (pattern & (1u << ((y / 4) * 4 + c)))
                row = static_cast<std::uint16_t>(row | (0xFu << (4 * c)));
        m[y] = row;
    }
    return m;
}

CellMask cellMask(const Cell& cell)
{
    switch (cell.kind) {
    case Cell::Kind::Object: return shapeMask(cell.shape, cell.size);
    case Cell::Kind::Creature: return creatureMask(cell.creature);
    default: return CellMask{};
    }
}

bool isPatternInk(Pattern pattern, int x, int y)
{
    switch (pattern) {
    case Pattern::Plain: return false;
    case Pattern::Stripes: return y % 8 < 2;
    case Pattern::Dots: {
        const int mx = x % 8, my = y % 8;
        return (mx == 3 || mx == 4) && (my == 3 || my == 4);
    }
    case Pattern::Checker: return ((x / 8) + (y / 8)) % 2 == 1;
    case Pattern::Grid: return x % 16 == 0 || y % 16 == 0;
    case Pattern::Rain: return x % 4 == 1 && (y + 4 * ((x / 4) % 2)) % 8 < 3;
    }
    return false;
}

weft::Image renderBackground(Color background, Pattern pattern)
{
    weft::Image img;
    img.width = kCanvasSize;
    img.height = kCanvasSize;
    img.rgb.resize(static_cast<std::size_t>(kCanvasSize) * kCanvasSize * 3);
    const auto bg = colorRgb(background);
    const auto ink = inkRgb(background);
    for (int y = 0; y < kCanvasSize; ++y) {
        for (int x = 0; x < kCanvasSize; ++x) {
            const auto& c = isPatternInk(pattern, x, y) ? ink : bg;
            std::uint8_t* p = img.pixel(x, y);
            p[0] = c[0];
            p[1] = c[1];
            p[2] = c[2];
        }
    }
    return img;
}

weft::Image render(const Scene& scene, int scale)
{
    if (scale < 1 || scale > 64)
        throw std::invalid_argument("expected a render scale in 1..64, found " + std::to_string(scale));
    weft::Image img = renderBackground(scene.background, scene.pattern);
    for (int i = 0; i < kCellCount; ++i)
        if (!scene.cells[i].empty())
            paintCell(img, i, cellMask(scene.cells[i]), scene.cells[i].color);
    if (scale == 1)
        return img;
    weft::Image big;
    big.width = kCanvasSize * scale;
    big.height = kCanvasSize * scale;
    big.rgb.resize(static_cast<std::size_t>(big.width) * big.height * 3);
    for (int y = 0; y < big.height; ++y)
        for (int x = 0; x < big.width; ++x) {
            const std::uint8_t* s = img.pixel(x / scale, y / scale);
            std::uint8_t* d = big.pixel(x, y);
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
    return big;
}

} // namespace weft::world
