#include "weft/world/speech.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weft/audio.h"
#include "weft/world/sampling.h"

extern char** environ;

namespace weft::world {
namespace {

constexpr int kRate = 16000;
constexpr std::size_t kMaxTextBytes = 1000;
// espeak-ng writes about 44 kB per second of speech; anything near this cap is a runaway.
constexpr std::size_t kMaxOutputBytes = 32u * 1024u * 1024u;
constexpr int kMinWordsPerMinute = 80;
constexpr int kMaxWordsPerMinute = 450; // espeak-ng's own maximum
// espeak-ng pads its output with silence; keeping 50 ms each side leaves a natural onset
// while not wasting the model's 4 s of audio on nothing.
constexpr double kPadSeconds = 0.05;
constexpr std::size_t kPadSamples = kRate / 20; // kPadSeconds at 16 kHz
constexpr float kSilence = 1.0f / 256.0f;

// Training voices: US, British (standard, RP, Scottish) and Caribbean accents with male and
// female variants, so that the held-out voice (the US accent with a female variant, f3, no
// training voice uses) differs in timbre but not in kind. "en-gb+VARIANT" is not used: this
// espeak-ng ignores the variant after that name, so "en" (British) carries the variants instead.
const std::vector<std::string> kTrainVoices = {"en-us+m1", "en-us+m3", "en-us+f2",      "en+m2",
                                               "en+f4", "en-gb-x-rp+m7", "en-029+f1", "en-gb-scotland+m4"};
const std::vector<std::string> kTestVoices = {"en-us+f3"};

class Fd {
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

class SpawnActions {
public:
    SpawnActions() { posix_spawn_file_actions_init(&m_actions); }
    ~SpawnActions() { posix_spawn_file_actions_destroy(&m_actions); }
    SpawnActions(const SpawnActions&) = delete;
    SpawnActions& operator=(const SpawnActions&) = delete;
    posix_spawn_file_actions_t* get() { return &m_actions; }

private:
    posix_spawn_file_actions_t m_actions;
};

void validateText(const std::string& text)
{
    if (text.empty() || text.size() > kMaxTextBytes)
        throw std::invalid_argument("speech: expected 1.." + std::to_string(kMaxTextBytes) + " bytes of text, found " +
                                    std::to_string(text.size()));
    // The text is one argv entry (no shell), but espeak-ng still reads a leading '-' as an option
    // and "[[...]]" as phonemes, so both are refused rather than passed through.
    if (text.front() == '-')
        throw std::invalid_argument("speech: text must not start with '-'");
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c > 0x7e || c == '[')
            throw std::invalid_argument("speech: expected printable ASCII text without '[', found byte " +
                                        std::to_string(static_cast<int>(c)));
    }
}

void validateParams(const SpeechParams& p)
{
    if (p.voice.empty() || p.voice.size() > 64 || p.voice.front() == '-' ||
        p.voice.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_") !=
            std::string::npos)
        throw std::invalid_argument("speech: expected a voice name like en-us+m1, found '" + p.voice + "'");
    if (p.wordsPerMinute < kMinWordsPerMinute || p.wordsPerMinute > kMaxWordsPerMinute)
        throw std::invalid_argument("speech: expected 80..450 words per minute, found " +
                                    std::to_string(p.wordsPerMinute));
    if (p.pitch < 0 || p.pitch > 99)
        throw std::invalid_argument("speech: expected pitch 0..99, found " + std::to_string(p.pitch));
}

std::uint32_t readLe32(const std::vector<std::uint8_t>& b, std::size_t at)
{
    return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
           static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

void writeLe32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// espeak-ng cannot seek back on a pipe, so its RIFF and data sizes are placeholders
// (0x7ffff000 bytes); the decoder rightly distrusts a header claiming more than the file holds.
// Set both sizes to what was actually written.
void fixStreamedWavHeader(std::vector<std::uint8_t>& bytes)
{
    if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 || std::memcmp(bytes.data() + 8, "WAVE", 4) != 0)
        throw std::runtime_error("speech: espeak-ng output is not a WAV file (" + std::to_string(bytes.size()) +
                                 " bytes)");
    std::size_t pos = 12;
    while (pos + 8 <= bytes.size()) {
        const std::uint32_t size = readLe32(bytes, pos + 4);
        if (std::memcmp(bytes.data() + pos, "data", 4) == 0) {
            std::size_t data = bytes.size() - (pos + 8);
            if (data % 2 != 0) { // 16-bit samples: drop a torn last byte
                bytes.pop_back();
                --data;
            }
            writeLe32(bytes, pos + 4, static_cast<std::uint32_t>(data));
            writeLe32(bytes, 4, static_cast<std::uint32_t>(bytes.size() - 8));
            return;
        }
        pos += 8 + static_cast<std::size_t>(size) + (size & 1u);
    }
    throw std::runtime_error("speech: espeak-ng output has no data chunk");
}

// The environment espeak-ng runs in: ours, with PULSE_SERVER naming a socket that does not
// exist. espeak-ng 1.51 loads PulseAudio's client library (through pcaudiolib) even when it
// writes to stdout, and without a server address that library looks for its runtime folder:
// when the "~/.config/pulse/<machine-id>-runtime" link is missing or stale (a fresh machine or
// home, a cleaned /tmp, another process making it at the same moment) it draws the new
// folder's name from rand(). espeak-ng's breath noise (voices with `breath`, such as the
// held-out en-us+f3) draws from the same unseeded rand(), so those draws shifted the noise and
// one request could sound different from one run to the next. With an address the client
// skips the runtime folder and gives up at once, and no sound device is ever opened.
std::vector<std::string> childEnvironment()
{
    constexpr const char* kServer = "PULSE_SERVER=";
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e)
        if (std::strncmp(*e, kServer, std::strlen(kServer)) != 0)
            env.emplace_back(*e);
    env.emplace_back(std::string(kServer) + "unix:/nonexistent/weft-speech-plays-no-sound");
    return env;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    for (auto& s : strings)
        pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

// Runs argv[0] (in childEnvironment()) with stdout on a pipe; returns everything it wrote.
std::vector<std::uint8_t> runCapture(std::vector<std::string> args)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("speech: cannot create a pipe: ") + std::strerror(errno));
    Fd readEnd(fds[0]), writeEnd(fds[1]);
    SpawnActions actions;
    posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(actions.get(), writeEnd.get(), 1);
    // stderr would need a second reader to avoid a full-pipe deadlock; the exit status and the
    // output itself say enough.
    posix_spawn_file_actions_addopen(actions.get(), 2, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> env = childEnvironment();
    const std::vector<char*> argv = pointersTo(args), envp = pointersTo(env);
    pid_t pid = 0;
    const bool onPath = args[0].find('/') == std::string::npos;
    // posix_spawnp searches the PATH of this process, not that of envp.
    const int rc = onPath ? posix_spawnp(&pid, argv[0], actions.get(), nullptr, argv.data(), envp.data())
                          : posix_spawn(&pid, argv[0], actions.get(), nullptr, argv.data(), envp.data());
    if (rc != 0)
        throw SpeechUnavailableError("speech: cannot run '" + args[0] + "': " + std::strerror(rc) +
                                     " (install the espeak-ng package; it is needed only to generate spoken-request "
                                     "tasks, see scripts/deps.sh)");
    writeEnd.reset();
    std::vector<std::uint8_t> out;
    std::uint8_t buffer[65536];
    bool overflow = false;
    for (;;) {
        const ssize_t n = ::read(readEnd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (out.size() + static_cast<std::size_t>(n) > kMaxOutputBytes) {
            overflow = true;
            ::kill(pid, SIGKILL);
            break;
        }
        out.insert(out.end(), buffer, buffer + n);
    }
    readEnd.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (overflow)
        throw std::runtime_error("speech: " + args[0] + " wrote more than " + std::to_string(kMaxOutputBytes) +
                                 " bytes");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("speech: " + args[0] + " failed (" +
                                 (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                                    : "signal " + std::to_string(WTERMSIG(status))) +
                                 ") for voice '" + args[2] + "'");
    return out;
}

void trimSilence(AudioClip& clip)
{
    auto& s = clip.samples;
    std::size_t first = 0, last = s.size();
    while (first < last && std::fabs(s[first]) < kSilence)
        ++first;
    while (last > first && std::fabs(s[last - 1]) < kSilence)
        --last;
    const auto pad = static_cast<std::size_t>(kPadSeconds * clip.sampleRate);
    first = first > pad ? first - pad : 0;
    last = std::min(s.size(), last + pad);
    s = std::vector<float>(s.begin() + static_cast<std::ptrdiff_t>(first),
                           s.begin() + static_cast<std::ptrdiff_t>(last));
}

std::string cacheKey(const std::string& text, const SpeechParams& p)
{
    return text + '\n' + p.voice + '\n' + std::to_string(p.wordsPerMinute) + '\n' + std::to_string(p.pitch);
}

} // namespace

