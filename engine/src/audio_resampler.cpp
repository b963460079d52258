#include "audio_resampler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <samplerate.h>

#include "errors.h"
#include "weft/audio.h"

namespace weft {

namespace {

// The highest rate the decoders accept by default; resampling is never asked for more.
constexpr int kMaxRate = MediaLimits{}.maxAudioSampleRate;
// libsamplerate refuses conversion ratios outside [1/256, 256].
constexpr double kMaxRatio = 256.0;

void checkRate(int rate, const char* which) {
    if (rate < 1 || rate > kMaxRate)
        throw ArgumentError(std::string("resampleAudio: expected a ") + which + " rate of 1 to " +
                            std::to_string(kMaxRate) + " Hz, found " + std::to_string(rate) + " Hz");
}

} // namespace

AudioClip resampleClip(const AudioClip& clip, int targetRate) {
    checkRate(clip.sampleRate, "source");
    checkRate(targetRate, "target");
    if (clip.sampleRate == targetRate) return clip;
    AudioClip out;
    out.sampleRate = targetRate;
    if (clip.samples.empty()) return out;
    const double ratio = static_cast<double>(targetRate) / clip.sampleRate;
    if (ratio > kMaxRatio || ratio < 1.0 / kMaxRatio)
        throw ArgumentError("resampleAudio: expected a rate ratio of 1/256 to 256, found " +
                            std::to_string(clip.sampleRate) + " Hz to " + std::to_string(targetRate) + " Hz");
    const auto n = static_cast<double>(clip.samples.size());
    const auto wanted = static_cast<std::size_t>(std::max<long long>(std::llround(n * ratio), 1));
    // A little room beyond the expected count: libsamplerate's output length is only
    // approximately n * ratio, and the exact length is fixed afterwards.
    std::vector<float> buffer(wanted + 64);
    SRC_DATA data{};
    data.data_in = clip.samples.data();
    data.input_frames = static_cast<long>(clip.samples.size());
    data.data_out = buffer.data();
    data.output_frames = static_cast<long>(buffer.size());
    data.end_of_input = 1;
    data.src_ratio = ratio;
    if (const int rc = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1); rc != 0)
        throw EngineError(ErrorCode::Internal, std::string("resampleAudio: libsamplerate failed (") +
                                                   src_strerror(rc) + ")");
    buffer.resize(static_cast<std::size_t>(std::max<long>(data.output_frames_gen, 0)));
    // A fixed length (zero-filled if the converter stopped a few samples short) keeps the
    // duration exact, so features have the same frame count whatever the source rate.
    buffer.resize(wanted, 0.f);
    // Band-limiting can overshoot full scale slightly (Gibbs); the model expects [-1, 1].
    for (float& v : buffer) v = std::clamp(v, -1.f, 1.f);
    out.samples = std::move(buffer);
    return out;
}

Result<AudioClip> resampleAudio(const AudioClip& clip, int targetRate) {
    return guarded([&]() -> Result<AudioClip> { return resampleClip(clip, targetRate); });
}

} // namespace weft
