// Fuzzes decodeImage: the container header checks (PNG chunks and CRCs, JPEG markers, BMP and
// WebP headers) that run before OpenCV, then OpenCV's decoders behind them. An accepted image
// must respect the pixel cap and hold exactly width * height RGB pixels.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "weft/media.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_image";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    // A cap far below the default keeps each run fast; the header checks are the same code.
    MediaLimits limits;
    limits.maxPixels = 1 << 18;
    const Result<Image> r = decodeImage(bytes, limits);
    if (!r.ok()) {
        fuzz::expectRefusal(kTarget, r.error().code, r.error().message, {ErrorCode::Format, ErrorCode::LimitExceeded});
        return 0;
    }
    const Image& img = r.value();
    expect(img.width > 0 && img.height > 0, kTarget, "accepted an empty image");
    expect(static_cast<std::int64_t>(img.width) * img.height <= limits.maxPixels, kTarget, "pixel cap ignored");
    expect(img.rgb.size() == static_cast<std::size_t>(img.width) * img.height * 3, kTarget,
           "pixel buffer size disagrees with the dimensions");
    return 0;
}
