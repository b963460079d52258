// Robustness of every parser of outside bytes (DESIGN.md, "Reliability rules"): thousands of
// deterministic mutations of valid safetensors files, config.json, conversation files,
// tokenizer models, images and WAV files, plus hand-made "bombs" (huge dimensions, huge
// lengths, deep nesting). Each input must either parse into a value that satisfies the
// format's invariants or fail with the documented error category; any other exception, a
// crash or a hang fails the suite.

#include <QtTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "errors.h"
#include "model_config.h"
#include "safetensors.h"
#include "strict_json.h"
#include "tokenizer.h"
#include "weft/conversation.h"
#include "weft/media.h"

using namespace weft;

namespace {

using Bytes = std::vector<std::uint8_t>;

// Deterministic helpers: std::uniform_int_distribution differs between standard libraries.
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) { return n == 0 ? 0 : rng() % n; }

// One to four random edits of the kinds that break parsers: bit flips, "interesting" bytes,
// truncation, deleted or duplicated slices, inserted junk.
Bytes mutate(const Bytes& in, std::mt19937_64& rng) {
    static const std::uint8_t kInteresting[] = {0x00, 0xFF, 0x7F, 0x80, 0x01, '{', '}', '[', ']', '"', ',', ':',
                                                '9', '-', 'e', '\\', 0xC3, 0xED, 0xF4};
    Bytes b = in;
    const int edits = 1 + static_cast<int>(below(rng, 4));
    for (int e = 0; e < edits; ++e) {
        if (b.empty()) {
            b.push_back(static_cast<std::uint8_t>(rng()));
            continue;
        }
        const std::size_t pos = below(rng, b.size());
        switch (below(rng, 6)) {
        case 0: b[pos] ^= static_cast<std::uint8_t>(1u << below(rng, 8)); break;
        case 1: b[pos] = kInteresting[below(rng, sizeof kInteresting)]; break;
        case 2: b.resize(pos); break;
        case 3: {
            const std::size_t len = std::min<std::size_t>(b.size() - pos, 1 + below(rng, 16));
            b.erase(b.begin() + static_cast<std::ptrdiff_t>(pos), b.begin() + static_cast<std::ptrdiff_t>(pos + len));
            break;
        }
        case 4: {
            const std::size_t len = std::min<std::size_t>(b.size() - pos, 1 + below(rng, 16));
            Bytes slice(b.begin() + static_cast<std::ptrdiff_t>(pos), b.begin() + static_cast<std::ptrdiff_t>(pos + len));
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(rng, b.size() + 1)), slice.begin(), slice.end());
            break;
        }
        default: {
            const std::size_t len = 1 + below(rng, 8);
            for (std::size_t i = 0; i < len; ++i)
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<std::uint8_t>(rng()));
            break;
        }
        }
    }
    return b;
}

