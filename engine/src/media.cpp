#include "weft/media.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <cstring>
#include <mutex>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <webp/decode.h>

#include "errors.h"
#include "file_io.h"
#include "weft/conversation.h"

namespace weft {

namespace {

enum class ImageKind { Png, Jpeg, Bmp, WebP };

struct HeaderInfo {
    ImageKind kind = ImageKind::Png;
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::size_t frameOffset = 0; ///< JPEG: where the frame header (SOF) starts
};

std::uint32_t be32(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3]; }
std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t(p[0]) << 8) | p[1]; }
std::uint32_t le16(const std::uint8_t* p) { return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8); }
std::uint32_t le24(const std::uint8_t* p) { return le16(p) | (std::uint32_t(p[2]) << 16); }
std::uint32_t le32(const std::uint8_t* p) { return le24(p) | (std::uint32_t(p[3]) << 24); }

[[noreturn]] void truncated(const std::string& what, const char* kind) {
    throw FormatError(what + ": " + kind + " header is truncated");
}

// Reads the pixel dimensions from the container header only, so that the size check happens
// before any decoder allocates memory for the pixels.
HeaderInfo readHeader(const std::uint8_t* d, std::size_t n, const std::string& what) {
    HeaderInfo h;
    static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && std::memcmp(d, kPng, 8) == 0) {
        h.kind = ImageKind::Png;
        if (n < 24) truncated(what, "PNG");
        if (std::memcmp(d + 12, "IHDR", 4) != 0)
            throw FormatError(what + ": PNG does not start with an IHDR chunk");
        h.width = be32(d + 16);
        h.height = be32(d + 20);
        return h;
    }
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        h.kind = ImageKind::Jpeg;
        std::size_t i = 2;
        while (true) {
            while (i < n && d[i] == 0xFF) ++i; // fill bytes before a marker code
            if (i >= n) truncated(what, "JPEG");
            const std::uint8_t marker = d[i++];
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length
            if (marker == 0xD9 || marker == 0xDA)
                throw FormatError(what + ": JPEG has no frame header (SOF) before its image data");
            if (i + 2 > n) truncated(what, "JPEG");
            const std::size_t len = be16(d + i);
            if (len < 2) throw FormatError(what + ": JPEG segment length " + std::to_string(len) + " is invalid");
            const bool sof = (marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (i + 7 > n) truncated(what, "JPEG");
                h.height = be16(d + i + 3);
                h.width = be16(d + i + 5);
                h.frameOffset = i;
                return h;
            }
            i += len;
        }
    }
    if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
        h.kind = ImageKind::Bmp;
        if (n < 26) truncated(what, "BMP");
        const std::uint32_t dib = le32(d + 14);
        if (dib == 12) {
            h.width = le16(d + 18);
            h.height = le16(d + 20);
        } else {
            h.width = static_cast<std::int32_t>(le32(d + 18));
            h.height = static_cast<std::int32_t>(le32(d + 22));
            if (h.height < 0) h.height = -h.height; // negative height means top-down rows
        }
        return h;
    }
    if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) {
        h.kind = ImageKind::WebP;
        if (n < 30) truncated(what, "WebP");
        if (std::memcmp(d + 12, "VP8 ", 4) == 0) {
            if (d[23] != 0x9D || d[24] != 0x01 || d[25] != 0x2A)
                throw FormatError(what + ": WebP VP8 frame has no start code");
            h.width = le16(d + 26) & 0x3FFF;
            h.height = le16(d + 28) & 0x3FFF;
        } else if (std::memcmp(d + 12, "VP8L", 4) == 0) {
            if (d[20] != 0x2F) throw FormatError(what + ": WebP lossless frame has no signature");
            const std::uint32_t bits = le32(d + 21);
            h.width = (bits & 0x3FFF) + 1;
            h.height = ((bits >> 14) & 0x3FFF) + 1;
        } else if (std::memcmp(d + 12, "VP8X", 4) == 0) {
            h.width = static_cast<std::int64_t>(le24(d + 24)) + 1;
            h.height = static_cast<std::int64_t>(le24(d + 27)) + 1;
        } else {
            throw FormatError(what + ": WebP has an unknown first chunk");
        }
        return h;
    }
    throw FormatError(what + ": expected a PNG, JPEG, WebP or BMP image, found another kind of file");
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
    static const auto kTable = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) c = kTable[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// libpng prints to stderr when it meets truncated or corrupt data, and the engine must not
// print: walking the chunks and their CRCs first keeps such files away from it and names the
// problem precisely.
void checkPngChunks(const std::uint8_t* d, std::size_t n, const std::string& what) {
    std::size_t i = 8;
    bool sawData = false;
    for (;;) {
        if (n - i < 12) throw FormatError(what + ": PNG is truncated (it ends before its IEND chunk)");
        const std::uint32_t len = be32(d + i);
        if (len > n - i - 12)
            throw FormatError(what + ": PNG chunk at byte " + std::to_string(i) + " declares " + std::to_string(len) +
                              " bytes, more than the file holds (truncated)");
        const std::uint8_t* type = d + i + 4;
        std::string name;
        for (int k = 0; k < 4; ++k) name += std::isalpha(type[k]) ? static_cast<char>(type[k]) : '?';
        if (crc32(type, std::size_t(len) + 4) != be32(d + i + 8 + len))
            throw FormatError(what + ": PNG chunk '" + name + "' at byte " + std::to_string(i) +
                              " fails its CRC check (corrupt file)");
        if (name == "IDAT") sawData = true;
        if (name == "IEND") break;
        i += 12 + std::size_t(len);
    }
    if (!sawData) throw FormatError(what + ": PNG has no image data (IDAT chunk)");
}

// OpenCV 4.x reads its own caps (OPENCV_IO_MAX_IMAGE_PIXELS, _WIDTH, _HEIGHT; defaults 2^30
// pixels and 2^20 per side) into static constants of imgcodecs' loadsave.cpp while the library
// is being loaded, before any code of ours runs, so setting that variable from here has no
// effect. The cap that holds is therefore ours: decodeChecked reads the dimensions from the
// container header (readHeader) and refuses oversized images before cv::imdecode allocates,
// and checks the decoded size again after it.
void quietOpenCv() {
    static std::once_flag once;
    // OpenCV's decoders report problems through its logger; the engine reports through errors.
    std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

Image matToImage(const cv::Mat& decoded, const std::string& what) {
    cv::Mat m = decoded;
    if (m.depth() == CV_16U) {
        cv::Mat eight;
        m.convertTo(eight, CV_8U, 1.0 / 257.0);
        m = eight;
    } else if (m.depth() != CV_8U) {
        cv::Mat eight;
        m.convertTo(eight, CV_8U);
        m = eight;
    }
    cv::Mat rgb;
    switch (m.channels()) {
    case 1: cv::cvtColor(m, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB); break;
    case 2:
    case 4: {
        // Transparent pixels become white, the canvas colour a user expects behind a cut-out.
        const bool gray = m.channels() == 2;
        rgb.create(m.rows, m.cols, CV_8UC3);
        for (int y = 0; y < m.rows; ++y) {
            const std::uint8_t* src = m.ptr<std::uint8_t>(y);
            std::uint8_t* dst = rgb.ptr<std::uint8_t>(y);
            for (int x = 0; x < m.cols; ++x) {
                const std::uint8_t* px = src + x * m.channels();
                const int a = gray ? px[1] : px[3];
                const int c[3] = {gray ? px[0] : px[2], gray ? px[0] : px[1], px[0]}; // R, G, B
                for (int k = 0; k < 3; ++k) dst[x * 3 + k] = static_cast<std::uint8_t>((c[k] * a + 255 * (255 - a) + 127) / 255);
            }
        }
        break;
    }
    default:
        throw FormatError(what + ": unsupported channel count " + std::to_string(m.channels()));
    }
    Image img;
    img.width = rgb.cols;
    img.height = rgb.rows;
    img.rgb.resize(static_cast<std::size_t>(img.width) * img.height * 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(img.rgb.data() + static_cast<std::size_t>(y) * img.width * 3, rgb.ptr<std::uint8_t>(y),
                    static_cast<std::size_t>(img.width) * 3);
    return img;
}

// WebP goes to libwebp directly: when OpenCV's own WebP reader rejects a file, imdecode tries
// its other decoders in turn, and GDAL's accepts almost anything, writing the bytes to a
// temporary file and printing to stderr (found by fuzz_image).
Image decodeWebP(const std::vector<std::uint8_t>& bytes, const std::string& what) {
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(bytes.data(), bytes.size(), &features) != VP8_STATUS_OK)
        throw FormatError(what + ": WebP could not be decoded (corrupt or truncated header)");
    cv::Mat bgra(features.height, features.width, CV_8UC4);
    const std::size_t stride = static_cast<std::size_t>(features.width) * 4;
    if (!WebPDecodeBGRAInto(bytes.data(), bytes.size(), bgra.data, stride * static_cast<std::size_t>(features.height),
                            static_cast<int>(stride)))
        throw FormatError(what + ": WebP could not be decoded (corrupt or truncated)");
    if (!features.has_alpha) {
        cv::Mat bgr;
        cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
        return matToImage(bgr, what);
    }
    return matToImage(bgra, what);
}

Image decodeChecked(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits, const std::string& what) {
    if (static_cast<std::int64_t>(bytes.size()) > limits.maxFileBytes)
        throw LimitError(what + ": " + std::to_string(bytes.size()) + " bytes, more than the cap of " +
                         std::to_string(limits.maxFileBytes));
    if (bytes.empty()) throw FormatError(what + ": expected an image, found no bytes");
    const HeaderInfo h = readHeader(bytes.data(), bytes.size(), what);
    if (h.width <= 0 || h.height <= 0)
        throw FormatError(what + ": image header declares " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                          " pixels");
    // PNG headers hold unsigned 32-bit dimensions, whose product can overflow int64.
    std::int64_t pixels = 0;
    if (__builtin_mul_overflow(h.width, h.height, &pixels) || pixels > limits.maxPixels)
        throw LimitError(what + ": image of " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                         " pixels exceeds the cap of " + std::to_string(limits.maxPixels) + " pixels");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw LimitError(what + ": more than 2 GiB of encoded image data");
    if (h.kind == ImageKind::Png) checkPngChunks(bytes.data(), bytes.size(), what);
    if (h.kind == ImageKind::Jpeg) {
        // libjpeg decodes a truncated file as grey filler and prints a warning; refusing files
        // without an end-of-image marker after the frame header avoids both. Trailing bytes
        // after the marker (common in camera files) are allowed.
        bool sawEnd = false;
        for (std::size_t i = bytes.size() - 1; i > h.frameOffset && !sawEnd; --i)
            sawEnd = bytes[i - 1] == 0xFF && bytes[i] == 0xD9;
        if (!sawEnd) throw FormatError(what + ": JPEG is truncated (no end-of-image marker)");
    }
    if (h.kind == ImageKind::WebP) return decodeWebP(bytes, what);
    quietOpenCv();
    const cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
    // JPEG has no alpha, so IMREAD_COLOR is used to get its EXIF orientation applied; other
    // formats are read unchanged to see their alpha channel.
    const int flags = h.kind == ImageKind::Jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
    cv::Mat m;
    try {
        m = cv::imdecode(buf, flags);
    } catch (const cv::Exception& e) {
        throw FormatError(what + ": image could not be decoded (" + e.msg + ")");
    }
    if (m.empty()) throw FormatError(what + ": image could not be decoded (corrupt or truncated)");
    if (static_cast<std::int64_t>(m.cols) * m.rows > limits.maxPixels)
        throw LimitError(what + ": decoded image exceeds the pixel cap");
    return matToImage(m, what);
}

} // namespace

Result<Image> loadImageFile(const std::string& path, const MediaLimits& limits) {
    return guarded([&]() -> Result<Image> {
        std::vector<std::uint8_t> bytes;
        readFileCapped(path, static_cast<std::uint64_t>(std::max<std::int64_t>(limits.maxFileBytes, 0)), "image file",
                       bytes);
        return decodeChecked(bytes, limits, "image file '" + path + "'");
    });
}

Result<Image> decodeImage(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits) {
    return guarded([&]() -> Result<Image> { return decodeChecked(bytes, limits, "image"); });
}

Result<void> saveImagePng(const Image& image, const std::string& path) {
    return guarded([&]() -> Result<void> {
        if (image.empty() || image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
            throw ArgumentError("saveImagePng: expected " + std::to_string(image.width) + "x" +
                                std::to_string(image.height) + "x3 bytes, found " + std::to_string(image.rgb.size()));
        cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.rgb.data()));
        cv::Mat bgr;
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
        std::vector<std::uint8_t> png;
        if (!cv::imencode(".png", bgr, png)) throw IoError("could not encode '" + path + "' as PNG");
        writeBytesAtomic(path, png.data(), png.size());
        return {};
    });
}

