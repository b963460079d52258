#pragma once
// Throwing core of weft::resampleAudio (weft/audio.h), for engine code that already runs
// inside guarded().

#include "weft/media.h"

namespace weft {

/// Resamples `clip` to `targetRate` Hz with libsamplerate's SRC_SINC_MEDIUM_QUALITY converter.
/// The result holds exactly llround(n * targetRate / clip.sampleRate) samples (at least one for
/// a non-empty clip), clipped to [-1, 1]; an empty clip gives an empty clip; equal rates give
/// a copy. Throws ArgumentError when a rate is not in 1..384000 Hz or the ratio is outside
/// libsamplerate's 1/256..256, EngineError(Internal) when libsamplerate fails. Thread-safe.
AudioClip resampleClip(const AudioClip& clip, int targetRate);

} // namespace weft