std::string toString(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes toBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

void putLe64(Bytes& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Bytes safetensorsWithHeader(const std::string& header, std::size_t dataBytes) {
    Bytes b;
    putLe64(b, header.size());
    b.insert(b.end(), header.begin(), header.end());
    b.resize(b.size() + dataBytes, 0);
    return b;
}

// Error category of a parser that throws, or -1 for an exception outside the engine's types.
int thrownCode(const std::function<void()>& f, std::string* what = nullptr) {
    try {
        f();
    } catch (const EngineError& e) {
        if (what) *what = e.what();
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        if (what) *what = std::string("foreign exception: ") + e.what();
        return -1;
    }
    return -2; // no exception
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

void putBe32(Bytes& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// A PNG signature plus a correct IHDR chunk (and nothing else): what a decompression bomb
// looks like before its data.
Bytes pngHeaderOnly(std::uint32_t w, std::uint32_t h) {
    Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes chunk = {'I', 'H', 'D', 'R'};
    putBe32(chunk, w);
    putBe32(chunk, h);
    chunk.insert(chunk.end(), {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no filter, no interlace
    putBe32(b, 13);
    b.insert(b.end(), chunk.begin(), chunk.end());
    putBe32(b, crc32(chunk.data(), chunk.size()));
    return b;
}

Bytes wavPcm16(int channels, int rate, const std::vector<std::int16_t>& interleaved, std::uint32_t dataSizeField = 0) {
    Bytes b;
    auto le32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i))); };
    auto le16 = [&](std::uint16_t v) { b.push_back(static_cast<std::uint8_t>(v)); b.push_back(static_cast<std::uint8_t>(v >> 8)); };
    const std::uint32_t dataBytes = static_cast<std::uint32_t>(interleaved.size() * 2);
    b.insert(b.end(), {'R', 'I', 'F', 'F'});
    le32(36 + dataBytes);
    b.insert(b.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
    le32(16);
    le16(1);
    le16(static_cast<std::uint16_t>(channels));
    le32(static_cast<std::uint32_t>(rate));
    le32(static_cast<std::uint32_t>(rate * channels * 2));
    le16(static_cast<std::uint16_t>(channels * 2));
    le16(16);
    b.insert(b.end(), {'d', 'a', 't', 'a'});
    le32(dataSizeField ? dataSizeField : dataBytes);
    for (std::int16_t s : interleaved) le16(static_cast<std::uint16_t>(s));
    return b;
}

void writeFile(const QString& path, const Bytes& b) {
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::string validConfigJson() {
    ModelConfig c;
    c.codec.palette = {{{0, 0, 0}}, {{255, 255, 255}}, {{220, 40, 40}}};
    return c.toJson();
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

class TestFormatsFuzz : public QObject {
    Q_OBJECT

private slots:
    void safetensorsMutations();
    void safetensorsBombs();
    void configMutations();
    void conversationMutations();
    void conversationBombs();
    void imageMutations();
    void imageBombs();
    void tokenizerMutations();
    void audioMutationsAndBombs();
    void libFuzzerFindings();
};

void TestFormatsFuzz::safetensorsMutations() {
    SafetensorsWriter w;
    const std::vector<float> f32 = {1.f, -2.f, 3.5f, 0.f, 7.f, 8.f};
    const std::vector<std::int64_t> i64 = {1, -1, 1LL << 40};
    const std::vector<std::uint8_t> u8 = {1, 2, 3, 4, 5};
    const std::vector<std::uint16_t> f16 = {0x3C00, 0xC000};
    w.add("layer.0.weight", DType::F32, {2, 3}, f32.data(), f32.size() * 4);
    w.add("ids", DType::I64, {3}, i64.data(), i64.size() * 8);
    w.add("bytes", DType::U8, {5}, u8.data(), u8.size());
    w.add("half", DType::F16, {2}, f16.data(), f16.size() * 2);
    w.add("empty", DType::BF16, {0, 4}, nullptr, 0);
    w.setMetadata("format", "pt");
    const Bytes valid = w.serialize();
    QCOMPARE(SafetensorsFile::parse(valid).tensors().size(), std::size_t(5));

    std::mt19937_64 rng(20240601);
    int accepted = 0;
    for (int i = 0; i < 4000; ++i) {
        const Bytes input = mutate(valid, rng);
        std::string what;
        int code = -2;
        try {
            const SafetensorsFile f = SafetensorsFile::parse(input);
            ++accepted;
            // Whatever was accepted must be self-consistent: contiguous tensors from 0 that
            // exactly fill the data section, each span equal to numel x element size.
            std::uint64_t expected = 0;
            for (const TensorView& t : f.tensors()) {
                QCOMPARE(t.begin, expected);
                QVERIFY(t.numel() >= 0);
                QCOMPARE(t.end - t.begin, static_cast<std::uint64_t>(t.numel()) * dtypeSize(t.dtype));
                expected = t.end;
            }
            std::uint64_t headerLen = 0;
            for (int k = 7; k >= 0; --k) headerLen = (headerLen << 8) | input[static_cast<std::size_t>(k)];
            QCOMPARE(8 + headerLen + expected, static_cast<std::uint64_t>(input.size()));
            continue;
        } catch (const EngineError& e) {
            code = static_cast<int>(e.code());
            what = e.what();
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("mutation %1: foreign exception %2").arg(i).arg(e.what())));
        }
        if (code != static_cast<int>(ErrorCode::Format) && code != static_cast<int>(ErrorCode::LimitExceeded))
            QFAIL(qPrintable(QString("mutation %1: unexpected error category %2: %3").arg(i).arg(code).arg(QString::fromStdString(what))));
        QVERIFY2(!what.empty(), "every failure carries a message");
    }
    // Mutations that only touch the data bytes keep the file valid; the rest must be refused.
    QVERIFY(accepted > 0);
    QVERIFY(accepted < 4000);
}

void TestFormatsFuzz::safetensorsBombs() {
    const auto t0 = std::chrono::steady_clock::now();
    std::string what;
    // Dimensions whose product overflows 64 bits must be caught by arithmetic, not allocation.
    QCOMPARE(thrownCode([] {
                 SafetensorsFile::parse(safetensorsWithHeader(
                     R"({"x":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}})", 0));
             }, &what),
             static_cast<int>(ErrorCode::Format));
    QVERIFY2(what.find('x') != std::string::npos, what.c_str());
    // Dims that multiply to exactly 2^64 wrap to 0 in unchecked arithmetic and would "match" an
    // empty span.
    QCOMPARE(thrownCode([] {
                 SafetensorsFile::parse(safetensorsWithHeader(
                     R"({"x":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0));
             }),
             static_cast<int>(ErrorCode::Format));
    // A header length near 2^64 must not wrap "8 + n" past the file size check.
    {
        Bytes b;
        putLe64(b, ~0ULL - 4);
        b.insert(b.end(), {'{', '}'});
        const int c = thrownCode([&] { SafetensorsFile::parse(b); });
        QVERIFY(c == static_cast<int>(ErrorCode::LimitExceeded) || c == static_cast<int>(ErrorCode::Format));
    }
    // Deep nesting inside the header: refused without exhausting the stack.
    {
        std::string deep = R"({"__metadata__":)";
        deep += std::string(200000, '[');
        deep += std::string(200000, ']');
        deep += "}";
        QCOMPARE(thrownCode([&] { SafetensorsFile::parse(safetensorsWithHeader(deep, 0)); }),
                 static_cast<int>(ErrorCode::Format));
    }
    // Offsets at the very top of the 64-bit range.
    QCOMPARE(thrownCode([] {
                 SafetensorsFile::parse(safetensorsWithHeader(
                     R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551615,0]}})", 0));
             }),
             static_cast<int>(ErrorCode::Format));
    QCOMPARE(thrownCode([] {
                 SafetensorsFile::parse(safetensorsWithHeader(
                     R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551615]}})", 1));
             }),
             static_cast<int>(ErrorCode::Format));
    // Non-integer shapes and offsets.
    for (const char* header : {R"({"x":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}})",
                               R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1e0]}})",
                               R"({"x":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}})",
                               R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0]}})",
                               R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})",
                               R"({"x":{"dtype":"U8","shape":1,"data_offsets":[0,1]}})",
                               R"({"x":{"dtype":8,"shape":[1],"data_offsets":[0,1]}})",
                               R"({"x":[]})", R"([])", R"("x")"}) {
        const int c = thrownCode([&] { SafetensorsFile::parse(safetensorsWithHeader(header, 1)); }, &what);
        QVERIFY2(c == static_cast<int>(ErrorCode::Format), header);
    }
    QVERIFY2(secondsSince(t0) < 5.0, "bomb inputs are refused quickly");
}

