#include "weft/world/sound.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "weft/world/sampling.h"

namespace weft::world {
namespace {

// Bit-exact reproducibility across platforms rules out std::sin/std::exp (libm results differ
// in the last bits between C libraries) and std:: distributions. Everything below uses only
// + - * / and floor/ldexp, which IEEE 754 specifies exactly; CMake compiles this file with
// -ffp-contract=off so that no compiler fuses a*b+c into an FMA on one platform and not another.

constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoPi = 2.0 * kPi;
constexpr double kLn2 = 0.69314718055994530942;
constexpr double kRate = kSoundSampleRate;
constexpr int kFadeSamples = kSoundSampleRate / 100; // 10 ms fade at both ends avoids clicks

constexpr const char* kKindNames[kSoundKindCount] = {"rain", "bell", "drums", "ocean"};

// sin(2*pi*turns): fold to a quarter turn, then a Taylor series good to ~1e-13 there.
double sinTurns(double turns)
{
    double r = turns - std::floor(turns); // [0, 1)
    double sign = 1.0;
    if (r >= 0.5) {
        r -= 0.5;
        sign = -1.0;
    }
    if (r > 0.25)
        r = 0.5 - r;
    const double x = kTwoPi * r; // [0, pi/2]
    const double x2 = x * x;
    // sin x = x (1 - x^2/3! + x^4/5! - ... + x^16/17!), Horner in x^2.
    double q = 1.0 / 355687428096000.0; // 1/17!
    q = q * x2 - 1.0 / 1307674368000.0; // 1/15!
    q = q * x2 + 1.0 / 6227020800.0;    // 1/13!
    q = q * x2 - 1.0 / 39916800.0;      // 1/11!
    q = q * x2 + 1.0 / 362880.0;        // 1/9!
    q = q * x2 - 1.0 / 5040.0;          // 1/7!
    q = q * x2 + 1.0 / 120.0;           // 1/5!
    q = q * x2 - 1.0 / 6.0;             // 1/3!
    q = q * x2 + 1.0;
    return sign * q * x;
}

// exp(x) for |x| < 700: x = k ln2 + r with |r| <= ln2/2, Taylor on r, exact scaling by 2^k.
double expExact(double x)
{
    const double k = std::floor(x / kLn2 + 0.5);
    const double r = x - k * kLn2;
    double p = 1.0 / 6227020800.0; // 1/13!
    for (int n = 12; n >= 1; --n) {
        double f = 1.0;
        for (int i = 2; i <= n; ++i)
            f *= i;
        p = p * r + 1.0 / f;
    }
    p = p * r + 1.0;
    return std::ldexp(p, static_cast<int>(k));
}

// Per-sample multiplier of an exponential decay with time constant `seconds`.
double decayPerSample(double seconds) { return expExact(-1.0 / (seconds * kRate)); }

// Coefficient of the one-pole lowpass y += a (x - y) with cutoff `hz`.
double onePole(double hz) { return 1.0 - expExact(-kTwoPi * hz / kRate); }

// Uniform in [-1, 1) from the top 53 bits: exact, and the same on every platform.
double noise(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1.0; }

struct Lowpass {
    double a = 1.0;
    double y = 0.0;
    double operator()(double x) { return y += a * (x - y); }
};

// Every parameter's range, per kind: the one place the ranges live, read by both
// randomSoundParams and validation.
struct ParamRange {
    int kind; // a SoundKind, or kAnyKind
    const char* name;
    int SoundParams::*field;
    int lo;
    int hi;
};
constexpr int kAnyKind = -1;
constexpr int kRain = static_cast<int>(SoundKind::Rain);
constexpr int kBell = static_cast<int>(SoundKind::Bell);
constexpr int kDrums = static_cast<int>(SoundKind::Drums);
constexpr int kOcean = static_cast<int>(SoundKind::Ocean);
constexpr ParamRange kRanges[] = {
    {kAnyKind, "samples", &SoundParams::samples, kSoundMinSamples, kSoundMaxSamples},
    {kAnyKind, "loudnessPercent", &SoundParams::loudnessPercent, 20, 90},
    {kAnyKind, "humHz", &SoundParams::humHz, 40, 120},
    {kAnyKind, "humPermille", &SoundParams::humPermille, 5, 30},
    {kRain, "colorHz", &SoundParams::colorHz, 2000, 7000},
    {kRain, "drops per second", &SoundParams::detailA, 10, 60},
    {kBell, "pitchHz", &SoundParams::pitchHz, 300, 1000},
    {kBell, "tremolo percent", &SoundParams::detailA, 0, 15},
    {kDrums, "colorHz", &SoundParams::colorHz, 1000, 3000},
    {kDrums, "pitchHz", &SoundParams::pitchHz, 50, 110},
    {kDrums, "tempoBpm", &SoundParams::tempoBpm, 80, 180},
    {kDrums, "snare", &SoundParams::detailA, 0, 1},
    {kOcean, "colorHz", &SoundParams::colorHz, 200, 800},
    {kOcean, "swellMs", &SoundParams::swellMs, 1000, 3000},
    {kOcean, "swell phase", &SoundParams::detailA, 0, 359},
};

bool applies(const ParamRange& r, SoundKind kind) { return r.kind == kAnyKind || r.kind == static_cast<int>(kind); }

void validate(const SoundParams& p)
{
    soundKindName(p.kind); // throws for a kind out of range
    for (const ParamRange& r : kRanges) {
        const int value = p.*r.field;
        if (applies(r, p.kind) && (value < r.lo || value > r.hi))
            throw std::invalid_argument(std::string("sound: expected ") + r.name + " in " + std::to_string(r.lo) +
                                        ".." + std::to_string(r.hi) + " for " + soundKindName(p.kind) + ", found " +
                                        std::to_string(value));
    }
}

// Broadband noise, steady, with short bright droplet bursts on top.
void rain(const SoundParams& p, std::mt19937_64& rng, std::vector<double>& out)
{
    Lowpass colour{onePole(p.colorHz)};
    Lowpass rumble{onePole(150.0)}; // removed: rain has no low body, unlike the ocean
    const double dropDecay = decayPerSample(0.004);
    double drop = 0.0;
    for (double& v : out) {
        const double n = colour(noise(rng));
        const double body = n - rumble(n);
        if (static_cast<int>(uniformBelow(rng, kSoundSampleRate)) < p.detailA)
            drop = 0.5 + 0.01 * static_cast<double>(uniformBelow(rng, 151)); // 0.5..2.0
        drop *= dropDecay;
        v = body + 0.6 * drop * noise(rng);
    }
}

// A sustained inharmonic bell: partials decay quickly to a steady sustain, with a slow tremolo.
void bell(const SoundParams& p, std::vector<double>& out)
{
    constexpr std::array<double, 5> kRatio = {1.0, 2.0, 2.76, 5.40, 8.93};
    constexpr std::array<double, 5> kAmp = {1.0, 0.55, 0.40, 0.20, 0.08};
    constexpr double kTremoloHz = 5.0;
    const int attack = kSoundSampleRate / 200; // 5 ms
    std::array<double, 5> phase{}, env{}, decay{};
    for (std::size_t k = 0; k < kRatio.size(); ++k) {
        env[k] = 1.0;
        decay[k] = decayPerSample(0.6 / static_cast<double>(k + 1));
    }
    const double depth = p.detailA / 100.0;
    double tremolo = 0.0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        double v = 0.0;
        for (std::size_t k = 0; k < kRatio.size(); ++k) {
            const double hz = p.pitchHz * kRatio[k];
            if (hz >= 0.95 * kRate / 2.0)
                continue; // above Nyquist it would alias into a random-sounding tone
            v += kAmp[k] * (0.55 + 0.45 * env[k]) * sinTurns(phase[k]);
            env[k] *= decay[k];
            phase[k] += hz / kRate;
            if (phase[k] >= 1.0)
                phase[k] -= 1.0;
        }
        const double a = i < static_cast<std::size_t>(attack) ? static_cast<double>(i) / attack : 1.0;
        const double t = 0.5 - 0.5 * sinTurns(tremolo + 0.25); // 0.5 - 0.5 cos
        tremolo += kTremoloHz / kRate;
        out[i] = a * (1.0 - depth * t) * v;
    }
}

// Kicks on every beat (a sine sweeping down to pitchHz), a snare noise burst on every other
// beat when detailA is 1, each beat with a slightly random accent.
void drums(const SoundParams& p, std::mt19937_64& rng, std::vector<double>& out)
{
    const std::size_t interval = static_cast<std::size_t>(60 * kSoundSampleRate / p.tempoBpm);
    std::size_t next = static_cast<std::size_t>(uniformBelow(rng, interval / 4));
    const double kickDecay = decayPerSample(0.12);
    const double sweepDecay = decayPerSample(0.025);
    const double snareDecay = decayPerSample(0.06);
    Lowpass snareHigh{onePole(p.colorHz)}, snareLow{onePole(p.colorHz / 4.0)};
    double kickEnv = 0.0, sweep = 0.0, phase = 0.0, snareEnv = 0.0;
    int beat = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i == next) {
            const double accent = 0.8 + 0.01 * static_cast<double>(uniformBelow(rng, 21));
            kickEnv = accent;
            sweep = 1.0;
            phase = 0.0;
            if (p.detailA == 1 && beat % 2 == 1)
                snareEnv = 0.7 * accent;
            ++beat;
            next += interval;
        }
        const double n = noise(rng);
        const double band = snareHigh(n) - snareLow(n);
        out[i] = kickEnv * sinTurns(phase) + 2.0 * snareEnv * band;
        phase += p.pitchHz * (1.0 + 2.0 * sweep) / kRate;
        if (phase >= 1.0)
            phase -= 1.0;
        kickEnv *= kickDecay;
        sweep *= sweepDecay;
        snareEnv *= snareDecay;
    }
}

