// Unit tests of the engine's audio front-end: decoding (WAV, FLAC, Ogg through libsndfile),
// resampling, the log-mel features of the model and saving WAV files. Fixtures are written
// here with libsndfile into a temporary folder; bad inputs are made by patching their bytes.

// torch and the engine's internal headers come before Qt: Qt's `slots` macro breaks torch.
#include <torch/torch.h>

#include "audio_features.h"
#include "errors.h"
#include "model_config.h"
#include "weft/audio.h"
#include "weft/media.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sndfile.h>
#include <unistd.h>

using namespace weft;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr double kPi = 3.14159265358979323846;

std::vector<float> sine(double hz, int rate, double seconds, double amplitude = 0.5) {
    std::vector<float> s(static_cast<std::size_t>(std::llround(seconds * rate)));
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = static_cast<float>(amplitude * std::sin(2 * kPi * hz * static_cast<double>(i) / rate));
    return s;
}

// Writes interleaved frames with libsndfile; returns false (with a warning) on failure.
bool writeSound(const std::string& path, int format, int channels, int rate, const std::vector<float>& interleaved) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) {
        qWarning("cannot write %s: %s", path.c_str(), sf_strerror(nullptr));
        return false;
    }
    const auto frames = static_cast<sf_count_t>(interleaved.size() / static_cast<std::size_t>(channels));
    const bool ok = sf_writef_float(f, interleaved.data(), frames) == frames;
    sf_close(f);
    return ok;
}

Bytes readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void writeBytes(const std::string& path, const Bytes& b) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void putLe32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Frequency of a steady tone from its rising zero crossings (interpolated between samples).
double dominantFrequency(const std::vector<float>& s, int rate) {
    double first = -1, last = -1;
    int count = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i - 1] < 0 && s[i] >= 0) {
            const double t = static_cast<double>(i - 1) + s[i - 1] / (s[i - 1] - s[i]);
            if (first < 0) first = t;
            last = t;
            ++count;
        }
    }
    if (count < 2) return 0;
    return (count - 1) / (last - first) * rate;
}

double rms(const std::vector<float>& s, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i) sum += double(s[i]) * s[i];
    return std::sqrt(sum / static_cast<double>(to - from));
}

bool failsWith(const Error& e, ErrorCode code, const std::string& needle) {
    if (e.code != code) {
        qWarning("expected %s, got %s: %s", errorCodeName(code), errorCodeName(e.code), e.message.c_str());
        return false;
    }
    if (e.message.find(needle) == std::string::npos) {
        qWarning("message lacks '%s': %s", needle.c_str(), e.message.c_str());
        return false;
    }
    return true;
}

template <class T>
bool refused(const Result<T>& r, ErrorCode code, const std::string& needle) {
    if (r.ok()) {
        qWarning("accepted; expected %s containing '%s'", errorCodeName(code), needle.c_str());
        return false;
    }
    return failsWith(r.error(), code, needle);
}

// Runs f, which must throw an EngineError of `code`.
template <class F>
bool throwsCode(F&& f, ErrorCode code) {
    try {
        f();
    } catch (const EngineError& e) {
        if (e.code() == code) return true;
        qWarning("expected %s, got %s: %s", errorCodeName(code), errorCodeName(e.code()), e.what());
        return false;
    }
    qWarning("no exception; expected %s", errorCodeName(code));
    return false;
}