void TestFormatsFuzz::configMutations() {
    const std::string validText = validConfigJson();
    const ModelConfig valid = ModelConfig::parse(validText);
    QCOMPARE(valid.codec.palette.size(), std::size_t(3));
    const Bytes valid8 = toBytes(validText);

    std::mt19937_64 rng(77);
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string input = toString(mutate(valid8, rng));
        try {
            const ModelConfig c = ModelConfig::parse(input);
            ++accepted;
            // Anything accepted satisfies the documented constraints and round-trips.
            QCOMPARE(c.transformer.dModel % c.transformer.heads, 0);
            QCOMPARE((c.transformer.dModel / c.transformer.heads) % 2, 0);
            QCOMPARE(c.codec.imageSize % c.codec.grid, 0);
            QVERIFY(c.codec.codebookSize() <= 65536);
            for (int l : c.codec.fsqLevels) QVERIFY(l >= 2 && l <= 64);
            QVERIFY(c.codec.palette.size() <= 256 && c.codec.palette.size() != 1);
            QVERIFY(c.textVocab >= 8 && c.textVocab <= 65536);
            QVERIFY(c.transformer.contextLength >= 16 && c.transformer.contextLength <= (1 << 16));
            QCOMPARE(c.vocab.total, c.textVocab + VocabLayout::kSpecialCount + c.compressionTokens + c.codec.codebookSize());
            const ModelConfig again = ModelConfig::parse(c.toJson());
            QCOMPARE(again.toJson(), c.toJson());
        } catch (const EngineError& e) {
            const ErrorCode code = e.code();
            QVERIFY2(code == ErrorCode::Format || code == ErrorCode::UnsupportedVersion || code == ErrorCode::LimitExceeded,
                     e.what());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("mutation %1: foreign exception %2").arg(i).arg(e.what())));
        }
    }
    QVERIFY(accepted > 0);
    QVERIFY(accepted < 3000);
}