// Dark noise whose loudness rises and falls with a slow swell, plus a hiss at the crests.
void ocean(const SoundParams& p, std::mt19937_64& rng, std::vector<double>& out)
{
    Lowpass body1{onePole(p.colorHz)}, body2{onePole(p.colorHz)}, hissLow{onePole(1500.0)};
    const double perSample = 1000.0 / (p.swellMs * kRate); // swell turns per sample
    double swell = p.detailA / 360.0;
    for (double& v : out) {
        const double n = noise(rng);
        const double body = body2(body1(n));
        const double hiss = n - hissLow(n);
        const double s = 0.5 - 0.5 * sinTurns(swell + 0.25); // 0 at the trough, 1 at the crest
        swell += perSample;
        if (swell >= 1.0)
            swell -= 1.0;
        v = (0.12 + 0.88 * s) * body + 0.04 * s * s * hiss;
    }
}

} // namespace

bool SoundParams::operator==(const SoundParams& o) const noexcept
{
    return kind == o.kind && samples == o.samples && loudnessPercent == o.loudnessPercent && humHz == o.humHz &&
           humPermille == o.humPermille && colorHz == o.colorHz && pitchHz == o.pitchHz && tempoBpm == o.tempoBpm &&
           swellMs == o.swellMs && detailA == o.detailA && noiseSeed == o.noiseSeed;
}

