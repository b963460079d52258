#pragma once
// Audio files in and out of the engine: decoding (WAV, FLAC, OGG-Vorbis through
// libsndfile), resampling (libsamplerate) and writing 16-bit WAV. No torch, OpenCV or
// Qt types. Feature extraction for the model lives inside the engine.

#include <cstdint>
#include <string>
#include <vector>

#include "weft/media.h"
#include "weft/result.h"

namespace weft {

/// Decodes a WAV, FLAC or OGG-Vorbis file into a mono clip at the file's own sample
/// rate; several channels are mixed down by averaging them; samples are in [-1, 1].
/// The file size (limits.maxFileBytes), channel count (maxAudioChannels), sample rate
/// (maxAudioSampleRate) and duration (maxAudioSeconds, from the header's frame count)
/// are checked from the header before any sample is decoded, so a header that claims
/// an absurd length fails without allocating for it. Defaults: MediaLimits{} (64 MiB,
/// 8 channels, 384 kHz, 30 s). Thread-safe (no shared state).
/// Fails with NotFound (no such file), LimitExceeded (a cap is exceeded), Io (the file
/// cannot be read) or Format (not audio, zero channels or rate, truncated or empty).
Result<AudioClip> loadAudioFile(const std::string& path, const MediaLimits& limits = {});

/// Decodes an encoded audio file held in memory (same formats, checks, mixdown and
/// failures as loadAudioFile; maxFileBytes applies to bytes.size()). Thread-safe.
Result<AudioClip> decodeAudio(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits = {});

/// Resamples a clip to targetRate Hz with libsamplerate (band-limited sinc converter,
/// SRC_SINC_MEDIUM_QUALITY or better); the result has round(n * targetRate / rate)
/// samples, clipped to [-1, 1]. Returns an unchanged copy when the rates already match.
/// Thread-safe. Fails with InvalidArgument when either rate is not positive or above
/// MediaLimits{}.maxAudioSampleRate, and with Internal when libsamplerate fails.
Result<AudioClip> resampleAudio(const AudioClip& clip, int targetRate);

/// Writes the clip as a 16-bit PCM mono WAV at clip.sampleRate (samples clipped to
/// [-1, 1]), atomically: a temporary file next to path is written then renamed over it,
/// so a failure never leaves a partial file and never touches an existing one.
/// Thread-safe for distinct paths. Fails with InvalidArgument (sample rate not positive)
/// or Io (the folder is missing or unwritable, disk full).
Result<void> saveAudioWav(const AudioClip& clip, const std::string& path);

} // namespace weft