void TestFormatsFuzz::conversationMutations() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string base = dir.path().toStdString();
    const std::string valid = R"({"format":"weft-conversation","version":1,"messages":[
      {"role":"user","segments":[{"image":"a.png"},{"text":"make the red circle blue \u00e9"}]},
      {"role":"assistant","segments":[{"image":"out/b.png","retrieved":true},{"text":"ok"}],
       "meta":{"model":"weft-tiny","model_hash":"ab","seed":7,"options":{"temperature":0.5},"seconds":1.25}},
      {"role":"user","segments":[{"audio":"sub/../c.wav"},{"text":"now remove it"}]}]})";
    const Result<Conversation> ok = parseConversation(valid, base);
    QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
    QCOMPARE(ok.value().messages.size(), std::size_t(3));

    std::mt19937_64 rng(4242);
    const Bytes valid8 = toBytes(valid);
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string input = toString(mutate(valid8, rng));
        const Result<Conversation> r = parseConversation(input, base);
        if (r.ok()) {
            ++accepted;
            for (const Message& m : r.value().messages) {
                QVERIFY(!m.segments.empty());
                for (const Segment& s : m.segments) {
                    if (s.kind == SegmentKind::Text) continue;
                    // Media paths never leave the conversation's folder.
                    QVERIFY2(s.path.rfind(base + "/", 0) == 0, s.path.c_str());
                    QVERIFY2(s.path.find("/../") == std::string::npos, s.path.c_str());
                }
            }
            // What was accepted serialises and reads back to the same JSON.
            const Result<std::string> text = serializeConversation(r.value(), base);
            QVERIFY2(text.ok(), text.ok() ? "" : text.error().message.c_str());
            const Result<Conversation> again = parseConversation(text.value(), base);
            QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
            QCOMPARE(serializeConversation(again.value(), base).value(), text.value());
        } else {
            const ErrorCode c = r.error().code;
            QVERIFY2(c == ErrorCode::Format || c == ErrorCode::UnsupportedVersion || c == ErrorCode::LimitExceeded,
                     r.error().message.c_str());
            QVERIFY(!r.error().message.empty());
        }
    }
    QVERIFY(accepted > 0);
    QVERIFY(accepted < 3000);
}

void TestFormatsFuzz::conversationBombs() {
    QTemporaryDir dir;
    const std::string base = dir.path().toStdString();
    const auto t0 = std::chrono::steady_clock::now();
    std::string deep = R"({"format":"weft-conversation","version":1,"messages":)";
    deep += std::string(300000, '[');
    deep += std::string(300000, ']');
    deep += "}";
    Result<Conversation> r = parseConversation(deep, base);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);

    // Many messages: over the cap -> LimitExceeded.
    ConversationLimits small;
    small.maxMessages = 10;
    small.maxSegmentsPerMessage = 2;
    small.maxTextBytes = 16;
    std::string many = R"({"format":"weft-conversation","version":1,"messages":[)";
    for (int i = 0; i < 11; ++i) many += std::string(i ? "," : "") + R"({"role":"user","segments":[{"text":"hi"}]})";
    many += "]}";
    r = parseConversation(many, base, small);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    r = parseConversation(R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"a"},{"text":"b"},{"text":"c"}]}]})",
                          base, small);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    r = parseConversation(R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"01234567890123456"}]}]})",
                          base, small);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);

    // Paths that escape in every spelling.
    for (const char* p : {"../x.png", "a/../../x.png", "/etc/passwd", "./../x.png", "a/./../../x.png", "..", "."}) {
        const std::string json = std::string(R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"image":")") +
                                 p + R"("}]}]})";
        r = parseConversation(json, base);
        QVERIFY2(!r.ok(), p);
        QCOMPARE(r.error().code, ErrorCode::Format);
    }
    // Invalid UTF-8 inside a JSON string, and a lone surrogate escape.
    r = parseConversation(std::string(R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":")") +
                              "\xC0\xAF" + R"("}]}]})",
                          base);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);
    r = parseConversation(R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"text":"\ud800"}]}]})", base);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);

    // An oversized file is refused by size, before parsing.
    const QString big = dir.filePath("big.json");
    {
        std::ofstream out(big.toStdString(), std::ios::binary);
        out << R"({"format":"weft-conversation","version":1,"messages":[],"pad":")";
        out << std::string(1 << 20, 'x') << "\"}";
    }
    ConversationLimits tiny;
    tiny.maxFileBytes = 1 << 16;
    r = readConversationFile(big.toStdString(), tiny);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    QVERIFY2(secondsSince(t0) < 5.0, "bomb inputs are refused quickly");
}

