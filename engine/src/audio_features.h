#pragma once
// The model's audio front-end: a decoded clip becomes log-mel features for the audio
// encoder. The exact recipe is documented in docs/MODEL_FORMAT.md ("Audio input") so that
// other implementations compute the same numbers. torch is only forward-declared here.

#include "model_config.h"
#include "weft/media.h"

namespace at {
class Tensor;
} // namespace at
namespace torch {
using at::Tensor;
} // namespace torch

namespace weft {

/// Mono clip at config.sampleRate (resampled when needed), truncated to config.maxSeconds.
/// The whole clip is resampled (libsamplerate SRC_SINC_MEDIUM_QUALITY, see resampleClip)
/// and then cut to floor(config.maxSeconds * config.sampleRate) samples; a clip already at
/// the rate is copied. Thread-safe. Throws ArgumentError on an empty clip or a sample rate
/// outside 1..384000 Hz (clip or config).
AudioClip prepareAudio(const AudioClip& clip, const AudioConfig& config);

/// Log-mel features [frames, config.melBins] float32 CPU tensor of a clip already at
/// config.sampleRate; centred frames (reflect padding), frames = 1 + samples / hopLength;
/// Hann window of windowLength samples zero-padded to fftSize; power spectrum; mel
/// filterbank 0..sampleRate/2 (Slaney-style triangular filters, area-normalised, the same
/// as librosa.filters.mel(htk=False, norm="slaney")); then
///     feature = (log10(max(mel, kLogMelFloor)) + 4) / 4,
/// so that silence is exactly -1 and speech at ordinary levels stays below about 1 (a
/// full-scale sine peaks at 1.35 to 1.6 depending on its frequency). Clips of at most fftSize / 2 samples are first
/// zero-extended to fftSize / 2 + 1 samples (reflect padding needs that many), and the
/// frame count still follows the formula. Runs without autograd on the calling thread
/// (torch's intra-op threads); thread-safe. Throws ArgumentError on a wrong sample rate,
/// an empty clip, or an inconsistent config (hopLength, windowLength, melBins < 1, or
/// fftSize < windowLength).
torch::Tensor logMelFeatures(const AudioClip& clip, const AudioConfig& config);

/// What the model reads for a decoded clip of any rate: logMelFeatures(prepareAudio(clip)).
/// The one definition shared by inference (Session) and training. Same threading and
/// failures as the two steps.
torch::Tensor modelAudioFeatures(const AudioClip& clip, const AudioConfig& config);

/// Mel power below this is treated as this (log10 = -8, feature -1): above 16-bit
/// quantisation noise, so a digitally silent recording maps to the floor exactly.
constexpr double kLogMelFloor = 1e-8;

} // namespace weft
