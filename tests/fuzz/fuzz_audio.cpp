// Fuzzes audio decoding: the bytes become an audio attachment of a conversation, decoded by
// loadConversationMedia (libsndfile: WAV, FLAC, Ogg/Vorbis; size, channel, rate and duration
// caps; mixdown to mono). libsndfile reads from a path, so each input is written to a file.
// An accepted clip must be within the duration cap, at a positive rate, with finite samples.

#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "fuzz_common.h"
#include "weft/conversation.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_audio";

std::string scratchPath()
{
    // /dev/shm keeps the per-input write in memory; one file per fuzzing process.
    return "/dev/shm/weft_fuzz_audio_" + std::to_string(::getpid()) + ".bin";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = scratchPath();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 0;
    const bool written = std::fwrite(data, 1, size, f) == size;
    std::fclose(f);
    if (!written) return 0;

    // Caps far below the defaults keep each run fast; the checks are the same code.
    MediaLimits limits;
    limits.maxAudioSeconds = 2.0;
    limits.maxAudioSampleRate = 96000;
    limits.maxFileBytes = 1 << 20;
    Conversation c;
    Message m;
    m.role = Role::User;
    m.segments.push_back(Segment::makeAudio({}, path));
    c.messages.push_back(m);
    const Result<void> r = loadConversationMedia(c, limits);
    if (!r.ok()) {
        fuzz::expectRefusal(kTarget, r.error().code, r.error().message, {ErrorCode::Format, ErrorCode::LimitExceeded});
        return 0;
    }
    const AudioClip& clip = c.messages[0].segments[0].audio;
    expect(clip.sampleRate > 0 && clip.sampleRate <= limits.maxAudioSampleRate, kTarget, "rate outside the cap");
    expect(static_cast<double>(clip.samples.size()) <= limits.maxAudioSeconds * clip.sampleRate + 1, kTarget,
           "duration cap ignored");
    for (float s : clip.samples) expect(std::isfinite(s), kTarget, "non-finite sample");
    return 0;
}