void TestFormatsFuzz::imageMutations() {
    QTemporaryDir dir;
    Image img;
    img.width = 12;
    img.height = 9;
    img.rgb.resize(12 * 9 * 3);
    for (std::size_t i = 0; i < img.rgb.size(); ++i) img.rgb[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const QString path = dir.filePath("seed.png");
    QVERIFY(saveImagePng(img, path.toStdString()).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray raw = f.readAll();
    const Bytes png(raw.begin(), raw.end());
    const Result<Image> back = decodeImage(png);
    QVERIFY(back.ok());
    QVERIFY(back.value() == img);

    MediaLimits limits;
    limits.maxPixels = 4096;
    std::mt19937_64 rng(99);
    int accepted = 0;
    for (int i = 0; i < 1500; ++i) {
        const Bytes input = mutate(png, rng);
        const Result<Image> r = decodeImage(input, limits);
        if (r.ok()) {
            ++accepted;
            const Image& m = r.value();
            QVERIFY(m.width > 0 && m.height > 0);
            QVERIFY(static_cast<std::int64_t>(m.width) * m.height <= limits.maxPixels);
            QCOMPARE(m.rgb.size(), static_cast<std::size_t>(m.width) * m.height * 3);
        } else {
            const ErrorCode c = r.error().code;
            QVERIFY2(c == ErrorCode::Format || c == ErrorCode::LimitExceeded, r.error().message.c_str());
        }
    }
    QVERIFY(accepted < 1500);
    // Random bytes and empty input are never images.
    QCOMPARE(decodeImage({}).error().code, ErrorCode::Format);
    Bytes junk(1000);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    QVERIFY(!decodeImage(junk).ok());
}

void TestFormatsFuzz::imageBombs() {
    const auto t0 = std::chrono::steady_clock::now();
    // PNG: 100000 x 100000 announced in a valid IHDR -> refused from the header.
    Result<Image> r = decodeImage(pngHeaderOnly(100000, 100000));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    // Just over a custom cap, still refused from the header alone.
    MediaLimits limits;
    limits.maxPixels = 100 * 100;
    r = decodeImage(pngHeaderOnly(101, 100), limits);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    // Zero-sized PNG: malformed.
    r = decodeImage(pngHeaderOnly(0, 10));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Format);

    // JPEG: SOF0 announcing 65000 x 65000.
    {
        Bytes j = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8, 0xFD, 0xE8, 0xFD, 0xE8, 3,
                   1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9};
        r = decodeImage(j);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    }
    // BMP: BITMAPINFOHEADER announcing 30000 x -30000 (top-down).
    {
        Bytes b = {'B', 'M'};
        auto le32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i))); };
        le32(54);
        le32(0);
        le32(54);
        le32(40);
        le32(30000);
        le32(static_cast<std::uint32_t>(-30000));
        b.insert(b.end(), {1, 0, 24, 0});
        le32(0);
        le32(0);
        le32(0);
        le32(0);
        le32(0);
        le32(0);
        r = decodeImage(b);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    }
    // A file over the byte cap is refused before being read.
    QTemporaryDir dir;
    const QString big = dir.filePath("big.png");
    writeFile(big, pngHeaderOnly(10, 10));
    {
        std::ofstream out(big.toStdString(), std::ios::binary | std::ios::app);
        out << std::string(200000, '\0');
    }
    MediaLimits bytesCap;
    bytesCap.maxFileBytes = 100000;
    r = loadImageFile(big.toStdString(), bytesCap);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::LimitExceeded);
    r = loadImageFile(dir.filePath("missing.png").toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
    QVERIFY2(secondsSince(t0) < 5.0, "bomb inputs are refused quickly");
}

