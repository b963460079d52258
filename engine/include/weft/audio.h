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

/// Decodes a WAV, FLAC or Ogg (Vorbis) file into a mono clip at the file's own sample
/// rate; several channels are mixed down by averaging them; samples are clipped to
/// [-1, 1] (non-finite float samples become 0). The file size (limits.maxFileBytes) is
/// checked before reading; the channel count (maxAudioChannels), sample rate
/// (maxAudioSampleRate) and duration (maxAudioSeconds, from the header's frame count or
/// WAV data size) are checked from the header before any sample is decoded, so a header
/// that claims an absurd length fails without allocating for it. Only bytes that start
/// as RIFF/WAVE, fLaC or OggS reach libsndfile: other containers it knows (AIFF, AU, MP3,
/// ...) are refused, as are WAV sample formats other than PCM, float, A-law, mu-law,
/// ADPCM and GSM, and Ogg files with bytes between pages. Defaults: MediaLimits{} (64 MiB,
/// 8 channels, 384 kHz, 30 s). Thread-safe (no shared state).
/// Fails with NotFound (no such file), LimitExceeded (a cap is exceeded), Io (the file
/// cannot be read) or Format (not one of the formats, zero channels or sample rate,
/// truncated: less data than the header declares or an Ogg stream without its last page,
/// corrupt, or no samples).
Result<AudioClip> loadAudioFile(const std::string& path, const MediaLimits& limits = {});

/// Decodes an encoded audio file held in memory (same formats, checks, mixdown and
/// failures as loadAudioFile; maxFileBytes applies to bytes.size()). Thread-safe.
Result<AudioClip> decodeAudio(const std::vector<std::uint8_t>& bytes, const MediaLimits& limits = {});

/// Resamples a clip to targetRate Hz with libsamplerate (band-limited sinc converter,
/// SRC_SINC_MEDIUM_QUALITY). The result holds exactly llround(n * targetRate / rate) samples
/// (at least one), clipped to [-1, 1]; an empty clip gives an empty clip at targetRate.
/// Returns an unchanged copy when the rates already match. Thread-safe (no shared state).
/// Fails with InvalidArgument when either rate is outside 1..384000 Hz
/// (MediaLimits{}.maxAudioSampleRate) or their ratio outside 1/256..256, and with Internal
/// when libsamplerate fails.
Result<AudioClip> resampleAudio(const AudioClip& clip, int targetRate);

/// Writes the clip as a 16-bit PCM mono WAV at clip.sampleRate (samples clipped to
/// [-1, 1], NaN written as 0), atomically: a temporary file next to path is written, flushed
/// and renamed over it, so a failure never leaves a partial file and never touches an
/// existing one. Thread-safe for distinct paths. Fails with InvalidArgument (empty clip,
/// sample rate not positive, more samples than a WAV can hold) or Io (the folder is missing
/// or unwritable, disk full).
Result<void> saveAudioWav(const AudioClip& clip, const std::string& path);

} // namespace weft
