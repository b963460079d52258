#include "audio_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>

#include <sndfile.h>

#include "errors.h"
#include "file_io.h"
#include "weft/audio.h"

namespace weft {

namespace {

// One in-memory "file" for libsndfile's virtual I/O: reads come from `data` (decoding) or
// from `out` (encoding, where libsndfile seeks back to patch the header), writes go to `out`.
struct MemoryFile {
    const std::uint8_t* data = nullptr;
    sf_count_t dataSize = 0;
    std::vector<std::uint8_t>* out = nullptr;
    sf_count_t pos = 0;

    sf_count_t size() const { return out ? static_cast<sf_count_t>(out->size()) : dataSize; }
    const std::uint8_t* bytes() const { return out ? out->data() : data; }
};

MemoryFile& memoryFile(void* user) { return *static_cast<MemoryFile*>(user); }

SF_VIRTUAL_IO memoryIo() {
    SF_VIRTUAL_IO io{};
    io.get_filelen = [](void* user) -> sf_count_t { return memoryFile(user).size(); };
    io.seek = [](sf_count_t offset, int whence, void* user) -> sf_count_t {
        MemoryFile& m = memoryFile(user);
        sf_count_t base = 0;
        if (whence == SEEK_CUR) base = m.pos;
        else if (whence == SEEK_END) base = m.size();
        sf_count_t target = 0;
        if (__builtin_add_overflow(base, offset, &target) || target < 0) return -1;
        m.pos = target;
        return m.pos;
    };
    io.read = [](void* ptr, sf_count_t count, void* user) -> sf_count_t {
        MemoryFile& m = memoryFile(user);
        const sf_count_t n = std::clamp<sf_count_t>(m.size() - m.pos, 0, std::max<sf_count_t>(count, 0));
        if (n > 0) std::memcpy(ptr, m.bytes() + m.pos, static_cast<std::size_t>(n));
        m.pos += n;
        return n;
    };
    io.write = [](const void* ptr, sf_count_t count, void* user) -> sf_count_t {
        MemoryFile& m = memoryFile(user);
        if (!m.out || count <= 0) return 0;
        const auto end = static_cast<std::size_t>(m.pos + count);
        if (end > m.out->size()) m.out->resize(end);
        std::memcpy(m.out->data() + m.pos, ptr, static_cast<std::size_t>(count));
        m.pos += count;
        return count;
    };
    io.tell = [](void* user) -> sf_count_t { return memoryFile(user).pos; };
    return io;
}

struct SndFileCloser {
    void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

std::string seconds(double s) {
    std::ostringstream o;
    // Whole seconds for long durations (a header's absurd claim reads better as 67109 s).
    if (s >= 1000) o << std::fixed << std::setprecision(0);
    else o << std::setprecision(4);
    o << s << " s";
    return o.str();
}

// A header value below 1 is malformed (Format); one above the caller's cap is a limit.
void checkHeaderValue(std::int64_t value, std::int64_t cap, const std::string& what, const char* source,
                      const std::string& declares, const char* unit) {
    if (value >= 1 && value <= cap) return;
    const std::string message = what + ": " + source + " declares " + declares + std::to_string(value) + unit +
                                ", expected 1 to " + std::to_string(cap) + unit;
    if (value < 1) throw FormatError(message);
    throw LimitError(message);
}

void checkChannelsAndRate(std::int64_t channels, std::int64_t rate, const MediaLimits& limits,
                          const std::string& what, const char* source) {
    checkHeaderValue(channels, limits.maxAudioChannels, what, source, "", " channels");
    checkHeaderValue(rate, limits.maxAudioSampleRate, what, source, "a sample rate of ", " Hz");
}

// Frames allowed at `rate` by the duration cap; a cap that is not a positive number allows none.
std::int64_t maxFramesAt(const MediaLimits& limits, int rate) {
    if (!(limits.maxAudioSeconds > 0)) return 0;
    return static_cast<std::int64_t>(std::min(std::floor(limits.maxAudioSeconds * rate), 1e15));
}

// libsndfile clamps a WAV data chunk that claims more bytes than the file holds to the file's
// end and decodes what is there, so a huge claim and a truncated file both look like a shorter
// valid clip. The RIFF chunks are therefore walked here first: the declared data size must fit
// the duration cap (a lower bound on the frames, so compressed codecs are never refused wrongly)
// and the file. A size of 0 or 0xFFFFFFFF is what streaming writers leave when they cannot seek
// back; such files are left to libsndfile, which reads up to the end.
void checkWavHeader(const std::uint8_t* d, std::size_t n, const MediaLimits& limits, const std::string& what) {
    if (n < 12 || std::memcmp(d + 8, "WAVE", 4) != 0) return;
    const bool bigEndian = std::memcmp(d, "RIFX", 4) == 0;
    if (!bigEndian && std::memcmp(d, "RIFF", 4) != 0) return;
    auto u16 = [&](std::size_t at) -> std::uint32_t {
        return bigEndian ? (std::uint32_t(d[at]) << 8) | d[at + 1] : std::uint32_t(d[at]) | (std::uint32_t(d[at + 1]) << 8);
    };
    auto u32 = [&](std::size_t at) -> std::uint32_t {
        return bigEndian ? (u16(at) << 16) | u16(at + 2) : u16(at) | (u16(at + 2) << 16);
    };
    std::uint64_t pos = 12;
    std::uint32_t channels = 0, rate = 0, blockAlign = 0;
    bool haveFormat = false;
    while (pos + 8 <= n) {
        const std::uint8_t* id = d + pos;
        const std::uint32_t length = u32(static_cast<std::size_t>(pos + 4));
        const std::uint64_t body = pos + 8;
        if (std::memcmp(id, "fmt ", 4) == 0) {
            if (length < 16 || body + 16 > n)
                throw FormatError(what + ": WAV format chunk is truncated (expected 16 bytes, found " +
                                  std::to_string(std::min<std::uint64_t>(length, n - body)) + ")");
            // libsndfile hands MPEG-in-WAV to libmpg123, which prints to stderr; the sample
            // formats of ordinary WAV files are allowed, the rest refused.
            const std::uint32_t tag = u16(static_cast<std::size_t>(body));
            constexpr std::uint32_t kTags[] = {0x0001, 0x0002, 0x0003, 0x0006, 0x0007, 0x0011, 0x0031, 0xFFFE};
            if (std::find(std::begin(kTags), std::end(kTags), tag) == std::end(kTags)) {
                std::ostringstream hex;
                hex << "0x" << std::hex << tag;
                throw FormatError(what + ": WAV sample format " + hex.str() +
                                  " is not supported (expected PCM, float, A-law, mu-law, ADPCM or GSM)");
            }
            channels = u16(static_cast<std::size_t>(body + 2));
            rate = u32(static_cast<std::size_t>(body + 4));
            blockAlign = u16(static_cast<std::size_t>(body + 12));
            checkChannelsAndRate(channels, rate, limits, what, "WAV header");
            haveFormat = true;
        } else if (std::memcmp(id, "data", 4) == 0) {
            if (!haveFormat || length == 0 || length == 0xFFFFFFFFu) return;
            const std::uint64_t available = n - body;
            if (blockAlign > 0) {
                const double declaredSeconds = double(length / blockAlign) / rate;
                if (declaredSeconds > limits.maxAudioSeconds)
                    throw LimitError(what + ": WAV header declares " + std::to_string(length) +
                                     " bytes of samples, at least " + seconds(declaredSeconds) +
                                     ", more than the cap of " + seconds(limits.maxAudioSeconds));
            }
            if (length > available)
                throw FormatError(what + ": WAV is truncated: the header declares " + std::to_string(length) +
                                  " bytes of samples, the file holds " + std::to_string(available));
            return;
        }
        pos = body + length + (length & 1u);
    }
}

// A complete Ogg stream is a sequence of whole pages, the last one flagged end-of-stream.
// libsndfile skips junk between pages and accepts a stream cut at a page boundary as a shorter
// clip, so the pages are walked here before it sees them: every page must start where the last
// one ended and lie inside the bytes, and the last one must close the stream.
void checkOggComplete(const std::uint8_t* d, std::size_t n, const std::string& what) {
    constexpr std::size_t kPageHeader = 27;
    constexpr std::uint8_t kEndOfStream = 0x04;
    std::size_t pos = 0;
    std::uint8_t lastFlags = 0;
    while (pos < n) {
        if (n - pos < 4 || std::memcmp(d + pos, "OggS", 4) != 0)
            throw FormatError(what + ": Ogg: expected a page (\"OggS\") at byte " + std::to_string(pos) +
                              ", found other bytes");
        if (n - pos < kPageHeader) throw FormatError(what + ": Ogg is truncated (incomplete page header)");
        const std::size_t segments = d[pos + 26];
        if (n - pos < kPageHeader + segments) throw FormatError(what + ": Ogg is truncated (incomplete page header)");
        std::size_t body = 0;
        for (std::size_t s = 0; s < segments; ++s) body += d[pos + kPageHeader + s];
        const std::size_t page = kPageHeader + segments + body;
        if (n - pos < page)
            throw FormatError(what + ": Ogg is truncated (the last page needs " + std::to_string(page) +
                              " bytes, " + std::to_string(n - pos) + " are left)");
        lastFlags = d[pos + 5];
        pos += page;
    }
    if (!(lastFlags & kEndOfStream))
        throw FormatError(what + ": Ogg is truncated (the last page does not end the stream)");
}

enum class Container { Wav, Flac, Ogg, Unknown };

// libsndfile guesses the format from the content and tries a dozen readers, MPEG among them,
// whose decoder (libmpg123) prints to stderr and whose other readers are neither documented
// nor fuzzed here. Only bytes that start like one of the three accepted containers reach it.
Container containerOf(const std::uint8_t* d, std::size_t n) {
    if (n >= 12 && (std::memcmp(d, "RIFF", 4) == 0 || std::memcmp(d, "RIFX", 4) == 0) &&
        std::memcmp(d + 8, "WAVE", 4) == 0)
        return Container::Wav;
    if (n >= 4 && std::memcmp(d, "fLaC", 4) == 0) return Container::Flac;
    if (n >= 4 && std::memcmp(d, "OggS", 4) == 0) return Container::Ogg;
    return Container::Unknown;
}

std::string formatName(int major) {
    SF_FORMAT_INFO info{};
    info.format = major;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof info) == 0 && info.name) return info.name;
    return "format 0x" + [&] {
        std::ostringstream o;
        o << std::hex << major;
        return o.str();
    }();
}

} // namespace

