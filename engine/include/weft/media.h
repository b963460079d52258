#pragma once
// In-memory media shared by the engine, the world and the UI. No OpenCV or Qt types.

#include <cstdint>
#include <string>
#include <vector>

#include "weft/result.h"

namespace weft {

/// An 8-bit RGB image, row-major, 3 bytes per pixel, no padding.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb; ///< width * height * 3 bytes

    bool empty() const noexcept { return width <= 0 || height <= 0; }
    /// Pointer to pixel (x, y); no bounds check.
    std::uint8_t* pixel(int x, int y) { return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3; }
    const std::uint8_t* pixel(int x, int y) const { return rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3; }
    bool operator==(const Image& o) const { return width == o.width && height == o.height && rgb == o.rgb; }
    bool operator!=(const Image& o) const { return !(*this == o); }
};

/// A mono audio clip, samples in [-1, 1].
struct AudioClip {
    int sampleRate = 16000; ///< Hz
    std::vector<float> samples;
    bool empty() const noexcept { return samples.empty(); }
};

/// Caps applied before decoding any outside image or audio file.
struct MediaLimits {
    std::int64_t maxFileBytes = 64LL * 1024 * 1024;   ///< bytes on disk
    std::int64_t maxPixels = 40LL * 1000 * 1000;      ///< width * height
    double maxAudioSeconds = 30.0;                    ///< seconds after decoding
    int maxAudioChannels = 8;
    int maxAudioSampleRate = 384000;                  ///< Hz
};

/// Decodes a PNG/JPEG/WebP/BMP file into RGB. Checks the file size and the pixel count
/// from the header before decoding. Thread-safe. Fails with NotFound, LimitExceeded or Format.
Result<Image> loadImageFile(const std::string& path, const MediaLimits& limits = {});

/// Decodes an encoded image held in memory (same formats and checks as loadImageFile).
Result<Image> decodeImage(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits = {});

/// Writes a PNG atomically (temporary file then rename). Thread-safe. Fails with Io.
Result<void> saveImagePng(const Image& image, const std::string& path);

/// Nearest-neighbour resize (exact for integer factors; used for upscaling model outputs).
Image resizeNearest(const Image& image, int width, int height);

/// Area-averaging resize for shrinking arbitrary inputs to the model's size.
Image resizeArea(const Image& image, int width, int height);

} // namespace weft