// The log-mel recipe of docs/MODEL_FORMAT.md ("Audio input"), written independently in double
// precision with a direct DFT: feature[t][m] for one frame t of a clip at config.sampleRate.
std::vector<double> referenceLogMelFrame(const std::vector<float>& x, int t, const AudioConfig& c) {
    const int n = static_cast<int>(x.size());
    const int nfft = c.fftSize, half = nfft / 2, offset = (nfft - c.windowLength) / 2;
    std::vector<double> frame(static_cast<std::size_t>(nfft));
    for (int j = 0; j < nfft; ++j) {
        int i = t * c.hopLength - half + j;
        if (i < 0) i = -i;
        if (i >= n) i = 2 * (n - 1) - i;
        const int k = j - offset;
        const double w = (k >= 0 && k < c.windowLength) ? 0.5 - 0.5 * std::cos(2 * kPi * k / c.windowLength) : 0.0;
        frame[static_cast<std::size_t>(j)] = w * x[static_cast<std::size_t>(i)];
    }
    std::vector<double> power(static_cast<std::size_t>(half + 1));
    for (int k = 0; k <= half; ++k) {
        double re = 0, im = 0;
        for (int j = 0; j < nfft; ++j) {
            re += frame[static_cast<std::size_t>(j)] * std::cos(2 * kPi * j * k / nfft);
            im -= frame[static_cast<std::size_t>(j)] * std::sin(2 * kPi * j * k / nfft);
        }
        power[static_cast<std::size_t>(k)] = re * re + im * im;
    }
    auto hzToMel = [](double f) { return f < 1000 ? f * 3 / 200 : 15 + std::log(f / 1000) * 27 / std::log(6.4); };
    auto melToHz = [](double m) { return m < 15 ? m * 200 / 3 : 1000 * std::exp((m - 15) * std::log(6.4) / 27); };
    const double top = hzToMel(c.sampleRate / 2.0);
    std::vector<double> out(static_cast<std::size_t>(c.melBins));
    for (int m = 0; m < c.melBins; ++m) {
        const double lo = melToHz(top * m / (c.melBins + 1)), mid = melToHz(top * (m + 1) / (c.melBins + 1)),
                     hi = melToHz(top * (m + 2) / (c.melBins + 1));
        double e = 0;
        for (int k = 0; k <= half; ++k) {
            const double f = double(k) * c.sampleRate / nfft;
            const double w = std::max(0.0, std::min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
            e += w * 2 / (hi - lo) * power[static_cast<std::size_t>(k)];
        }
        out[static_cast<std::size_t>(m)] = (std::log10(std::max(e, 1e-8)) + 4) / 4;
    }
    return out;
}

// Index of the mel filter whose centre frequency is closest to hz (centres as documented).
int nearestMelBin(double hz, const AudioConfig& c) {
    auto hzToMel = [](double f) { return f < 1000 ? f * 3 / 200 : 15 + std::log(f / 1000) * 27 / std::log(6.4); };
    const double top = hzToMel(c.sampleRate / 2.0), target = hzToMel(hz);
    int best = 0;
    for (int m = 1; m < c.melBins; ++m)
        if (std::abs(top * (m + 1) / (c.melBins + 1) - target) < std::abs(top * (best + 1) / (c.melBins + 1) - target))
            best = m;
    return best;
}

} // namespace