AudioClip decodeAudioBytes(const std::uint8_t* data, std::size_t size, const MediaLimits& limits,
                           const std::string& what) {
    if (static_cast<std::uint64_t>(size) > static_cast<std::uint64_t>(std::max<std::int64_t>(limits.maxFileBytes, 0)))
        throw LimitError(what + ": " + std::to_string(size) + " bytes, more than the cap of " +
                         std::to_string(limits.maxFileBytes) + " bytes");
    if (size == 0) throw FormatError(what + ": expected WAV, FLAC or Ogg audio, found no bytes");
    const Container container = containerOf(data, size);
    if (container == Container::Unknown)
        throw FormatError(what + ": expected WAV, FLAC or Ogg audio, found neither a RIFF/WAVE, an fLaC nor an OggS "
                                 "header");
    if (container == Container::Wav) checkWavHeader(data, size, limits, what);
    if (container == Container::Ogg) checkOggComplete(data, size, what);

    MemoryFile file;
    file.data = data;
    file.dataSize = static_cast<sf_count_t>(size);
    SF_VIRTUAL_IO io = memoryIo();
    SF_INFO info{};
    SndFilePtr f(sf_open_virtual(&io, SFM_READ, &info, &file));
    if (!f)
        throw FormatError(what + ": expected WAV, FLAC or Ogg audio (libsndfile: " +
                          std::string(sf_strerror(nullptr)) + ")");
    // libsndfile reads a dozen other containers; only the documented ones are accepted, which
    // keeps the attack surface to the decoders that are fuzzed and tested.
    const int major = info.format & SF_FORMAT_TYPEMASK;
    if (major != SF_FORMAT_WAV && major != SF_FORMAT_WAVEX && major != SF_FORMAT_FLAC && major != SF_FORMAT_OGG)
        throw FormatError(what + ": expected WAV, FLAC or Ogg audio, found " + formatName(major));
    checkChannelsAndRate(info.channels, info.samplerate, limits, what, "header");

    // libsndfile reports SF_COUNT_MAX when it cannot tell the length (an Ogg stream without a
    // final granule position); the duration cap is then enforced while decoding.
    const bool lengthKnown = info.frames >= 0 && info.frames != SF_COUNT_MAX;
    if (!lengthKnown && major == SF_FORMAT_OGG)
        throw FormatError(what + ": Ogg is truncated (no final granule position)");
    const std::int64_t maxFrames = maxFramesAt(limits, info.samplerate);
    if (lengthKnown && info.frames > maxFrames)
        throw LimitError(what + ": header declares " + std::to_string(info.frames) + " frames at " +
                         std::to_string(info.samplerate) + " Hz (" + seconds(double(info.frames) / info.samplerate) +
                         "), more than the cap of " + seconds(limits.maxAudioSeconds));

    AudioClip clip;
    clip.sampleRate = info.samplerate;
    clip.samples.reserve(static_cast<std::size_t>(lengthKnown ? info.frames : std::min<std::int64_t>(maxFrames, 1 << 20)));
    // Blocks rather than one read of info.frames: the cap holds even where the header lied.
    constexpr sf_count_t kBlock = 4096;
    const int channels = info.channels;
    std::vector<float> block(static_cast<std::size_t>(kBlock) * static_cast<std::size_t>(channels));
    for (;;) {
        const sf_count_t got = sf_readf_float(f.get(), block.data(), kBlock);
        if (got <= 0) break;
        if (static_cast<std::int64_t>(clip.samples.size()) + got > maxFrames)
            throw LimitError(what + ": longer than the cap of " + seconds(limits.maxAudioSeconds));
        for (sf_count_t i = 0; i < got; ++i) {
            const float* frame = block.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(channels);
            float sum = 0.f;
            for (int c = 0; c < channels; ++c) sum += frame[c];
            float v = sum / static_cast<float>(channels);
            // Float WAVs can carry NaN or values beyond full scale; the model expects [-1, 1].
            if (!std::isfinite(v)) v = 0.f;
            clip.samples.push_back(std::clamp(v, -1.f, 1.f));
        }
    }
    const auto decoded = static_cast<std::int64_t>(clip.samples.size());
    if (sf_error(f.get()) != SF_ERR_NO_ERROR)
        throw FormatError(what + ": decoding failed after " + std::to_string(decoded) + " frames (libsndfile: " +
                          std::string(sf_strerror(f.get())) + ")");
    if (lengthKnown && decoded < info.frames)
        throw FormatError(what + ": truncated: the header declares " + std::to_string(info.frames) +
                          " frames, only " + std::to_string(decoded) + " decode");
    if (clip.samples.empty()) throw FormatError(what + ": expected samples, found none");
    return clip;
}

