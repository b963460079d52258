#pragma once
// Sound atmospheres of WORLD.md task 12: procedural 16 kHz mono clips of four kinds (rain noise,
// a steady bell tone, drum beats, ocean-like swells), each mapped to a background pattern.
// Every clip has a random length (1-4 s), loudness and low background hum, and each kind varies
// within itself (noise colour, bell pitch, drum tempo, swell period) so that a model must learn
// the kind rather than one waveform. Synthesis uses only integer draws from the world's
// sampling helpers and IEEE basic arithmetic (no libm, no std:: distributions; the source file
// is compiled without floating-point contraction), so the same parameters give the same samples,
// bit for bit, on every platform. Pure functions: thread-safe.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "weft/media.h"
#include "weft/world/scene.h"

namespace weft::world {

enum class SoundKind { Rain, Bell, Drums, Ocean };
constexpr int kSoundKindCount = 4;
constexpr int kSoundSampleRate = 16000;              ///< Hz, the model's audio rate
constexpr int kSoundMinSamples = kSoundSampleRate;     ///< 1 s
constexpr int kSoundMaxSamples = 4 * kSoundSampleRate; ///< 4 s

/// "rain", "bell", "drums", "ocean"; out-of-range values throw std::invalid_argument.
const char* soundKindName(SoundKind kind);
/// Inverse of soundKindName; std::nullopt for an unknown name.
std::optional<SoundKind> soundKindFromName(std::string_view name);
/// The background pattern a sound sets (WORLD.md task 12): rain → Rain, bell → Dots,
/// drums → Checker, ocean → Stripes.
Pattern soundPattern(SoundKind kind);
/// The sound that sets `pattern`; std::nullopt for Plain and Grid, which no sound sets.
std::optional<SoundKind> soundForPattern(Pattern pattern);

/// Every parameter of one clip, in integer units so that a clip is exactly reproducible from
/// its description. Ranges (randomSoundParams draws uniformly within them):
struct SoundParams {
    SoundKind kind = SoundKind::Rain;
    int samples = kSoundSampleRate;   ///< length at 16 kHz: 16000..64000 (1-4 s)
    int loudnessPercent = 50;         ///< peak of the atmosphere before the hum: 20..90 (% of full scale)
    int humHz = 50;                   ///< background hum fundamental: 40..120 Hz (plus its 2nd harmonic)
    int humPermille = 10;             ///< hum amplitude: 5..30 (1/1000 of full scale)
    int colorHz = 0;                  ///< noise colour, lowpass cutoff: rain 2000..7000 Hz, ocean 200..800 Hz,
                                      ///< drums (snare band) 1000..3000 Hz; bell 0 (unused)
    int pitchHz = 0;                  ///< bell fundamental 300..1000 Hz; drum (kick) base 50..110 Hz; else 0
    int tempoBpm = 0;                 ///< drums: 80..180 beats per minute; else 0
    int swellMs = 0;                  ///< ocean: swell period 1000..3000 ms; else 0
    int detailA = 0;                  ///< rain: drops per second 10..60; bell: tremolo depth 0..15 %;
                                      ///< drums: 1 = snare on every other beat, 0 = kicks only;
                                      ///< ocean: swell phase 0..359 degrees
    std::uint64_t noiseSeed = 0;      ///< seeds the clip's own noise source (std::mt19937_64)

    bool operator==(const SoundParams& o) const noexcept;
    bool operator!=(const SoundParams& o) const noexcept { return !(*this == o); }
};

/// Draws the parameters of a clip of `kind`: always 16 draws from `rng` whatever the kind (the
/// clip's own noise comes from params.noiseSeed, not from `rng`). Throws std::invalid_argument
/// for a kind out of range.
SoundParams randomSoundParams(std::mt19937_64& rng, SoundKind kind);

/// Synthesizes the clip: 16 kHz mono, params.samples samples, every sample in [-1, 1].
/// Deterministic for the parameters on every platform. Parameters outside the ranges above
/// throw std::invalid_argument. A few ms per second of audio on one core (1-5 ms measured on the
/// shared 2-core machine).
AudioClip synthesizeSound(const SoundParams& params);

/// "bell f=523Hz len=2.410s loud=61% hum=50Hz/12" style one-line description (for
/// TaskCase::detail and logs).
std::string soundDetail(const SoundParams& params);

} // namespace weft::world
