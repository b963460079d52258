#include "ui/image_convert.h"

#include <QPainter>

#include <algorithm>
#include <cstring>

namespace weft::ui {

QImage toQImage(const weft::Image& image)
{
    if (image.empty() || image.rgb.size() < static_cast<std::size_t>(image.width) * image.height * 3)
        return {};
    QImage out(image.width, image.height, QImage::Format_RGB888);
    const int rowBytes = image.width * 3;
    // QImage rows are 4-byte aligned, the engine's are packed: copy row by row.
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.rgb.data() + static_cast<std::size_t>(y) * rowBytes, rowBytes);
    return out;
}

weft::Image fromQImage(const QImage& image)
{
    weft::Image out;
    if (image.isNull())
        return out;
    QImage rgb;
    if (image.hasAlphaChannel()) {
        rgb = QImage(image.size(), QImage::Format_RGB888);
        rgb.fill(Qt::white);
        QPainter painter(&rgb);
        painter.drawImage(0, 0, image);
    } else {
        rgb = image.convertToFormat(QImage::Format_RGB888);
    }
    out.width = rgb.width();
    out.height = rgb.height();
    out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    const int rowBytes = out.width * 3;
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.rgb.data() + static_cast<std::size_t>(y) * rowBytes, rgb.constScanLine(y), rowBytes);
    return out;
}

QImage displayScaled(const QImage& image, int minSide, int maxSide)
{
    if (image.isNull())
        return image;
    const int side = std::max(image.width(), image.height());
    if (side > maxSide)
        return image.scaled(maxSide, maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    if (side >= minSide)
        return image;
    // Integer factor: every model pixel becomes an exact square block, no blur.
    const int factor = std::max(1, maxSide / side) > 1 ? std::max(1, std::min(maxSide / side, (minSide + side - 1) / side))
                                                       : 1;
    return image.scaled(image.width() * factor, image.height() * factor, Qt::IgnoreAspectRatio,
                        Qt::FastTransformation);
}

} // namespace weft::ui