const std::vector<std::string>& speechVoices(Split split) { return split == Split::Test ? kTestVoices : kTrainVoices; }

const std::string& heldOutSpeechVoice() { return kTestVoices.front(); }

SpeechParams randomSpeechParams(std::mt19937_64& rng, Split split)
{
    SpeechParams p;
    p.voice = pick(speechVoices(split), rng);
    p.wordsPerMinute = uniformInt(rng, kSpeechMinWordsPerMinute, kSpeechMaxWordsPerMinute);
    p.pitch = uniformInt(rng, kSpeechMinPitch, kSpeechMaxPitch);
    return p;
}

std::string speechDetail(const SpeechParams& p)
{
    return "voice=" + p.voice + " speed=" + std::to_string(p.wordsPerMinute) + " pitch=" + std::to_string(p.pitch);
}

SpeechSynthesizer::SpeechSynthesizer() : SpeechSynthesizer(Options{}) {}

SpeechSynthesizer::SpeechSynthesizer(Options options) : m_options(std::move(options)) {}

bool SpeechSynthesizer::available(const std::string& program)
{
    if (program.empty())
        return false;
    auto executable = [](const std::string& path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    if (program.find('/') != std::string::npos)
        return executable(program);
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (executable((dir.empty() ? std::string(".") : dir) + "/" + program))
            return true;
    return false;
}

SpeechSynthesizer::Stats SpeechSynthesizer::stats() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Stats s = m_stats;
    s.entries = m_lru.size();
    s.bytes = m_bytes;
    return s;
}