Image resizeNearest(const Image& image, int width, int height) {
    if (image.empty() || width <= 0 || height <= 0 ||
        image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
        return {};
    Image out;
    out.width = width;
    out.height = height;
    out.rgb.resize(static_cast<std::size_t>(width) * height * 3);
    // Sampling at destination pixel centres makes integer upscales exact copies of each source
    // pixel and integer downscales pick the centre of each block.
    std::vector<int> sx(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x)
        sx[static_cast<std::size_t>(x)] = static_cast<int>((2LL * x + 1) * image.width / (2LL * width));
    for (int y = 0; y < height; ++y) {
        const int syy = static_cast<int>((2LL * y + 1) * image.height / (2LL * height));
        for (int x = 0; x < width; ++x) std::memcpy(out.pixel(x, y), image.pixel(sx[static_cast<std::size_t>(x)], syy), 3);
    }
    return out;
}

Image resizeArea(const Image& image, int width, int height) {
    if (image.empty() || width <= 0 || height <= 0 ||
        image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
        return {};
    const cv::Mat src(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.rgb.data()));
    Image out;
    out.width = width;
    out.height = height;
    out.rgb.resize(static_cast<std::size_t>(width) * height * 3);
    cv::Mat dst(height, width, CV_8UC3, out.rgb.data());
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_AREA);
    return out;
}

} // namespace weft
