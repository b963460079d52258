#pragma once
// Spoken requests of WORLD.md task 13: text → speech through the espeak-ng program, resampled to
// 16 kHz mono. espeak-ng is a training-time dependency only (the app never needs it): when the
// program is missing, synthesis throws SpeechUnavailableError. Speech is deterministic for one
// espeak-ng version (its output is not bit-identical across versions or platforms, unlike the
// atmospheres of sound.h), whatever the state of the user's PulseAudio files: espeak-ng runs
// with PULSE_SERVER pointing nowhere (speech.cpp says why). Voices are split: Split::Train never uses the held-out voice and
// Split::Test always does, so an evaluation measures generalisation to an unheard speaker.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "weft/media.h"
#include "weft/world/scene.h"

namespace weft::world {

/// How one utterance is spoken (espeak-ng -v VOICE -s WORDS_PER_MINUTE -p PITCH).
struct SpeechParams {
    std::string voice = "en-us+m1"; ///< espeak-ng voice, "language+variant"
    int wordsPerMinute = 280;       ///< espeak-ng -s, 80..450
    int pitch = 50;                 ///< espeak-ng -p, 0..99

    bool operator==(const SpeechParams& o) const noexcept
    {
        return voice == o.voice && wordsPerMinute == o.wordsPerMinute && pitch == o.pitch;
    }
};

constexpr int kSpeechMinWordsPerMinute = 250; ///< range randomSpeechParams draws from
constexpr int kSpeechMaxWordsPerMinute = 330;
constexpr int kSpeechMinPitch = 25;
constexpr int kSpeechMaxPitch = 75;
constexpr double kSpeechMaxSeconds = 4.0;     ///< spoken clips never exceed the model's 4 s of audio

/// The voices of a split: the training voices (several accents and male/female variants), or
/// for Split::Test the single held-out voice. Thread-safe (static tables).
const std::vector<std::string>& speechVoices(Split split);
/// The held-out voice ("en-us+f3"); never used by Split::Train.
const std::string& heldOutSpeechVoice();

/// Draws a voice of the split and a speed and pitch uniformly in the ranges above (three
/// draws from `rng`).
SpeechParams randomSpeechParams(std::mt19937_64& rng, Split split);

/// "voice=en-us+f3 speed=290 pitch=40".
std::string speechDetail(const SpeechParams& params);

/// Thrown when the espeak-ng program cannot be run (not installed, not executable).
class SpeechUnavailableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Runs espeak-ng and caches its clips. speak() is thread-safe: the cache is guarded by a
/// mutex, and synthesis itself runs outside the lock so that threads speak in parallel.
class SpeechSynthesizer {
public:
    struct Options {
        std::string program = "espeak-ng";            ///< looked up on PATH unless it holds a '/'
        std::size_t cacheBytes = 256u * 1024u * 1024u; ///< bound of the in-memory cache (samples * 4); 0 = no cache
    };

    SpeechSynthesizer();
    explicit SpeechSynthesizer(Options options);

    /// Speech of `text` at 16 kHz mono, samples in [-1, 1], leading and trailing silence trimmed
    /// to 50 ms. When the speech would be longer than kSpeechMaxSeconds it is re-spoken faster
    /// (wordsPerMinute scaled to fit, at most 450) and, if still too long, cut to 4 s; the cache
    /// key is the requested (text, voice, speed, pitch). Takes about 10-60 ms per uncached
    /// utterance (one espeak-ng process). Throws std::invalid_argument for text that is empty,
    /// longer than 1000 bytes, not printable ASCII, starts with '-' or holds '[' (espeak-ng
    /// phoneme input), or parameters out of range; SpeechUnavailableError when espeak-ng cannot
    /// be started; std::runtime_error when it fails or its output cannot be decoded.
    AudioClip speak(const std::string& text, const SpeechParams& params);

    /// True when `program` (default espeak-ng) is found and executable. Thread-safe.
    static bool available(const std::string& program = "espeak-ng");

    struct Stats {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;        ///< utterances synthesized
        double synthesisSeconds = 0.0;   ///< wall time spent in espeak-ng, decoding and resampling
        std::size_t entries = 0;
        std::size_t bytes = 0;
    };
    Stats stats() const;

private:
    AudioClip synthesize(const std::string& text, const SpeechParams& params) const;
    AudioClip runOnce(const std::string& text, const SpeechParams& params) const;

    Options m_options;
    mutable std::mutex m_mutex;
    // Least recently used first; the map points into the list.
    std::list<std::pair<std::string, std::shared_ptr<const AudioClip>>> m_lru;
    std::unordered_map<std::string, decltype(m_lru)::iterator> m_index;
    std::size_t m_bytes = 0;
    Stats m_stats;
};

} // namespace weft::world