AudioClip SpeechSynthesizer::speak(const std::string& text, const SpeechParams& params)
{
    validateText(text);
    validateParams(params);
    const std::string key = cacheKey(text, params);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto it = m_index.find(key); it != m_index.end()) {
            m_lru.splice(m_lru.end(), m_lru, it->second);
            ++m_stats.hits;
            return *it->second->second;
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto clip = std::make_shared<const AudioClip>(synthesize(text, params));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::size_t bytes = clip->samples.size() * sizeof(float) + key.size();
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_stats.misses;
    m_stats.synthesisSeconds += seconds;
    // Another thread may have spoken the same text meanwhile; keep the first copy.
    if (bytes <= m_options.cacheBytes && m_index.find(key) == m_index.end()) {
        m_lru.emplace_back(key, clip);
        m_index.emplace(key, std::prev(m_lru.end()));
        m_bytes += bytes;
        while (m_bytes > m_options.cacheBytes && !m_lru.empty()) {
            const auto& [oldKey, oldClip] = m_lru.front();
            m_bytes -= oldClip->samples.size() * sizeof(float) + oldKey.size();
            m_index.erase(oldKey);
            m_lru.pop_front();
        }
    }
    return *clip;
}

AudioClip SpeechSynthesizer::runOnce(const std::string& text, const SpeechParams& p) const
{
    auto bytes = runCapture({m_options.program, "-v", p.voice, "-s", std::to_string(p.wordsPerMinute), "-p",
                             std::to_string(p.pitch), "--stdout", text});
    fixStreamedWavHeader(bytes);
    // Long texts spoken slowly may exceed the default 30 s cap; they are cut to 4 s later anyway.
    MediaLimits limits;
    limits.maxAudioSeconds = 600.0;
    auto decoded = decodeAudio(bytes, limits);
    if (!decoded)
        throw std::runtime_error("speech: cannot decode espeak-ng output: " + decoded.error().message);
    AudioClip clip = std::move(decoded.value());
    trimSilence(clip);
    if (clip.samples.empty())
        throw std::runtime_error("speech: espeak-ng produced only silence for voice '" + p.voice + "'");
    return clip;
}

AudioClip SpeechSynthesizer::synthesize(const std::string& text, const SpeechParams& params) const
{
    // Length is judged at espeak-ng's own rate so that only the final take is resampled: the
    // band-limited resampler costs more than espeak-ng itself.
    auto seconds = [](const AudioClip& c) { return static_cast<double>(c.samples.size()) / c.sampleRate; };
    AudioClip native = runOnce(text, params);
    if (seconds(native) > kSpeechMaxSeconds && params.wordsPerMinute < kMaxWordsPerMinute) {
        // Speaking faster shortens speech roughly in proportion; 5% margin for the fixed pauses.
        SpeechParams faster = params;
        const double ratio = seconds(native) / kSpeechMaxSeconds;
        faster.wordsPerMinute =
            std::min(kMaxWordsPerMinute, static_cast<int>(std::ceil(params.wordsPerMinute * ratio * 1.05)));
        native = runOnce(text, faster);
    }
    auto resampled = resampleAudio(native, kRate);
    if (!resampled)
        throw std::runtime_error("speech: cannot resample espeak-ng output: " + resampled.error().message);
    AudioClip clip = std::move(resampled.value());
    const auto maxSamples = static_cast<std::size_t>(kSpeechMaxSeconds * kRate);
    if (clip.samples.size() > maxSamples) {
        clip.samples.resize(maxSamples);
        for (std::size_t i = 0; i < kPadSamples; ++i) // fade out rather than click
            clip.samples[maxSamples - 1 - i] *= static_cast<float>(i) / kPadSamples;
    }
    for (float& v : clip.samples)
        v = std::clamp(v, -1.0f, 1.0f);
    clip.sampleRate = kRate;
    return clip;
}

} // namespace weft::world
