// Fuzzes audio decoding (engine/src/audio_file.cpp: RIFF and Ogg page walks, then libsndfile's
// WAV, FLAC and Ogg/Vorbis readers; size, channel, rate and duration caps; mixdown to mono)
// along both of its roads: the bytes become an audio attachment of a conversation, decoded by
// loadConversationMedia from a file, and the same bytes go through decodeAudio in memory. An
// accepted clip must be within the duration cap, at a positive rate, with finite samples in
// [-1, 1]; both roads must agree on the outcome and on the samples.

#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "weft/audio.h"
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

// libsndfile 1.2.0 leaks libvorbis's codec setup (vorbis_info_init, about 6 KB) when an Ogg
// stream's Vorbis headers are corrupt: ogg_vorbis_open returns the header error before it
// installs the close function that would free it. The leak is bounded per refused file and
// lies in the dependency, so it alone is suppressed; every other leak still fails the run.
extern "C" const char* __lsan_default_suppressions() { return "leak:vorbis_info_init\n"; }

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
    const Result<AudioClip> memory = decodeAudio(std::vector<std::uint8_t>(data, data + size), limits);
    expect(r.ok() == memory.ok(), kTarget, "file and memory decoding disagree on acceptance");
    if (!r.ok()) {
        fuzz::expectRefusal(kTarget, r.error().code, r.error().message, {ErrorCode::Format, ErrorCode::LimitExceeded});
        expect(memory.error().code == r.error().code, kTarget, "file and memory decoding refuse differently");
        return 0;
    }
    const AudioClip& clip = c.messages[0].segments[0].audio;
    expect(clip.sampleRate > 0 && clip.sampleRate <= limits.maxAudioSampleRate, kTarget, "rate outside the cap");
    expect(static_cast<double>(clip.samples.size()) <= limits.maxAudioSeconds * clip.sampleRate + 1, kTarget,
           "duration cap ignored");
    for (float s : clip.samples) expect(std::isfinite(s) && s >= -1.f && s <= 1.f, kTarget, "sample outside [-1, 1]");
    expect(memory.value().sampleRate == clip.sampleRate && memory.value().samples == clip.samples, kTarget,
           "file and memory decoding give different clips");
    return 0;
}