AudioClip readAudioFile(const std::string& path, const MediaLimits& limits) {
    std::vector<std::uint8_t> bytes;
    readFileCapped(path, static_cast<std::uint64_t>(std::max<std::int64_t>(limits.maxFileBytes, 0)), "audio file",
                   bytes);
    return decodeAudioBytes(bytes.data(), bytes.size(), limits, "audio file '" + path + "'");
}

std::vector<std::uint8_t> encodeWav16(const AudioClip& clip) {
    if (clip.sampleRate < 1)
        throw ArgumentError("saveAudioWav: expected a positive sample rate, found " + std::to_string(clip.sampleRate) +
                            " Hz");
    if (clip.samples.empty()) throw ArgumentError("saveAudioWav: expected at least one sample, found none");
    // A RIFF size field is 32 bits: 2 bytes per sample plus the 44-byte header must fit.
    constexpr std::uint64_t kMaxSamples = (0xFFFFFFFFull - 64) / 2;
    if (clip.samples.size() > kMaxSamples)
        throw ArgumentError("saveAudioWav: " + std::to_string(clip.samples.size()) +
                            " samples do not fit a WAV file (at most " + std::to_string(kMaxSamples) + ")");
    std::vector<std::uint8_t> out;
    out.reserve(44 + clip.samples.size() * 2);
    MemoryFile file;
    file.out = &out;
    SF_VIRTUAL_IO io = memoryIo();
    SF_INFO info{};
    info.samplerate = clip.sampleRate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SndFilePtr f(sf_open_virtual(&io, SFM_WRITE, &info, &file));
    if (!f)
        throw EngineError(ErrorCode::Internal,
                          "saveAudioWav: libsndfile cannot start a WAV (" + std::string(sf_strerror(nullptr)) + ")");
    constexpr std::size_t kBlock = 4096;
    std::vector<float> block(kBlock);
    for (std::size_t at = 0; at < clip.samples.size(); at += kBlock) {
        const std::size_t n = std::min(kBlock, clip.samples.size() - at);
        for (std::size_t i = 0; i < n; ++i) {
            const float v = clip.samples[at + i];
            block[i] = std::isfinite(v) ? std::clamp(v, -1.f, 1.f) : 0.f;
        }
        if (sf_writef_float(f.get(), block.data(), static_cast<sf_count_t>(n)) != static_cast<sf_count_t>(n))
            throw EngineError(ErrorCode::Internal,
                              "saveAudioWav: libsndfile wrote fewer samples than given (" +
                                  std::string(sf_strerror(f.get())) + ")");
    }
    // Closing patches the RIFF and data sizes into the header.
    if (const int rc = sf_close(f.release()); rc != 0)
        throw EngineError(ErrorCode::Internal, "saveAudioWav: libsndfile could not finish the WAV (" +
                                                   std::string(sf_error_number(rc)) + ")");
    return out;
}

Result<AudioClip> loadAudioFile(const std::string& path, const MediaLimits& limits) {
    return guarded([&]() -> Result<AudioClip> { return readAudioFile(path, limits); });
}

Result<AudioClip> decodeAudio(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits) {
    return guarded([&]() -> Result<AudioClip> { return decodeAudioBytes(bytes.data(), bytes.size(), limits, "audio"); });
}

Result<void> saveAudioWav(const AudioClip& clip, const std::string& path) {
    return guarded([&]() -> Result<void> {
        const std::vector<std::uint8_t> wav = encodeWav16(clip);
        writeBytesAtomic(path, wav.data(), wav.size());
        return {};
    });
}

} // namespace weft
