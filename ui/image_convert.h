#pragma once
// Conversions between the engine's RGB images and Qt images.

#include <QImage>

#include "weft/media.h"

namespace weft::ui {

/// Copies an engine image into a new QImage (Format_RGB888). Empty image -> null QImage.
/// Thread-safe (QImage is reentrant).
QImage toQImage(const weft::Image& image);

/// Copies any QImage into an engine RGB image (alpha is composited over white so that
/// transparent PNGs look as they do on screen). Null QImage -> empty image. Thread-safe.
weft::Image fromQImage(const QImage& image);

/// Scales `image` by the largest integer factor that keeps it within `maxSide` pixels and
/// at least `minSide` pixels wide, with nearest-neighbour sampling, so that model outputs
/// (64x64) stay crisp. Images already large are only shrunk (smoothly) to fit `maxSide`.
QImage displayScaled(const QImage& image, int minSide = 256, int maxSide = 512);

} // namespace weft::ui