class TestAudio : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        torch::set_num_threads(1);
    }

    void decodesWavFlacOgg() {
        const std::vector<float> tone = sine(440, 16000, 0.5);
        struct Case {
            const char* name;
            int format;
            float tolerance; // per sample; Vorbis is lossy, so it is judged by pitch and level only
        };
        for (const Case& c : {Case{"tone.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1.5f / 32768},
                              Case{"tone.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1.5f / 32768},
                              Case{"tone.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, -1.f}}) {
            QVERIFY(writeSound(path(c.name), c.format, 1, 16000, tone));
            const Result<AudioClip> r = loadAudioFile(path(c.name));
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
            const AudioClip& clip = r.value();
            QCOMPARE(clip.sampleRate, 16000);
            QCOMPARE(clip.samples.size(), tone.size());
            QVERIFY2(std::abs(dominantFrequency(clip.samples, 16000) - 440) < 1.0, c.name);
            QVERIFY2(std::abs(rms(clip.samples, 0, clip.samples.size()) - 0.5 / std::sqrt(2.0)) < 0.01, c.name);
            if (c.tolerance > 0)
                for (std::size_t i = 0; i < tone.size(); ++i) QVERIFY(std::abs(clip.samples[i] - tone[i]) <= c.tolerance);
            // The in-memory decoder gives the same clip.
            const Result<AudioClip> mem = decodeAudio(readBytes(path(c.name)));
            QVERIFY(mem.ok());
            QCOMPARE(mem.value().samples, clip.samples);
        }
    }

    void mixesChannelsDownToMono() {
        // Stereo float WAV: a tone on the left, its negation plus an offset on the right, so
        // the mean is exactly the offset / 2.
        const std::vector<float> tone = sine(300, 22050, 0.2, 0.8);
        std::vector<float> stereo;
        for (float v : tone) {
            stereo.push_back(v);
            stereo.push_back(-v + 0.5f);
        }
        QVERIFY(writeSound(path("stereo.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 22050, stereo));
        const Result<AudioClip> r = loadAudioFile(path("stereo.wav"));
        QVERIFY(r.ok());
        QCOMPARE(r.value().sampleRate, 22050);
        QCOMPARE(r.value().samples.size(), tone.size());
        for (float v : r.value().samples) QVERIFY(std::abs(v - 0.25f) < 1e-6f);

        // Three FLAC channels average the same way.
        std::vector<float> three;
        for (std::size_t i = 0; i < 1000; ++i) three.insert(three.end(), {0.75f, -0.25f, 0.125f});
        QVERIFY(writeSound(path("three.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 3, 8000, three));
        const Result<AudioClip> f = loadAudioFile(path("three.flac"));
        QVERIFY(f.ok());
        QCOMPARE(f.value().samples.size(), std::size_t(1000));
        for (float v : f.value().samples) QVERIFY(std::abs(v - (0.75f - 0.25f + 0.125f) / 3) < 1e-4f);
    }

    void resamplingKeepsPitchAndDuration() {
        struct Case {
            int from;
            double hz;
        };
        for (const Case& c : {Case{44100, 1000}, Case{8000, 440}, Case{48000, 3000}, Case{22050, 200}}) {
            AudioClip clip;
            clip.sampleRate = c.from;
            clip.samples = sine(c.hz, c.from, 1.25);
            const Result<AudioClip> r = resampleAudio(clip, 16000);
            QVERIFY(r.ok());
            const AudioClip& out = r.value();
            QCOMPARE(out.sampleRate, 16000);
            QCOMPARE(out.samples.size(), std::size_t(20000)); // 1.25 s
            // Skip the filter's edges; the middle keeps the tone's pitch and level.
            const std::vector<float> middle(out.samples.begin() + 1000, out.samples.end() - 1000);
            const double f = dominantFrequency(middle, 16000);
            QVERIFY2(std::abs(f - c.hz) < 0.5, qPrintable(QStringLiteral("%1 Hz -> %2 Hz").arg(c.hz).arg(f)));
            QVERIFY(std::abs(rms(middle, 0, middle.size()) - 0.5 / std::sqrt(2.0)) < 0.005);
        }
        // A tone above the new Nyquist frequency is filtered out, not folded back.
        AudioClip high;
        high.sampleRate = 44100;
        high.samples = sine(12000, 44100, 0.5);
        const AudioClip filtered = resampleAudio(high, 16000).value();
        QVERIFY(rms(filtered.samples, 500, filtered.samples.size() - 500) < 0.01);

        AudioClip same;
        same.sampleRate = 16000;
        same.samples = sine(500, 16000, 0.1);
        QCOMPARE(resampleAudio(same, 16000).value().samples, same.samples);
        AudioClip empty;
        empty.sampleRate = 8000;
        QVERIFY(resampleAudio(empty, 16000).value().empty());
        QVERIFY(refused(resampleAudio(same, 0), ErrorCode::InvalidArgument, "0 Hz"));
        QVERIFY(refused(resampleAudio(same, 400000), ErrorCode::InvalidArgument, "400000"));
        same.sampleRate = -5;
        QVERIFY(refused(resampleAudio(same, 16000), ErrorCode::InvalidArgument, "-5"));
        same.sampleRate = 100;
        QVERIFY(refused(resampleAudio(same, 384000), ErrorCode::InvalidArgument, "ratio"));
    }

    void prepareAudioResamplesAndTruncates() {
        AudioConfig config; // 16 kHz, 4 s
        AudioClip clip;
        clip.sampleRate = 44100;
        clip.samples = sine(700, 44100, 6.0);
        const AudioClip prepared = prepareAudio(clip, config);
        QCOMPARE(prepared.sampleRate, 16000);
        QCOMPARE(prepared.samples.size(), std::size_t(64000));
        QVERIFY(std::abs(dominantFrequency(prepared.samples, 16000) - 700) < 0.5);

        AudioClip shortClip;
        shortClip.sampleRate = 16000;
        shortClip.samples = sine(700, 16000, 1.0);
        QCOMPARE(prepareAudio(shortClip, config).samples, shortClip.samples);
        QVERIFY(throwsCode([&] { prepareAudio(AudioClip{}, config); }, ErrorCode::InvalidArgument));
    }

    void logMelPeaksAtTheTonesBin() {
        AudioConfig config;
        for (double hz : {300.0, 1000.0, 4000.0}) {
            AudioClip clip;
            clip.sampleRate = 16000;
            clip.samples = sine(hz, 16000, 4.0);
            const torch::Tensor mel = logMelFeatures(clip, config);
            QCOMPARE(mel.dim(), std::int64_t(2));
            QCOMPARE(mel.size(0), std::int64_t(1 + 64000 / 320));
            QCOMPARE(mel.size(1), std::int64_t(config.melBins));
            QVERIFY(mel.scalar_type() == torch::kFloat32);
            QVERIFY(mel.is_contiguous());
            const int expected = nearestMelBin(hz, config);
            // Every frame away from the edges peaks in the tone's bin.
            const torch::Tensor peaks = mel.narrow(0, 2, mel.size(0) - 4).argmax(1);
            QVERIFY2((peaks == expected).all().item<bool>(),
                     qPrintable(QStringLiteral("%1 Hz: expected bin %2, found %3")
                                    .arg(hz)
                                    .arg(expected)
                                    .arg(peaks[0].item<std::int64_t>())));
            // A half-scale tone stays in the documented range (silence -1, loud tones about 1.5).
            const float top = mel.max().item<float>();
            QVERIFY2(top > 0.5f && top < 1.6f, qPrintable(QString::number(top)));
            QVERIFY(mel.min().item<float>() >= -1.0f - 1e-6f);
        }
    }

    void logMelFrameCountFollowsTheFormula() {
        AudioConfig config;
        for (int n : {1, 100, 256, 257, 319, 320, 321, 640, 16000, 16001}) {
            AudioClip clip;
            clip.sampleRate = 16000;
            clip.samples = sine(440, 16000, double(n) / 16000);
            QCOMPARE(int(clip.samples.size()), n);
            const torch::Tensor mel = logMelFeatures(clip, config);
            QCOMPARE(mel.size(0), std::int64_t(1 + n / config.hopLength));
            QVERIFY(torch::isfinite(mel).all().item<bool>());
        }
        AudioConfig other = config;
        other.hopLength = 160;
        other.melBins = 64;
        other.fftSize = 400;
        AudioClip clip;
        clip.sampleRate = 16000;
        clip.samples = sine(440, 16000, 1.0);
        const torch::Tensor mel = logMelFeatures(clip, other);
        QCOMPARE(mel.size(0), std::int64_t(1 + 16000 / 160));
        QCOMPARE(mel.size(1), std::int64_t(64));
    }

    void logMelMatchesTheDocumentedRecipe() {
        // A tone over a little noise, so that no bin sits at the floor where float rounding
        // would dominate, compared with an independent double-precision implementation.
        AudioConfig config;
        AudioClip clip;
        clip.sampleRate = 16000;
        clip.samples = sine(523.25, 16000, 0.5, 0.3);
        std::mt19937 rng(5);
        std::uniform_real_distribution<float> noise(-0.02f, 0.02f);
        for (float& v : clip.samples) v += noise(rng);
        const torch::Tensor mel = logMelFeatures(clip, config);
        const int frames = static_cast<int>(mel.size(0));
        QCOMPARE(frames, 1 + 8000 / 320);
        for (int t : {0, 1, 12, frames - 1}) {
            const std::vector<double> ref = referenceLogMelFrame(clip.samples, t, config);
            for (int m = 0; m < config.melBins; ++m) {
                const double got = mel[t][m].item<float>();
                QVERIFY2(std::abs(got - ref[static_cast<std::size_t>(m)]) < 2e-4,
                         qPrintable(QStringLiteral("frame %1 bin %2: %3 vs %4")
                                        .arg(t)
                                        .arg(m)
                                        .arg(got)
                                        .arg(ref[static_cast<std::size_t>(m)])));
            }
        }
    }

    void logMelOfSilenceIsTheFloor() {
        AudioConfig config;
        AudioClip silence;
        silence.sampleRate = 16000;
        silence.samples.assign(16000, 0.f);
        const torch::Tensor mel = logMelFeatures(silence, config);
        QCOMPARE(mel.size(0), std::int64_t(51));
        QVERIFY(mel.sub(-1.0).abs().max().item<float>() < 1e-6f);
        // 16-bit rounding noise (uniform within half a step) stays below the floor: a digitally
        // silent recording is exactly the floor.
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> rounding(-0.5f / 32768, 0.5f / 32768);
        for (float& v : silence.samples) v = rounding(rng);
        QVERIFY(logMelFeatures(silence, config).max().item<float>() < -1.0f + 1e-6f);
    }

    void logMelRefusesBadInput() {
        AudioConfig config;
        AudioClip clip;
        clip.sampleRate = 8000;
        clip.samples = sine(440, 8000, 0.1);
        QVERIFY(throwsCode([&] { logMelFeatures(clip, config); }, ErrorCode::InvalidArgument));
        AudioClip empty;
        QVERIFY(throwsCode([&] { logMelFeatures(empty, config); }, ErrorCode::InvalidArgument));
        AudioConfig bad = config;
        bad.fftSize = 256; // shorter than the 400-sample window
        clip.sampleRate = 16000;
        QVERIFY(throwsCode([&] { logMelFeatures(clip, bad); }, ErrorCode::InvalidArgument));
    }

    void refusesMissingAndNonAudioFiles() {
        QVERIFY(refused(loadAudioFile(path("nothing-here.wav")), ErrorCode::NotFound, "nothing-here.wav"));
        writeBytes(path("text.wav"), Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'});
        QVERIFY(refused(loadAudioFile(path("text.wav")), ErrorCode::Format, "text.wav"));
        QVERIFY(refused(decodeAudio(Bytes{}), ErrorCode::Format, "no bytes"));
        QVERIFY(refused(decodeAudio(Bytes(5000, 0x55)), ErrorCode::Format, "expected WAV, FLAC or Ogg"));
        // libsndfile reads AIFF, but only the documented containers are accepted.
        QVERIFY(writeSound(path("tone.aiff"), SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 0.1)));
        QVERIFY(refused(loadAudioFile(path("tone.aiff")), ErrorCode::Format, "expected WAV, FLAC or Ogg"));
        // Nor are WAV files holding MPEG audio (libsndfile would hand them to libmpg123).
        QVERIFY(writeSound(path("base16.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 0.1)));
        Bytes mpegTag = readBytes(path("base16.wav"));
        mpegTag[20] = 0x55;
        mpegTag[21] = 0;
        QVERIFY(refused(decodeAudio(mpegTag), ErrorCode::Format, "WAV sample format 0x55"));
        // Junk between Ogg pages is refused rather than skipped.
        QVERIFY(writeSound(path("junk.ogg"), SF_FORMAT_OGG | SF_FORMAT_VORBIS, 1, 16000, sine(440, 16000, 0.5)));
        Bytes junk = readBytes(path("junk.ogg"));
        junk.insert(junk.begin() + 200, {'x', 'y', 'z'});
        QVERIFY(refused(decodeAudio(junk), ErrorCode::Format, "Ogg"));
    }

    void refusesBadHeaders() {
        QVERIFY(writeSound(path("base.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 0.5)));
        const Bytes wav = readBytes(path("base.wav"));
        QCOMPARE(std::string(wav.begin() + 36, wav.begin() + 40), std::string("data")); // canonical 44-byte header
        QVERIFY(decodeAudio(wav).ok());

        Bytes zeroChannels = wav;
        zeroChannels[22] = zeroChannels[23] = 0;
        QVERIFY(refused(decodeAudio(zeroChannels), ErrorCode::Format, "0 channels"));
        Bytes zeroRate = wav;
        putLe32(zeroRate, 24, 0);
        QVERIFY(refused(decodeAudio(zeroRate), ErrorCode::Format, "sample rate of 0 Hz"));

        // A data chunk claiming 2 GiB in a 16 KB file fails from the header (libsndfile alone
        // would quietly decode what is there), as does one claiming a bit more than is there.
        Bytes huge = wav;
        putLe32(huge, 40, 0x7FFFFFF0u);
        QVERIFY(refused(decodeAudio(huge), ErrorCode::LimitExceeded, "WAV header declares 2147483632 bytes"));
        Bytes liar = wav;
        putLe32(liar, 40, static_cast<std::uint32_t>(wav.size() - 44 + 2000));
        QVERIFY(refused(decodeAudio(liar), ErrorCode::Format, "truncated"));

        // FLAC's STREAMINFO holds a 36-bit sample count: an absurd one fails before decoding.
        QVERIFY(writeSound(path("base.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 0.5)));
        Bytes flac = readBytes(path("base.flac"));
        QCOMPARE(std::string(flac.begin(), flac.begin() + 4), std::string("fLaC"));
        flac[21] = static_cast<std::uint8_t>(flac[21] | 0x0F);
        for (std::size_t i = 22; i < 26; ++i) flac[i] = 0xFF;
        QVERIFY(refused(decodeAudio(flac), ErrorCode::LimitExceeded, "header declares 68719476735 frames"));
    }

    void refusesTruncatedFiles() {
        const std::vector<float> tone = sine(440, 16000, 1.0);
        for (const auto& [name, format] : {std::pair<const char*, int>{"cut.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
                                           std::pair<const char*, int>{"cut.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
                                           std::pair<const char*, int>{"cut.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS}}) {
            QVERIFY(writeSound(path(name), format, 1, 16000, tone));
            const Bytes whole = readBytes(path(name));
            QVERIFY(decodeAudio(whole).ok());
            for (std::size_t keep : {whole.size() / 2, whole.size() - 7, std::size_t(30)}) {
                Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(keep));
                const Result<AudioClip> r = decodeAudio(cut);
                QVERIFY2(!r.ok(), qPrintable(QStringLiteral("%1 cut to %2 bytes was accepted").arg(name).arg(keep)));
                QVERIFY2(r.error().code == ErrorCode::Format, r.error().message.c_str());
            }
        }
        // An Ogg stream cut exactly at a page boundary: every page is whole, but the stream
        // never ends.
        const Bytes ogg = readBytes(path("cut.ogg"));
        std::size_t lastPage = 0;
        for (std::size_t i = 1; i + 4 <= ogg.size(); ++i)
            if (std::equal(ogg.begin() + static_cast<std::ptrdiff_t>(i), ogg.begin() + static_cast<std::ptrdiff_t>(i + 4), "OggS"))
                lastPage = i;
        QVERIFY(lastPage > 0);
        const Bytes pages(ogg.begin(), ogg.begin() + static_cast<std::ptrdiff_t>(lastPage));
        QVERIFY(refused(decodeAudio(pages), ErrorCode::Format, "truncated"));
    }

    void enforcesTheCaps() {
        QVERIFY(writeSound(path("two-seconds.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 2.0)));
        MediaLimits oneSecond;
        oneSecond.maxAudioSeconds = 1.0;
        QVERIFY(refused(loadAudioFile(path("two-seconds.wav"), oneSecond), ErrorCode::LimitExceeded, "cap of 1 s"));
        QVERIFY(writeSound(path("two-seconds.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1, 16000, sine(440, 16000, 2.0)));
        QVERIFY(refused(loadAudioFile(path("two-seconds.flac"), oneSecond), ErrorCode::LimitExceeded, "cap of 1 s"));
        QVERIFY(writeSound(path("two-seconds.ogg"), SF_FORMAT_OGG | SF_FORMAT_VORBIS, 1, 16000, sine(440, 16000, 2.0)));
        QVERIFY(refused(loadAudioFile(path("two-seconds.ogg"), oneSecond), ErrorCode::LimitExceeded, "cap of 1 s"));
        MediaLimits twoSeconds;
        twoSeconds.maxAudioSeconds = 2.0;
        QVERIFY(loadAudioFile(path("two-seconds.wav"), twoSeconds).ok());

        // Nine channels against the default cap of eight.
        QVERIFY(writeSound(path("nine.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 9, 8000, std::vector<float>(9 * 100, 0.1f)));
        QVERIFY(refused(loadAudioFile(path("nine.wav")), ErrorCode::LimitExceeded, "9 channels"));
        MediaLimits nine;
        nine.maxAudioChannels = 9;
        QVERIFY(loadAudioFile(path("nine.wav"), nine).ok());

        MediaLimits lowRate;
        lowRate.maxAudioSampleRate = 8000;
        QVERIFY(refused(loadAudioFile(path("two-seconds.wav"), lowRate), ErrorCode::LimitExceeded, "16000 Hz"));

        MediaLimits small;
        small.maxFileBytes = 1000;
        QVERIFY(refused(loadAudioFile(path("two-seconds.wav"), small), ErrorCode::LimitExceeded, "1000"));
        QVERIFY(refused(decodeAudio(readBytes(path("two-seconds.wav")), small), ErrorCode::LimitExceeded, "1000"));
    }

    void savesWavAtomically() {
        AudioClip clip;
        clip.sampleRate = 22050;
        clip.samples = sine(330, 22050, 0.3, 0.9);
        clip.samples[5] = 1.7f; // clipped to full scale
        clip.samples[6] = std::nanf("");
        const std::string out = path("saved.wav");
        QVERIFY(writeSound(out, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 8000, sine(100, 8000, 0.1))); // replaced
        const Result<void> saved = saveAudioWav(clip, out);
        QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().message.c_str());
        SF_INFO info{};
        SNDFILE* f = sf_open(out.c_str(), SFM_READ, &info);
        QVERIFY(f != nullptr);
        sf_close(f);
        QCOMPARE(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        QCOMPARE(info.channels, 1);
        const Result<AudioClip> back = loadAudioFile(out);
        QVERIFY(back.ok());
        QCOMPARE(back.value().sampleRate, 22050);
        QCOMPARE(back.value().samples.size(), clip.samples.size());
        for (std::size_t i = 0; i < clip.samples.size(); ++i) {
            const float want = i == 5 ? 1.f : i == 6 ? 0.f : clip.samples[i];
            QVERIFY2(std::abs(back.value().samples[i] - want) <= 1.5f / 32768,
                     qPrintable(QStringLiteral("sample %1").arg(i)));
        }

        // Failures: nothing is written, and no temporary file is left behind.
        QVERIFY(refused(saveAudioWav(AudioClip{}, path("empty.wav")), ErrorCode::InvalidArgument, "sample"));
        AudioClip noRate = clip;
        noRate.sampleRate = 0;
        QVERIFY(refused(saveAudioWav(noRate, path("norate.wav")), ErrorCode::InvalidArgument, "0 Hz"));
        QVERIFY(!fs::exists(path("empty.wav")) && !fs::exists(path("norate.wav")));
        QVERIFY(refused(saveAudioWav(clip, path("no-such-folder/a.wav")), ErrorCode::Io, "no-such-folder"));
        // The target is a folder: the temporary file is written in full, the rename fails, and
        // the temporary file must be removed.
        const fs::path target = path("occupied");
        fs::create_directories(target / "inside");
        QVERIFY(refused(saveAudioWav(clip, target.string()), ErrorCode::Io, "occupied"));
        QVERIFY(fs::is_directory(target / "inside"));
        // An unwritable folder (meaningless for root, who may write anywhere).
        const fs::path locked = path("locked");
        fs::create_directories(locked);
        fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
        if (::geteuid() != 0)
            QVERIFY(refused(saveAudioWav(clip, (locked / "a.wav").string()), ErrorCode::Io, "permission denied"));
        fs::permissions(locked, fs::perms::owner_all);
        for (const auto& entry : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos,
                     entry.path().string().c_str());
        QVERIFY(fs::is_empty(locked));
        // The earlier good file is untouched by the failed attempts.
        QCOMPARE(loadAudioFile(out).value().samples, back.value().samples);
    }
};

QTEST_GUILESS_MAIN(TestAudio)
#include "test_audio.moc"
