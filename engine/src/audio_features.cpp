#include "audio_features.h"

#include <cmath>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "audio_resampler.h"
#include "errors.h"

namespace weft {

namespace {

// Slaney's mel scale (Auditory Toolbox; librosa's htk=False): linear below 1 kHz at 3 mel
// per 200 Hz, logarithmic above with 27 mel per factor 6.4.
constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kLogStartHz = 1000.0;
constexpr double kLogStartMel = kLogStartHz / kLinearHzPerMel; // 15
const double kLogStep = std::log(6.4) / 27.0;

double hzToMel(double hz) {
    if (hz < kLogStartHz) return hz / kLinearHzPerMel;
    return kLogStartMel + std::log(hz / kLogStartHz) / kLogStep;
}

double melToHz(double mel) {
    if (mel < kLogStartMel) return mel * kLinearHzPerMel;
    return kLogStartHz * std::exp(kLogStep * (mel - kLogStartMel));
}

// [melBins, fftSize / 2 + 1]: triangles between mel-spaced edge frequencies, each scaled by
// 2 / (its width in Hz) so that every filter has the same area (Slaney normalisation) and
// wide high-frequency filters do not dominate. Computed in double, like librosa.
torch::Tensor melFilterbank(const AudioConfig& config) {
    const int bins = config.fftSize / 2 + 1;
    const double topMel = hzToMel(config.sampleRate / 2.0);
    std::vector<double> edges(static_cast<std::size_t>(config.melBins) + 2);
    for (std::size_t j = 0; j < edges.size(); ++j)
        edges[j] = melToHz(topMel * static_cast<double>(j) / static_cast<double>(config.melBins + 1));
    torch::Tensor bank = torch::zeros({config.melBins, bins}, torch::kFloat32);
    auto w = bank.accessor<float, 2>();
    for (int m = 0; m < config.melBins; ++m) {
        const double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
        const double norm = 2.0 / (hi - lo);
        for (int k = 0; k < bins; ++k) {
            const double f = static_cast<double>(k) * config.sampleRate / config.fftSize;
            const double rise = (f - lo) / (mid - lo);
            const double fall = (hi - f) / (hi - mid);
            const double v = std::max(0.0, std::min(rise, fall));
            w[m][k] = static_cast<float>(v * norm);
        }
    }
    return bank;
}

void checkConfig(const AudioConfig& config, const char* where) {
    if (config.sampleRate < 1 || config.hopLength < 1 || config.windowLength < 1 || config.melBins < 1 ||
        config.fftSize < config.windowLength)
        throw ArgumentError(std::string(where) + ": expected sampleRate, hopLength, windowLength, melBins >= 1 and "
                            "fftSize >= windowLength, found sampleRate " + std::to_string(config.sampleRate) +
                            ", hopLength " + std::to_string(config.hopLength) + ", windowLength " +
                            std::to_string(config.windowLength) + ", melBins " + std::to_string(config.melBins) +
                            ", fftSize " + std::to_string(config.fftSize));
}

} // namespace

AudioClip prepareAudio(const AudioClip& clip, const AudioConfig& config) {
    if (clip.empty()) throw ArgumentError("prepareAudio: expected samples, found an empty clip");
    AudioClip out = resampleClip(clip, config.sampleRate);
    const double limit = std::floor(std::max(config.maxSeconds, 0.0) * config.sampleRate);
    if (static_cast<double>(out.samples.size()) > limit) out.samples.resize(static_cast<std::size_t>(limit));
    return out;
}

torch::Tensor logMelFeatures(const AudioClip& clip, const AudioConfig& config) {
    checkConfig(config, "logMelFeatures");
    if (clip.sampleRate != config.sampleRate)
        throw ArgumentError("logMelFeatures: expected a clip at " + std::to_string(config.sampleRate) +
                            " Hz, found " + std::to_string(clip.sampleRate) + " Hz (call prepareAudio first)");
    if (clip.empty()) throw ArgumentError("logMelFeatures: expected samples, found an empty clip");
    torch::NoGradGuard noGrad;
    const auto n = static_cast<std::int64_t>(clip.samples.size());
    const std::int64_t frames = 1 + n / config.hopLength;
    const std::int64_t pad = config.fftSize / 2;
    torch::Tensor signal = torch::from_blob(const_cast<float*>(clip.samples.data()), {n}, torch::kFloat32);
    // torch's reflect padding needs more samples than the padding on each side.
    if (n <= pad) signal = torch::constant_pad_nd(signal, {0, pad + 1 - n}, 0);
    const torch::Tensor window = torch::hann_window(config.windowLength, torch::kFloat32); // periodic
    const torch::Tensor spectrum = torch::stft(signal, config.fftSize, config.hopLength, config.windowLength, window,
                                               /*center=*/true, /*pad_mode=*/"reflect", /*normalized=*/false,
                                               /*onesided=*/true, /*return_complex=*/true);
    const torch::Tensor power = torch::view_as_real(spectrum).pow(2).sum(-1).narrow(1, 0, frames); // [bins, frames]
    const torch::Tensor mel = torch::matmul(melFilterbank(config), power);                          // [mel, frames]
    const torch::Tensor logMel = (torch::clamp_min(mel, kLogMelFloor).log10() + 4.0) / 4.0;
    return logMel.t().contiguous();
}

torch::Tensor modelAudioFeatures(const AudioClip& clip, const AudioConfig& config)
{
    return logMelFeatures(prepareAudio(clip, config), config);
}

} // namespace weft