const char* soundKindName(SoundKind kind)
{
    const int i = static_cast<int>(kind);
    if (i < 0 || i >= kSoundKindCount)
        throw std::invalid_argument("expected a sound kind 0..3, found " + std::to_string(i));
    return kKindNames[i];
}

std::optional<SoundKind> soundKindFromName(std::string_view name)
{
    for (int i = 0; i < kSoundKindCount; ++i)
        if (name == kKindNames[i])
            return static_cast<SoundKind>(i);
    return std::nullopt;
}

Pattern soundPattern(SoundKind kind)
{
    switch (kind) {
    case SoundKind::Rain: return Pattern::Rain;
    case SoundKind::Bell: return Pattern::Dots;
    case SoundKind::Drums: return Pattern::Checker;
    case SoundKind::Ocean: return Pattern::Stripes;
    }
    throw std::invalid_argument("expected a sound kind 0..3, found " + std::to_string(static_cast<int>(kind)));
}

std::optional<SoundKind> soundForPattern(Pattern pattern)
{
    for (int i = 0; i < kSoundKindCount; ++i)
        if (soundPattern(static_cast<SoundKind>(i)) == pattern)
            return static_cast<SoundKind>(i);
    return std::nullopt;
}

SoundParams randomSoundParams(std::mt19937_64& rng, SoundKind kind)
{
    soundKindName(kind); // throws for a kind out of range
    SoundParams p;
    p.kind = kind;
    // One draw per row whatever the kind (rows of other kinds are drawn and dropped), so that the
    // caller's stream advances identically for every kind.
    for (const ParamRange& r : kRanges) {
        const int value = uniformInt(rng, r.lo, r.hi);
        if (applies(r, kind))
            p.*r.field = value;
    }
    p.noiseSeed = rng();
    return p;
}

