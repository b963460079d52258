#pragma once
// Throwing cores of the public audio file functions (weft/audio.h), for engine code that
// already runs inside guarded(): the conversation loader and the feature front-end.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "weft/media.h"

namespace weft {

/// Decodes WAV, FLAC or Ogg bytes into a mono clip at the file's own rate (see
/// weft::decodeAudio for the checks). `what` names the source in messages ("audio file
/// 'x.wav'"). Throws LimitError or FormatError. Thread-safe.
AudioClip decodeAudioBytes(const std::uint8_t* data, std::size_t size, const MediaLimits& limits,
                           const std::string& what);

/// Reads a whole audio file (refusing files over limits.maxFileBytes before reading) and
/// decodes it with decodeAudioBytes. Throws NotFoundError, IoError, LimitError or FormatError.
/// Thread-safe.
AudioClip readAudioFile(const std::string& path, const MediaLimits& limits);

/// Encodes a clip as a 16-bit PCM mono WAV held in memory (samples clipped to [-1, 1], NaN
/// written as 0). Throws ArgumentError on an empty clip, a rate that is not positive, or a
/// clip too long for a WAV file (4 GiB). Thread-safe.
std::vector<std::uint8_t> encodeWav16(const AudioClip& clip);

} // namespace weft