void TestFormatsFuzz::tokenizerMutations() {
    QTemporaryDir dir;
    std::vector<std::string> corpus;
    const char* colors[] = {"red", "blue", "green", "yellow", "purple", "gray"};
    const char* shapes[] = {"circle", "square", "triangle", "star", "heart", "ring"};
    const char* places[] = {"at the top", "in the center", "at the bottom-left", "at the right"};
    for (int i = 0; i < 300; ++i)
        corpus.push_back(std::string("draw a small ") + colors[i % 6] + " " + shapes[(i / 6) % 6] + " " + places[(i / 36) % 4] +
                         " on a " + colors[(i + 3) % 6] + " background");
    const std::string prefix = dir.filePath("tok").toStdString();
    Tokenizer::train(corpus, 64, prefix);
    std::ifstream in(prefix + ".model", std::ios::binary);
    const std::string model((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const VocabLayout layout = VocabLayout::make(64, 4, 1000);
    const Tokenizer tok = Tokenizer::fromBytes(model, layout);
    QCOMPARE(tok.decode(tok.encode(corpus[5])), corpus[5]);

    std::mt19937_64 rng(5);
    const Bytes valid = toBytes(model);
    for (int i = 0; i < 1500; ++i) {
        const std::string input = toString(mutate(valid, rng));
        try {
            const Tokenizer t = Tokenizer::fromBytes(input, layout);
            // A model that loads must encode and decode without failing.
            const std::vector<int> ids = t.encode("draw a red circle");
            for (int id : ids) QVERIFY(id >= 0 && id < layout.textVocab);
            (void)t.decode(ids);
        } catch (const EngineError& e) {
            const ErrorCode c = e.code();
            QVERIFY2(c == ErrorCode::Format || c == ErrorCode::ShapeMismatch || c == ErrorCode::LimitExceeded, e.what());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("mutation %1: foreign exception %2").arg(i).arg(e.what())));
        }
    }
}

void TestFormatsFuzz::audioMutationsAndBombs() {
    QTemporaryDir dir;
    const std::string base = dir.path().toStdString();
    auto loadWav = [&](const Bytes& wav, const MediaLimits& limits) {
        writeFile(dir.filePath("a.wav"), wav);
        Result<Conversation> c = parseConversation(
            R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[{"audio":"a.wav"}]}]})", base);
        if (!c.ok()) return std::make_pair(Result<void>(c.error()), AudioClip{});
        Result<void> r = loadConversationMedia(c.value(), limits);
        return std::make_pair(r, r.ok() ? c.value().messages[0].segments[0].audio : AudioClip{});
    };

    // A valid stereo clip decodes to mono at its native rate.
    std::vector<std::int16_t> stereo;
    for (int i = 0; i < 800; ++i) {
        stereo.push_back(16384);
        stereo.push_back(-16384 + (i % 2) * 32767);
    }
    auto [ok, clip] = loadWav(wavPcm16(2, 8000, stereo), MediaLimits{});
    QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
    QCOMPARE(clip.sampleRate, 8000);
    QCOMPARE(clip.samples.size(), std::size_t(800));
    for (float s : clip.samples) QVERIFY(s >= -1.0f && s <= 1.0f);

    // Too many channels, too high a rate, too long: refused before samples are read.
    MediaLimits limits;
    auto [chans, c1] = loadWav(wavPcm16(9, 8000, std::vector<std::int16_t>(9 * 10, 0)), limits);
    QVERIFY(!chans.ok());
    QCOMPARE(chans.error().code, ErrorCode::LimitExceeded);
    MediaLimits shortCap;
    shortCap.maxAudioSeconds = 0.05;
    auto [longClip, c2] = loadWav(wavPcm16(2, 8000, stereo), shortCap);
    QVERIFY(!longClip.ok());
    QCOMPARE(longClip.error().code, ErrorCode::LimitExceeded);
    MediaLimits lowRate;
    lowRate.maxAudioSampleRate = 4000;
    auto [rate, c3] = loadWav(wavPcm16(2, 8000, stereo), lowRate);
    QVERIFY(!rate.ok());
    QCOMPARE(rate.error().code, ErrorCode::LimitExceeded);
    // A data chunk that claims 4 GB of samples in a tiny file is not trusted.
    auto [liar, c4] = loadWav(wavPcm16(1, 8000, std::vector<std::int16_t>(100, 1000), 0xFFFFFFF0u), MediaLimits{});
    if (liar.ok()) QVERIFY(c4.samples.size() <= 100);
    else QVERIFY(liar.error().code == ErrorCode::Format || liar.error().code == ErrorCode::LimitExceeded);

    std::mt19937_64 rng(11);
    const Bytes valid = wavPcm16(2, 8000, stereo);
    for (int i = 0; i < 400; ++i) {
        auto [r, c] = loadWav(mutate(valid, rng), MediaLimits{});
        if (r.ok()) {
            QVERIFY(c.sampleRate > 0 && c.sampleRate <= MediaLimits{}.maxAudioSampleRate);
            QVERIFY(static_cast<double>(c.samples.size()) <= MediaLimits{}.maxAudioSeconds * c.sampleRate + 1);
        } else {
            QVERIFY2(r.error().code == ErrorCode::Format || r.error().code == ErrorCode::LimitExceeded,
                     r.error().message.c_str());
        }
    }
}