AudioClip synthesizeSound(const SoundParams& p)
{
    validate(p);
    std::mt19937_64 rng(p.noiseSeed);
    std::vector<double> v(static_cast<std::size_t>(p.samples), 0.0);
    switch (p.kind) {
    case SoundKind::Rain: rain(p, rng, v); break;
    case SoundKind::Bell: bell(p, v); break;
    case SoundKind::Drums: drums(p, rng, v); break;
    case SoundKind::Ocean: ocean(p, rng, v); break;
    }
    double peak = 0.0;
    for (double x : v)
        peak = std::max(peak, std::fabs(x));
    const double gain = peak > 0.0 ? (p.loudnessPercent / 100.0) / peak : 0.0;
    const double hum = p.humPermille / 1000.0;
    AudioClip clip;
    clip.sampleRate = kSoundSampleRate;
    clip.samples.resize(v.size());
    double humPhase = 0.0;
    const std::size_t n = v.size();
    for (std::size_t i = 0; i < n; ++i) {
        double x = gain * v[i] + hum * (sinTurns(humPhase) + 0.5 * sinTurns(2.0 * humPhase));
        humPhase += p.humHz / kRate;
        if (humPhase >= 1.0)
            humPhase -= 1.0;
        const std::size_t edge = std::min(i, n - 1 - i);
        if (edge < static_cast<std::size_t>(kFadeSamples))
            x *= static_cast<double>(edge) / kFadeSamples;
        clip.samples[i] = static_cast<float>(std::clamp(x, -1.0, 1.0));
    }
    return clip;
}

std::string soundDetail(const SoundParams& p)
{
    std::ostringstream s;
    s << soundKindName(p.kind);
    switch (p.kind) {
    case SoundKind::Rain: s << " colour=" << p.colorHz << "Hz drops=" << p.detailA << "/s"; break;
    case SoundKind::Bell: s << " f=" << p.pitchHz << "Hz tremolo=" << p.detailA << "%"; break;
    case SoundKind::Drums:
        s << " tempo=" << p.tempoBpm << "bpm kick=" << p.pitchHz << "Hz" << (p.detailA ? " snare=" : " no-snare");
        if (p.detailA)
            s << p.colorHz << "Hz";
        break;
    case SoundKind::Ocean: s << " swell=" << p.swellMs << "ms colour=" << p.colorHz << "Hz phase=" << p.detailA; break;
    }
    s << " len=" << p.samples / kSoundSampleRate << "."
      << std::to_string(1000 + (p.samples % kSoundSampleRate) / 16).substr(1) << "s loud=" << p.loudnessPercent
      << "% hum=" << p.humHz << "Hz/" << p.humPermille;
    return s.str();
}

} // namespace weft::world