// Inputs found by the libFuzzer targets of tests/fuzz (docs/FUZZING.md); the same inputs sit in
// tests/fuzz/corpus/<target>/regress_*.
void TestFormatsFuzz::libFuzzerFindings() {
    std::string what;
    // A number beyond double's range made nlohmann throw out_of_range past the Format category.
    QCOMPARE(thrownCode([] { ModelConfig::parse(R"({"format":"weft-model","version":1,"transformer":{"rope_theta":1e400}})"); },
                        &what),
             static_cast<int>(ErrorCode::Format));
    QCOMPARE(thrownCode([] { SafetensorsFile::parse(safetensorsWithHeader(R"({"w":{"dtype":"U8","shape":[1e400],"data_offsets":[0,0]}})", 0)); },
                        &what),
             static_cast<int>(ErrorCode::Format));
    // nlohmann quotes the last bytes read, which can stop inside a multi-byte character.
    QCOMPARE(thrownCode([] { SafetensorsFile::parse(safetensorsWithHeader("{\"__metadata__\"\xC6\x84}", 0)); }, &what),
             static_cast<int>(ErrorCode::Format));
    QVERIFY2(isValidUtf8(what), what.c_str());
    // Zero elements, but the partial product 2^62 * 2 overflows int64 in numel() and in torch.
    QCOMPARE(thrownCode([] { SafetensorsFile::parse(safetensorsWithHeader(R"({"w":{"dtype":"U8","shape":[4611686018427387904,2,0],"data_offsets":[0,0]}})", 0)); },
                        &what),
             static_cast<int>(ErrorCode::Format));
    const SafetensorsFile empty = SafetensorsFile::parse(safetensorsWithHeader(R"({"w":{"dtype":"U8","shape":[0,4611686018427387904],"data_offsets":[0,0]}})", 0));
    QCOMPARE(empty.at("w").numel(), std::int64_t(0));

    // A PNG header announcing 0xFFFFFFFF x 0xFFFFFFFF overflowed int64 in the pixel-cap check.
    const Result<Image> huge = decodeImage(pngHeaderOnly(0xFFFFFFFFu, 0xFFFFFFFFu));
    QVERIFY(!huge.ok());
    QCOMPARE(huge.error().code, ErrorCode::LimitExceeded);

    // A WebP that libwebp rejects went on, through cv::imdecode, to GDAL's decoder (a temp file
    // and stderr output). WebP is now decoded by libwebp alone.
    std::ifstream in(WEFT_SOURCE_DIR "/tests/fuzz/findings/webp_reaches_gdal.webp", std::ios::binary);
    const Bytes gdalBait{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    QCOMPARE(gdalBait.size(), std::size_t(150));
    const Result<Image> bait = decodeImage(gdalBait);
    QVERIFY(!bait.ok());
    QCOMPARE(bait.error().code, ErrorCode::Format);
}

QTEST_GUILESS_MAIN(TestFormatsFuzz)
#include "test_formats_fuzz.moc"
