// Unit tests of the engine's file formats: safetensors, config.json, the tokenizer,
// conversation files, media decoding/encoding and atomic writes. Every parser is checked
// with valid input (round trips) and with each kind of bad input it must refuse.

#include <QtTest>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sndfile.h>

#include "errors.h"
#include "model_config.h"
#include "safetensors.h"
#include "sha256.h"
#include "tokenizer.h"
#include "weft/conversation.h"
#include "weft/media.h"

using namespace weft;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A safetensors file from raw header text and a data section, so that tests can build
// headers the writer would never produce.
Bytes rawSafetensors(const std::string& header, std::size_t dataBytes, std::uint64_t declaredLen = UINT64_MAX) {
    Bytes b(8);
    const std::uint64_t len = declaredLen == UINT64_MAX ? header.size() : declaredLen;
    for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(len >> (8 * i));
    b.insert(b.end(), header.begin(), header.end());
    for (std::size_t i = 0; i < dataBytes; ++i) b.push_back(static_cast<std::uint8_t>(i * 7));
    return b;
}

// Runs f, which must throw an EngineError of `code` whose message contains `needle`.
template <class F>
bool throwsWith(F&& f, ErrorCode code, const std::string& needle, std::string* message = nullptr) {
    try {
        f();
    } catch (const EngineError& e) {
        if (message) *message = e.what();
        if (e.code() != code) {
            qWarning("expected %s, got %s: %s", errorCodeName(code), errorCodeName(e.code()), e.what());
            return false;
        }
        if (std::string(e.what()).find(needle) == std::string::npos) {
            qWarning("message lacks '%s': %s", needle.c_str(), e.what());
            return false;
        }
        return true;
    } catch (const std::exception& e) {
        qWarning("unexpected exception type: %s", e.what());
        return false;
    }
    qWarning("no exception; expected %s containing '%s'", errorCodeName(code), needle.c_str());
    return false;
}

bool stFails(const std::string& header, std::size_t data, ErrorCode code, const std::string& needle) {
    return throwsWith([&] { SafetensorsFile::parse(rawSafetensors(header, data)); }, code, needle);
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

nlohmann::json defaultConfigJson() { return nlohmann::json::parse(ModelConfig{}.toJson()); }

// Shapes World sentences in the canonical phrasings (WORLD.md), enough variety to train a
// small tokenizer with an exact piece count.
std::vector<std::string> worldCorpus() {
    const char* colors[] = {"red", "orange", "yellow", "green", "cyan", "brown",
                            "blue", "purple", "pink", "white", "black", "gray"};
    const char* shapes[] = {"circle", "square", "triangle", "diamond", "cross", "ring", "star", "heart"};
    const char* positions[] = {"at the top-left", "at the top", "at the top-right", "at the left", "in the center",
                               "at the right", "at the bottom-left", "at the bottom", "at the bottom-right"};
    const char* patterns[] = {"", " stripes", " dots", " checker", " grid", " rain"};
    const char* sizes[] = {"small", "large"};
    std::vector<std::string> out;
    int k = 0;
    for (const char* c : colors) {
        for (const char* s : shapes) {
            const std::string bg = std::string(colors[(k + 3) % 12]) + patterns[k % 6] + " background";
            const std::string obj = std::string("a ") + sizes[k % 2] + " " + c + " " + s + " " + positions[k % 9];
            out.push_back("draw " + obj + " on a " + bg);
            out.push_back(obj + ", a " + sizes[(k + 1) % 2] + " " + colors[(k + 5) % 12] + " " +
                          shapes[(k + 3) % 8] + " " + positions[(k + 4) % 9] + " on a " + bg);
            out.push_back(std::string("how many ") + s + "s are there");
            out.push_back(std::string("make the ") + c + " " + s + " " + colors[(k + 7) % 12]);
            out.push_back(std::string("move the ") + c + " " + s + " to the center");
            out.push_back(std::string("remove the ") + c + " " + s);
            out.push_back(std::string("show me the image with the ") + c + " " + s + " again");
            ++k;
        }
    }
    out.push_back("describe this image");
    out.push_back("what color is the star");
    out.push_back("what changed");
    out.push_back("do the same");
    out.push_back("make it sound like this");
    out.push_back("this is my creature. draw it at the top on a green background");
    out.push_back("zero one two three four");
    return out;
}

Image checkerImage(int w, int h) {
    Image img;
    img.width = w;
    img.height = h;
    img.rgb.resize(static_cast<std::size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = img.pixel(x, y);
            p[0] = static_cast<std::uint8_t>(x * 17 + y);
            p[1] = static_cast<std::uint8_t>(y * 29);
            p[2] = static_cast<std::uint8_t>((x ^ y) * 5);
        }
    return img;
}

Bytes pngHeaderWithSize(std::uint32_t w, std::uint32_t h) {
    Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    for (std::uint32_t v : {w, h})
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
    const std::uint8_t rest[] = {8, 2, 0, 0, 0, 0, 0, 0, 0}; // depth, colour type, ..., fake CRC
    b.insert(b.end(), std::begin(rest), std::end(rest));
    b.resize(b.size() + 64, 0);
    return b;
}

} // namespace

class TestFormats : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string tmp(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // ---------------------------------------------------------------- errors
    void errorCodeNamesAreStable() {
        QCOMPARE(std::string(errorCodeName(ErrorCode::Format)), std::string("format"));
        QCOMPARE(std::string(errorCodeName(ErrorCode::NotFound)), std::string("not-found"));
        QCOMPARE(std::string(errorCodeName(ErrorCode::UnsupportedVersion)), std::string("unsupported-version"));
        const Error e = guarded([]() -> Result<int> { throw ShapeError("x"); }).error();
        QCOMPARE(e.code, ErrorCode::ShapeMismatch);
        Result<int> j = guarded([]() -> Result<int> { return nlohmann::json::parse("{").get<int>(); });
        QVERIFY(!j.ok());
        QCOMPARE(j.error().code, ErrorCode::Format);
        Result<int> o = guarded([]() -> Result<int> { throw std::logic_error("bug"); });
        QCOMPARE(o.error().code, ErrorCode::Internal);
    }

    void sha256KnownVectors() {
        QCOMPARE(sha256Hex("abc", 3), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(sha256Hex(nullptr, 0), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        writeText(tmp("abc.txt"), "abc");
        QCOMPARE(sha256File(tmp("abc.txt")), sha256Hex("abc", 3));
        QVERIFY(throwsWith([&] { sha256File(tmp("missing.bin")); }, ErrorCode::NotFound, "missing.bin"));
    }

    // ---------------------------------------------------------------- safetensors
    void safetensorsRoundTrip() {
        SafetensorsWriter w;
        const std::vector<float> a = {1.f, -2.5f, 3.25f, 0.f, 1e-7f, 42.f};
        const std::vector<std::int64_t> b = {-1, 0, 1LL << 40};
        const std::vector<std::uint8_t> c = {1, 2, 3};
        const std::uint16_t h[2] = {0x3C00, 0xC000};
        w.add("layer.a", DType::F32, {2, 3}, a.data(), a.size() * 4);
        w.add("b", DType::I64, {3}, b.data(), b.size() * 8);
        w.add("c", DType::U8, {3}, c.data(), 3);
        w.add("empty", DType::F32, {0, 4}, nullptr, 0);
        w.add("h", DType::F16, {2}, h, 4);
        w.add("bf", DType::BF16, {1, 2}, h, 4);
        w.add("scalar", DType::I32, {}, "\x05\0\0\0", 4);
        w.setMetadata("format", "pt");
        const Bytes bytes = w.serialize();
        std::uint64_t headerLen = 0;
        std::memcpy(&headerLen, bytes.data(), 8);
        QCOMPARE(headerLen % 8, std::uint64_t(0)); // padded like the reference writer

        const SafetensorsFile f = SafetensorsFile::parse(bytes);
        QCOMPARE(f.tensors().size(), std::size_t(7));
        QCOMPARE(f.metadata().at("format"), std::string("pt"));
        const TensorView& ta = f.at("layer.a");
        QCOMPARE(ta.dtype, DType::F32);
        QCOMPARE(ta.shape, (std::vector<std::int64_t>{2, 3}));
        QCOMPARE(ta.numel(), std::int64_t(6));
        QVERIFY(std::memcmp(f.data(ta), a.data(), 24) == 0);
        QVERIFY(std::memcmp(f.data(f.at("b")), b.data(), 24) == 0);
        QCOMPARE(f.at("scalar").numel(), std::int64_t(1));
        QCOMPARE(f.at("empty").numel(), std::int64_t(0));
        QCOMPARE(f.at("bf").dtype, DType::BF16);
        QVERIFY(f.find("nope") == nullptr);
        QVERIFY(throwsWith([&] { f.at("nope"); }, ErrorCode::Format, "nope"));
        for (std::size_t i = 1; i < f.tensors().size(); ++i) QVERIFY(f.tensors()[i - 1].end == f.tensors()[i].begin);

        w.write(tmp("m.safetensors"));
        const SafetensorsFile g = SafetensorsFile::read(tmp("m.safetensors"));
        QCOMPARE(g.tensors().size(), std::size_t(7));
        QVERIFY(std::memcmp(g.data(g.at("c")), c.data(), 3) == 0);
        QVERIFY(throwsWith([&] { SafetensorsFile::read(tmp("m.safetensors"), 16); }, ErrorCode::LimitExceeded, "limit"));
        QVERIFY(throwsWith([&] { SafetensorsFile::read(tmp("none.safetensors")); }, ErrorCode::NotFound, "none"));
    }

    void safetensorsWriterRefusesBadInput() {
        SafetensorsWriter w;
        const float x[4] = {};
        QVERIFY(throwsWith([&] { w.add("a", DType::F32, {2, 3}, x, 16); }, ErrorCode::InvalidArgument, "24"));
        QVERIFY(throwsWith([&] { w.add("a", DType::F32, {-1, 4}, x, 16); }, ErrorCode::InvalidArgument, "shape"));
        w.add("a", DType::F32, {4}, x, 16);
        QVERIFY(throwsWith([&] { w.add("a", DType::F32, {4}, x, 16); }, ErrorCode::InvalidArgument, "twice"));
        QVERIFY(throwsWith([&] { w.add("__metadata__", DType::F32, {4}, x, 16); }, ErrorCode::InvalidArgument, ""));
    }

    void safetensorsRejectsBadHeaders() {
        const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        QVERIFY(SafetensorsFile::parse(rawSafetensors(ok, 8)).tensors().size() == 1);

        // Length field problems.
        QVERIFY(throwsWith([] { SafetensorsFile::parse(Bytes{1, 0, 0}); }, ErrorCode::Format, "at least 8"));
        QVERIFY(throwsWith([] { SafetensorsFile::parse(rawSafetensors("{", 0, 1)); }, ErrorCode::Format, "too small"));
        QVERIFY(throwsWith([&] { SafetensorsFile::parse(rawSafetensors(ok, 8, 4096)); }, ErrorCode::Format, "truncated"));
        QVERIFY(throwsWith([&] { SafetensorsFile::parse(rawSafetensors(ok, 8, 200000000ULL)); },
                           ErrorCode::LimitExceeded, "cap"));
        QVERIFY(throwsWith([&] { SafetensorsFile::parse(rawSafetensors(ok, 8, UINT64_MAX - 1)); },
                           ErrorCode::LimitExceeded, "cap"));
        // Truncated header: the declared length runs past the end of the file.
        Bytes cut = rawSafetensors(ok, 0);
        cut.resize(cut.size() - 5);
        QVERIFY(throwsWith([&] { SafetensorsFile::parse(cut); }, ErrorCode::Format, "truncated"));

        // JSON problems.
        QVERIFY(stFails(R"({"a":{"dtype":"F32",)", 0, ErrorCode::Format, "invalid JSON"));
        QVERIFY(stFails("[1,2]", 0, ErrorCode::Format, "start with '{'"));
        QVERIFY(stFails(std::string("{\"a\xff\":{}}"), 0, ErrorCode::Format, "UTF-8"));
        QVERIFY(stFails(std::string("{\"\xc0\xaf\":{}}"), 0, ErrorCode::Format, "UTF-8")); // overlong '/'
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                        R"("a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                        16, ErrorCode::Format, "'a' appears twice"));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[[[2]]],"data_offsets":[0,8]}})", 8, ErrorCode::Format, "nesting"));

        // Entry fields.
        QVERIFY(stFails(R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", 8, ErrorCode::Format, "unsupported dtype 'F64'"));
        QVERIFY(stFails(R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", 4, ErrorCode::Format, "'a'"));
        QVERIFY(stFails(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", 4, ErrorCode::Format, "missing \"dtype\""));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", 4, ErrorCode::Format, "missing \"shape\""));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[1]}})", 4, ErrorCode::Format, "missing \"data_offsets\""));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}})", 4, ErrorCode::Format, "array"));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4, ErrorCode::Format, "integer"));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4, ErrorCode::Format, "[begin, end]"));
        QVERIFY(stFails(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", 4, ErrorCode::Format, "non-negative"));
        QVERIFY(stFails(R"({"a":[1,2]})", 0, ErrorCode::Format, "tensor 'a'"));
        QVERIFY(stFails(R"({"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}})", 16, ErrorCode::Format,
                        "non-negative dimensions"));
        QVERIFY(stFails(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0,
                        ErrorCode::Format, "overflows"));
        QVERIFY(stFails(R"({"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0,
                        ErrorCode::Format, "overflows"));
        QVERIFY(stFails(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 20, ErrorCode::Format,
                        "needs 24 bytes"));
        QVERIFY(stFails(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8, ErrorCode::Format, "before begin"));

        // Layout of the data section.
        QVERIFY(stFails(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})", 8, ErrorCode::Format,
                        "expected 0"));
        QVERIFY(stFails(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
                        10, ErrorCode::Format, "gap"));
        QVERIFY(stFails(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                        6, ErrorCode::Format, "overlaps"));
        QVERIFY(stFails(ok, 12, ErrorCode::Format, "trailing"));
        QVERIFY(stFails(ok, 4, ErrorCode::Format, "truncated data"));
        QVERIFY(stFails("{}", 3, ErrorCode::Format, "trailing"));
        QCOMPARE(SafetensorsFile::parse(rawSafetensors("{}", 0)).tensors().size(), std::size_t(0));

        // Metadata.
        QVERIFY(stFails(R"({"__metadata__":{"epoch":3}})", 0, ErrorCode::Format, "metadata 'epoch'"));
        QVERIFY(stFails(R"({"__metadata__":["x"]})", 0, ErrorCode::Format, "__metadata__"));
        const SafetensorsFile m = SafetensorsFile::parse(rawSafetensors(R"({"__metadata__":{"k":"v"}})", 0));
        QCOMPARE(m.metadata().at("k"), std::string("v"));
    }

    void safetensorsTruncatedFileOnDisk() {
        SafetensorsWriter w;
        const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        w.add("x", DType::F32, {8}, x, sizeof x);
        Bytes bytes = w.serialize();
        bytes.resize(bytes.size() - 1);
        writeText(tmp("cut.safetensors"), std::string(bytes.begin(), bytes.end()));
        std::string msg;
        QVERIFY(throwsWith([&] { SafetensorsFile::read(tmp("cut.safetensors")); }, ErrorCode::Format, "cut.safetensors", &msg));
        QVERIFY(msg.find("truncated") != std::string::npos);
    }

    // ---------------------------------------------------------------- config.json
    void configRoundTripAndLayout() {
        ModelConfig c;
        c.name = "weft-test";
        c.textVocab = 300;
        c.compressionTokens = 2;
        c.codec.fsqLevels = {4, 4};
        c.codec.palette = {{{0, 0, 0}}, {{255, 128, 1}}};
        c.audio.enabled = true;
        c.transformer.ropeTheta = 500000.5;
        const ModelConfig p = ModelConfig::parse(c.toJson());
        QCOMPARE(p.name, std::string("weft-test"));
        QCOMPARE(p.textVocab, 300);
        QCOMPARE(p.codec.fsqLevels, (std::vector<int>{4, 4}));
        QCOMPARE(p.codec.palette.size(), std::size_t(2));
        QCOMPARE(int(p.codec.palette[1][1]), 128);
        QVERIFY(p.audio.enabled);
        QCOMPARE(p.transformer.ropeTheta, 500000.5);
        QCOMPARE(p.toJson(), c.toJson());
        QCOMPARE(p.vocab.bos, 300);
        QCOMPARE(p.vocab.ret, 308);
        QCOMPARE(p.vocab.compressionBase, 309);
        QCOMPARE(p.vocab.imageBase, 311);
        QCOMPARE(p.vocab.imageCount, 16);
        QCOMPARE(p.vocab.total, 327);
        QVERIFY(p.vocab.isImageToken(311) && p.vocab.isImageToken(326) && !p.vocab.isImageToken(327));
        QVERIFY(p.vocab.isCompressionToken(310) && !p.vocab.isCompressionToken(311));

        // Defaults fill missing sections.
        const ModelConfig d = ModelConfig::parse(R"({"format":"weft-model","version":1})");
        QCOMPARE(d.transformer.dModel, 256);
        QCOMPARE(d.codec.codebookSize(), 1000);
        QCOMPARE(d.vocab.total, 512 + 9 + 4 + 1000);

        writeText(tmp("config.json"), c.toJson());
        QCOMPARE(ModelConfig::read(tmp("config.json")).name, std::string("weft-test"));
        QVERIFY(throwsWith([&] { ModelConfig::read(tmp("nope.json")); }, ErrorCode::NotFound, "nope.json"));
        writeText(tmp("big.json"), std::string(2 << 20, ' '));
        QVERIFY(throwsWith([&] { ModelConfig::read(tmp("big.json")); }, ErrorCode::LimitExceeded, "limit"));
    }

    void configRejectsInvalidFields_data() {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("needle");
        QTest::newRow("format") << "/format" << R"("weft-other")" << "'format'";
        QTest::newRow("format type") << "/format" << "1" << "'format'";
        QTest::newRow("version 0") << "/version" << "0" << "'version'";
        QTest::newRow("version float") << "/version" << "1.0" << "'version'";
        QTest::newRow("name empty") << "/name" << R"("")" << "'name'";
        QTest::newRow("name control") << "/name" << R"("a\nb")" << "'name'";
        QTest::newRow("architecture") << "/architecture" << R"("gpt")" << "'architecture'";
        QTest::newRow("text_vocab low") << "/text_vocab" << "7" << "'text_vocab'";
        QTest::newRow("text_vocab high") << "/text_vocab" << "65537" << "'text_vocab'";
        QTest::newRow("text_vocab float") << "/text_vocab" << "512.5" << "'text_vocab'";
        QTest::newRow("text_vocab string") << "/text_vocab" << R"("512")" << "'text_vocab'";
        QTest::newRow("compression") << "/compression_tokens" << "-1" << "'compression_tokens'";
        QTest::newRow("transformer type") << "/transformer" << "[]" << "'transformer'";
        QTest::newRow("d_model") << "/transformer/d_model" << "4" << "'transformer.d_model'";
        QTest::newRow("heads divide") << "/transformer/heads" << "3" << "'transformer.heads'";
        QTest::newRow("head width odd") << "/transformer/heads" << "256" << "even head width";
        QTest::newRow("layers") << "/transformer/layers" << "0" << "'transformer.layers'";
        QTest::newRow("d_ff") << "/transformer/d_ff" << "0" << "'transformer.d_ff'";
        QTest::newRow("context low") << "/transformer/context_length" << "15" << "'transformer.context_length'";
        QTest::newRow("context high") << "/transformer/context_length" << "65537" << "'transformer.context_length'";
        QTest::newRow("rope_theta") << "/transformer/rope_theta" << "0" << "'transformer.rope_theta'";
        QTest::newRow("norm_eps zero") << "/transformer/norm_eps" << "0" << "'transformer.norm_eps'";
        QTest::newRow("norm_eps type") << "/transformer/norm_eps" << "true" << "'transformer.norm_eps'";
        QTest::newRow("image_size") << "/codec/image_size" << "4" << "'codec.image_size'";
        QTest::newRow("grid divides") << "/codec/grid" << "7" << "'codec.grid'";
        QTest::newRow("grid zero") << "/codec/grid" << "0" << "'codec.grid'";
        QTest::newRow("fsq empty") << "/codec/fsq_levels" << "[]" << "'codec.fsq_levels'";
        QTest::newRow("fsq level 1") << "/codec/fsq_levels" << "[8,1]" << "'codec.fsq_levels'";
        QTest::newRow("fsq level 65") << "/codec/fsq_levels" << "[65]" << "'codec.fsq_levels'";
        QTest::newRow("fsq product") << "/codec/fsq_levels" << "[64,64,64]" << "at most 65536";
        QTest::newRow("fsq type") << "/codec/fsq_levels" << R"(["8"])" << "'codec.fsq_levels'";
        QTest::newRow("palette entry") << "/codec/palette" << "[[0,0,0],[1,2]]" << "'codec.palette'";
        QTest::newRow("palette channel") << "/codec/palette" << "[[0,0,0],[1,2,256]]" << "'codec.palette'";
        QTest::newRow("palette negative") << "/codec/palette" << "[[0,0,0],[1,-2,3]]" << "'codec.palette'";
        QTest::newRow("palette single") << "/codec/palette" << "[[0,0,0]]" << "'codec.palette'";
        QTest::newRow("decoder heads") << "/codec/decoder_heads" << "5" << "'codec.decoder_heads'";
        QTest::newRow("audio enabled") << "/audio/enabled" << "1" << "'audio.enabled'";
        QTest::newRow("audio rate") << "/audio/sample_rate" << "100" << "'audio.sample_rate'";
        QTest::newRow("audio seconds") << "/audio/max_seconds" << "0" << "'audio.max_seconds'";
        QTest::newRow("audio mel") << "/audio/mel_bins" << "0" << "'audio.mel_bins'";
    }

    void configRejectsInvalidFields() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, needle);
        nlohmann::json j = defaultConfigJson();
        j[nlohmann::json::json_pointer(pointer.toStdString())] = nlohmann::json::parse(value.toStdString());
        QVERIFY(throwsWith([&] { ModelConfig::parse(j.dump()); }, ErrorCode::Format, needle.toStdString()));
    }

    void configRejectsWholeFileProblems() {
        nlohmann::json j = defaultConfigJson();
        j["version"] = 2;
        std::string msg;
        QVERIFY(throwsWith([&] { ModelConfig::parse(j.dump()); }, ErrorCode::UnsupportedVersion, "", &msg));
        QCOMPARE(msg, std::string("config.json version 2 is newer than this build supports (1)"));
        j.erase("version");
        QVERIFY(throwsWith([&] { ModelConfig::parse(j.dump()); }, ErrorCode::Format, "'version' is missing"));
        QVERIFY(throwsWith([] { ModelConfig::parse("[]"); }, ErrorCode::Format, "object"));
        QVERIFY(throwsWith([] { ModelConfig::parse("{\"format\":"); }, ErrorCode::Format, "invalid JSON"));
        QVERIFY(throwsWith([] { ModelConfig::parse(R"({"format":"weft-model","format":"weft-model","version":1})"); },
                           ErrorCode::Format, "twice"));
        QVERIFY(throwsWith([] { ModelConfig::parse(std::string("{\"format\":\"weft-model\xfe\",\"version\":1}")); },
                           ErrorCode::Format, "UTF-8"));
        QVERIFY(throwsWith([] { ModelConfig::parse(std::string(200, '[') + std::string(200, ']')); },
                           ErrorCode::Format, "nesting"));
        // Unknown keys are ignored for forward compatibility.
        QCOMPARE(ModelConfig::parse(R"({"format":"weft-model","version":1,"future":{"x":1}})").textVocab, 512);
        QVERIFY(throwsWith([] { VocabLayout::make(0, 4, 10); }, ErrorCode::InvalidArgument, "vocabulary"));
    }

    // ---------------------------------------------------------------- tokenizer
    void tokenizerTrainLoadRoundTrip() {
        const std::string prefix = tmp("tok");
        const int vocab = 160;
        Tokenizer::train(worldCorpus(), vocab, prefix);
        QVERIFY(fs::exists(prefix + ".model"));
        QVERIFY(!fs::exists(prefix + ".vocab"));
        const VocabLayout layout = VocabLayout::make(vocab, 4, 1000);
        const Tokenizer t = Tokenizer::load(prefix + ".model", layout);
        QCOMPARE(t.layout().textVocab, vocab);

        const std::string sentence = "draw a small red circle at the top-left, a large blue star in the center on a "
                                     "green dots background";
        const std::vector<int> ids = t.encode(sentence);
        QVERIFY(!ids.empty());
        for (int id : ids) QVERIFY(id > 0 && id < vocab); // no unknown pieces for world text
        QCOMPARE(t.decode(ids), sentence);
        // Specials, compression and image ids are skipped when decoding.
        std::vector<int> mixed = {layout.bos};
        mixed.insert(mixed.end(), ids.begin(), ids.end());
        mixed.push_back(layout.imageBase + 3);
        mixed.push_back(layout.eos);
        QCOMPARE(t.decode(mixed), sentence);
        QCOMPARE(t.decode(t.encode("Draw A RED circle")), std::string("draw a red circle")); // case folded

        // Deterministic: same corpus, same model bytes.
        Tokenizer::train(worldCorpus(), vocab, tmp("tok2"));
        QVERIFY(readText(prefix + ".model") == readText(tmp("tok2") + ".model"));
        const Tokenizer fromBytes = Tokenizer::fromBytes(readText(prefix + ".model"), layout);
        QCOMPARE(fromBytes.serialized(), readText(prefix + ".model"));

        QVERIFY(throwsWith([&] { t.encode(std::string(70000, 'a')); }, ErrorCode::LimitExceeded, "cap"));
    }

    void tokenizerRejectsBadModels() {
        const std::string prefix = tmp("tokbad");
        Tokenizer::train(worldCorpus(), 120, prefix);
        const std::string model = readText(prefix + ".model");
        std::string msg;
        QVERIFY(throwsWith([&] { Tokenizer::fromBytes(model, VocabLayout::make(121, 4, 1000)); },
                           ErrorCode::ShapeMismatch, "120 pieces", &msg));
        QVERIFY(msg.find("121") != std::string::npos);
        QVERIFY(throwsWith([&] { Tokenizer::fromBytes(model.substr(0, model.size() / 2), VocabLayout::make(120, 4, 1000)); },
                           ErrorCode::Format, "sentencepiece"));
        QVERIFY(throwsWith([&] { Tokenizer::fromBytes("definitely not a protobuf \xff\xff\xff", VocabLayout::make(120, 4, 1000)); },
                           ErrorCode::Format, "sentencepiece"));
        QVERIFY(throwsWith([&] { Tokenizer::fromBytes("", VocabLayout::make(120, 4, 1000)); }, ErrorCode::Format, "empty"));
        writeText(tmp("garbage.model"), "\x0a\x05hello");
        QVERIFY(throwsWith([&] { Tokenizer::load(tmp("garbage.model"), VocabLayout::make(120, 4, 1000)); },
                           ErrorCode::Format, "garbage.model"));
        QVERIFY(throwsWith([&] { Tokenizer::load(tmp("absent.model"), VocabLayout::make(120, 4, 1000)); },
                           ErrorCode::NotFound, "absent.model"));

        // A corpus too small to learn the requested size is padded with unused control pieces,
        // so the piece count is still exact and text still round-trips.
        Tokenizer::train({"a b c", "a c b", "b a"}, 500, tmp("tiny"));
        const Tokenizer tiny = Tokenizer::load(tmp("tiny") + ".model", VocabLayout::make(500, 4, 1000));
        QCOMPARE(tiny.decode(tiny.encode("c b a")), std::string("c b a"));
        // A vocabulary too small to hold every character of the corpus fails with the reason.
        QVERIFY(throwsWith([&] { Tokenizer::train({"abcdefghijklmnopqrstuvwxyz 0123456789"}, 8, tmp("few")); },
                           ErrorCode::InvalidArgument, "vocabulary size 8"));
        QVERIFY(throwsWith([&] { Tokenizer::train({}, 100, tmp("none")); }, ErrorCode::InvalidArgument, "no sentences"));
        QVERIFY(throwsWith([&] { Tokenizer::train({"a"}, 4, tmp("small")); }, ErrorCode::InvalidArgument, "[8, 65536]"));
    }

    // ---------------------------------------------------------------- conversations
    void conversationRoundTrip() {
        const fs::path dir = tmp("conv");
        fs::create_directories(dir / "media");
        Conversation c;
        c.title = "Über \"quotes\" 図";
        Message u;
        u.role = Role::User;
        u.segments.push_back(Segment::makeImage({}, (dir / "media" / "a.png").string()));
        u.segments.push_back(Segment::makeAudio({}, (dir / "b.wav").string()));
        u.segments.push_back(Segment::makeText("make it sound like this\n\"ok\""));
        Message a;
        a.role = Role::Assistant;
        Segment r = Segment::makeImage({}, "media/a.png"); // relative: taken relative to the folder
        r.retrieved = true;
        r.retrievedFrom = 0; // the user's picture: kept as "retrieved_from"
        a.segments.push_back(r);
        a.segments.push_back(Segment::makeText("done"));
        MessageMeta meta;
        meta.modelId = "weft-tiny";
        meta.modelHash = std::string(64, 'a');
        meta.seed = 18446744073709551615ULL;
        meta.options = {{"temperature", 0.7}, {"top_k", 40}};
        meta.seconds = 1.25;
        a.meta = meta;
        c.messages = {u, a};
        QCOMPARE(c.messages[0].joinedText(), std::string("make it sound like this\n\"ok\""));

        const Result<std::string> text = serializeConversation(c, dir.string());
        QVERIFY2(text.ok(), text.ok() ? "" : text.error().message.c_str());
        const nlohmann::json j = nlohmann::json::parse(text.value());
        QCOMPARE(j["format"].get<std::string>(), std::string("weft-conversation"));
        QCOMPARE(j["version"].get<int>(), 1);
        QCOMPARE(j["messages"][0]["segments"][0]["image"].get<std::string>(), std::string("media/a.png"));
        QCOMPARE(j["messages"][0]["segments"][1]["audio"].get<std::string>(), std::string("b.wav"));
        QVERIFY(j["messages"][1]["segments"][0]["retrieved"].get<bool>());
        QCOMPARE(j["messages"][1]["segments"][0]["retrieved_from"].get<int>(), 0);
        QCOMPARE(j["messages"][1]["meta"]["model_hash"].get<std::string>(), std::string(64, 'a'));
        QVERIFY(text.value().find("\n  \"version\": 1") != std::string::npos); // 2-space indentation

        const Result<void> w = writeFileAtomic((dir / "conversation.json").string(), text.value());
        QVERIFY(w.ok());
        const Result<Conversation> back = readConversationFile((dir / "conversation.json").string());
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        const Conversation& b = back.value();
        QCOMPARE(b.title, c.title);
        QCOMPARE(b.messages.size(), std::size_t(2));
        QCOMPARE(b.messages[0].segments[0].path, (dir / "media" / "a.png").string());
        QCOMPARE(b.messages[0].segments[1].kind, SegmentKind::Audio);
        QCOMPARE(b.messages[0].segments[2].text, std::string("make it sound like this\n\"ok\""));
        QVERIFY(!b.messages[0].meta.has_value());
        QVERIFY(b.messages[1].segments[0].retrieved);
        QCOMPARE(b.messages[1].segments[0].retrievedFrom, 0);
        QCOMPARE(b.messages[0].segments[1].retrievedFrom, -1);
        QVERIFY(b.messages[1].meta.has_value());
        QCOMPARE(b.messages[1].meta->seed, std::uint64_t(18446744073709551615ULL));
        QCOMPARE(b.messages[1].meta->options.at("temperature"), 0.7);
        QCOMPARE(b.messages[1].meta->seconds, 1.25);
        QCOMPARE(serializeConversation(b, dir.string()).value(), text.value());

        const Result<std::string> one = serializeMessage(a, dir.string());
        QVERIFY(one.ok());
        const nlohmann::json mj = nlohmann::json::parse(one.value());
        QCOMPARE(mj["role"].get<std::string>(), std::string("assistant"));
        QCOMPARE(mj["segments"][0]["image"].get<std::string>(), std::string("media/a.png"));

        // Paths outside the folder cannot be written relative to it.
        Message outside;
        outside.segments.push_back(Segment::makeImage({}, "/etc/passwd"));
        QCOMPARE(serializeMessage(outside, dir.string()).error().code, ErrorCode::InvalidArgument);
        Message noPath;
        noPath.segments.push_back(Segment::makeImage(checkerImage(2, 2)));
        QCOMPARE(serializeMessage(noPath, dir.string()).error().code, ErrorCode::InvalidArgument);
    }

    void conversationRejectsBadInput_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("needle");
        const int F = int(ErrorCode::Format);
        auto wrap = [](const char* messages) {
            return QString(R"({"format":"weft-conversation","version":1,"messages":%1})").arg(messages);
        };
        QTest::newRow("not json") << "{" << F << "invalid JSON";
        QTest::newRow("array") << "[]" << F << "object";
        QTest::newRow("format") << R"({"format":"weft-chat","version":1,"messages":[]})" << F << "'format'";
        QTest::newRow("no version") << R"({"format":"weft-conversation","messages":[]})" << F << "'version'";
        QTest::newRow("future") << R"({"format":"weft-conversation","version":2,"messages":[]})"
                                << int(ErrorCode::UnsupportedVersion) << "version 2";
        QTest::newRow("messages type") << wrap(R"({})") << F << "'messages'";
        QTest::newRow("bad role") << wrap(R"([{"role":"system","segments":[{"text":"hi"}]}])") << F << "system";
        QTest::newRow("role type") << wrap(R"([{"role":1,"segments":[{"text":"hi"}]}])") << F << "role";
        QTest::newRow("no segments") << wrap(R"([{"role":"user","segments":[]}])") << F << "non-empty";
        QTest::newRow("segment two kinds") << wrap(R"([{"role":"user","segments":[{"text":"a","image":"b.png"}]}])")
                                           << F << "exactly one";
        QTest::newRow("segment none") << wrap(R"([{"role":"user","segments":[{"video":"a.mp4"}]}])") << F << "exactly one";
        QTest::newRow("text type") << wrap(R"([{"role":"user","segments":[{"text":5}]}])") << F << "\"text\"";
        QTest::newRow("absolute") << wrap(R"([{"role":"user","segments":[{"image":"/etc/passwd"}]}])") << F << "/etc/passwd";
        QTest::newRow("escape") << wrap(R"([{"role":"user","segments":[{"image":"../secret.png"}]}])") << F << "../secret.png";
        QTest::newRow("escape deep") << wrap(R"([{"role":"user","segments":[{"audio":"a/../../x.wav"}]}])") << F << "a/../../x.wav";
        QTest::newRow("folder itself") << wrap(R"([{"role":"user","segments":[{"image":"a/.."}]}])") << F << "leaves";
        QTest::newRow("empty path") << wrap(R"([{"role":"user","segments":[{"image":""}]}])") << F << "empty";
        QTest::newRow("retrieved text") << wrap(R"([{"role":"user","segments":[{"text":"a","retrieved":true}]}])") << F << "retrieved";
        QTest::newRow("retrieved type") << wrap(R"([{"role":"user","segments":[{"image":"a.png","retrieved":"yes"}]}])") << F << "retrieved";
        QTest::newRow("retrieved_from alone") << wrap(R"([{"role":"user","segments":[{"image":"a.png","retrieved_from":0}]}])") << F << "retrieved_from";
        QTest::newRow("retrieved_from negative") << wrap(R"([{"role":"user","segments":[{"image":"a.png","retrieved":true,"retrieved_from":-1}]}])") << F << "retrieved_from";
        QTest::newRow("retrieved_from type") << wrap(R"([{"role":"user","segments":[{"image":"a.png","retrieved":true,"retrieved_from":"0"}]}])") << F << "retrieved_from";
        QTest::newRow("meta type") << wrap(R"([{"role":"assistant","segments":[{"text":"a"}],"meta":[]}])") << F << "meta";
        QTest::newRow("meta seed") << wrap(R"([{"role":"assistant","segments":[{"text":"a"}],"meta":{"seed":-1}}])") << F << "seed";
        QTest::newRow("meta option") << wrap(R"([{"role":"assistant","segments":[{"text":"a"}],"meta":{"options":{"t":"hot"}}}])") << F << "options.t";
        QTest::newRow("duplicate key") << wrap(R"([{"role":"user","role":"assistant","segments":[{"text":"a"}]}])") << F << "twice";
    }

    void conversationRejectsBadInput() {
        QFETCH(QString, json);
        QFETCH(int, code);
        QFETCH(QString, needle);
        const Result<Conversation> r = parseConversation(json.toStdString(), m_tmp.path().toStdString());
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().code), code);
        QVERIFY2(r.error().message.find(needle.toStdString()) != std::string::npos, r.error().message.c_str());
    }

    void conversationLimits() {
        ConversationLimits limits;
        limits.maxMessages = 2;
        limits.maxSegmentsPerMessage = 2;
        limits.maxTextBytes = 10;
        limits.maxFileBytes = 400;
        const std::string base = m_tmp.path().toStdString();
        auto conv = [](const std::string& messages) {
            return R"({"format":"weft-conversation","version":1,"messages":)" + messages + "}";
        };
        const std::string m = R"({"role":"user","segments":[{"text":"hi"}]})";
        QVERIFY(parseConversation(conv("[" + m + "," + m + "]"), base, limits).ok());
        QCOMPARE(parseConversation(conv("[" + m + "," + m + "," + m + "]"), base, limits).error().code,
                 ErrorCode::LimitExceeded);
        QCOMPARE(parseConversation(conv(R"([{"role":"user","segments":[{"text":"a"},{"text":"b"},{"text":"c"}]}])"), base, limits)
                     .error().code,
                 ErrorCode::LimitExceeded);
        QCOMPARE(parseConversation(conv(R"([{"role":"user","segments":[{"text":"0123456789a"}]}])"), base, limits).error().code,
                 ErrorCode::LimitExceeded);
        QCOMPARE(parseConversation(std::string(401, ' '), base, limits).error().code, ErrorCode::LimitExceeded);
        writeText(tmp("huge.json"), std::string(401, ' '));
        QCOMPARE(readConversationFile(tmp("huge.json"), limits).error().code, ErrorCode::LimitExceeded);
        QCOMPARE(readConversationFile(tmp("missing.json")).error().code, ErrorCode::NotFound);
        // A UTF-16 surrogate encoded in UTF-8 is not valid UTF-8.
        const Result<Conversation> bad =
            parseConversation(conv("[{\"role\":\"user\",\"segments\":[{\"text\":\"\xed\xa0\x80\"}]}]"), base);
        QCOMPARE(bad.error().code, ErrorCode::Format);
        QVERIFY(bad.error().message.find("UTF-8") != std::string::npos);
    }

    void conversationMediaLoading() {
        const fs::path dir = tmp("media_conv");
        fs::create_directories(dir);
        QVERIFY(saveImagePng(checkerImage(5, 4), (dir / "a.png").string()).ok());
        // A stereo WAV whose channels cancel except for a known offset: mono is their mean.
        SF_INFO info{};
        info.samplerate = 22050;
        info.channels = 2;
        info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
        SNDFILE* f = sf_open((dir / "s.wav").string().c_str(), SFM_WRITE, &info);
        QVERIFY(f != nullptr);
        std::vector<float> frames;
        for (int i = 0; i < 1000; ++i) {
            frames.push_back(0.5f);
            frames.push_back(-0.25f);
        }
        QCOMPARE(sf_writef_float(f, frames.data(), 1000), sf_count_t(1000));
        sf_close(f);

        const std::string json = R"({"format":"weft-conversation","version":1,"messages":[{"role":"user","segments":[)"
                                 R"({"image":"a.png"},{"audio":"s.wav"},{"text":"make it sound like this"}]}]})";
        writeText((dir / "c.json").string(), json);
        Result<Conversation> c = readConversationFile((dir / "c.json").string());
        QVERIFY(c.ok());
        QVERIFY(loadConversationMedia(c.value()).ok());
        const Segment& img = c.value().messages[0].segments[0];
        QCOMPARE(img.image, checkerImage(5, 4));
        const AudioClip& clip = c.value().messages[0].segments[1].audio;
        QCOMPARE(clip.sampleRate, 22050);
        QCOMPARE(clip.samples.size(), std::size_t(1000));
        QVERIFY(std::abs(clip.samples[10] - 0.125f) < 1e-6f);

        MediaLimits shortLimits;
        shortLimits.maxAudioSeconds = 0.01;
        Result<Conversation> c2 = readConversationFile((dir / "c.json").string());
        const Result<void> tooLong = loadConversationMedia(c2.value(), shortLimits);
        QCOMPARE(tooLong.error().code, ErrorCode::LimitExceeded);
        MediaLimits mono;
        mono.maxAudioChannels = 1;
        Result<Conversation> c3 = readConversationFile((dir / "c.json").string());
        QCOMPARE(loadConversationMedia(c3.value(), mono).error().code, ErrorCode::LimitExceeded);

        // FLAC goes through the same path (libsndfile), with 16-bit samples scaled to [-1, 1].
        SF_INFO flacInfo{};
        flacInfo.samplerate = 16000;
        flacInfo.channels = 1;
        flacInfo.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
        SNDFILE* ff = sf_open((dir / "f.flac").string().c_str(), SFM_WRITE, &flacInfo);
        QVERIFY(ff != nullptr);
        std::vector<short> pcm(800);
        for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<short>((i % 2) ? 16384 : -8192);
        QCOMPARE(sf_writef_short(ff, pcm.data(), 800), sf_count_t(800));
        sf_close(ff);
        writeText((dir / "f.json").string(), R"({"format":"weft-conversation","version":1,"messages":[{"role":"user",)"
                                             R"("segments":[{"audio":"f.flac"}]}]})");
        Result<Conversation> cf = readConversationFile((dir / "f.json").string());
        QVERIFY(cf.ok());
        QVERIFY(loadConversationMedia(cf.value()).ok());
        const AudioClip& flac = cf.value().messages[0].segments[0].audio;
        QCOMPARE(flac.sampleRate, 16000);
        QCOMPARE(flac.samples.size(), std::size_t(800));
        QCOMPARE(flac.samples[0], -0.25f);
        QCOMPARE(flac.samples[1], 0.5f);

        writeText((dir / "s.wav").string(), "RIFF....WAVEfmt garbage");
        Result<Conversation> c4 = readConversationFile((dir / "c.json").string());
        const Result<void> bad = loadConversationMedia(c4.value());
        QCOMPARE(bad.error().code, ErrorCode::Format);
        QVERIFY(bad.error().message.find("s.wav") != std::string::npos);
        fs::remove(dir / "a.png");
        Result<Conversation> c5 = readConversationFile((dir / "c.json").string());
        const Result<void> missing = loadConversationMedia(c5.value());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(missing.error().message.find("a.png") != std::string::npos);
    }

    // ---------------------------------------------------------------- media
    void pngRoundTripAndAlpha() {
        const Image img = checkerImage(13, 7);
        QVERIFY(saveImagePng(img, tmp("img.png")).ok());
        const Result<Image> back = loadImageFile(tmp("img.png"));
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QVERIFY(back.value() == img);
        const std::string bytes = readText(tmp("img.png"));
        const Result<Image> mem = decodeImage(Bytes(bytes.begin(), bytes.end()));
        QVERIFY(mem.ok() && mem.value() == img);

        QCOMPARE(saveImagePng(Image{}, tmp("empty.png")).error().code, ErrorCode::InvalidArgument);
        Image broken = img;
        broken.rgb.pop_back();
        QCOMPARE(saveImagePng(broken, tmp("broken.png")).error().code, ErrorCode::InvalidArgument);
    }

    void imageRefusals() {
        QCOMPARE(loadImageFile(tmp("none.png")).error().code, ErrorCode::NotFound);
        const std::string bytes = readText(tmp("img.png"));
        // Truncated PNG: the header is intact but the pixel data is cut.
        const Result<Image> cut = decodeImage(Bytes(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2)));
        QCOMPARE(cut.error().code, ErrorCode::Format);
        QVERIFY2(cut.error().message.find("truncated") != std::string::npos, cut.error().message.c_str());
        // A flipped byte inside the pixel data is caught by the chunk CRC before decoding.
        Bytes flipped(bytes.begin(), bytes.end());
        flipped[flipped.size() - 20] ^= 0x40;
        const Result<Image> corrupt = decodeImage(flipped);
        QCOMPARE(corrupt.error().code, ErrorCode::Format);
        QVERIFY2(corrupt.error().message.find("CRC") != std::string::npos, corrupt.error().message.c_str());
        QCOMPARE(decodeImage(Bytes(bytes.begin(), bytes.begin() + 20)).error().code, ErrorCode::Format);
        QCOMPARE(decodeImage(Bytes{}).error().code, ErrorCode::Format);
        const std::string text = "hello, not an image";
        QCOMPARE(decodeImage(Bytes(text.begin(), text.end())).error().code, ErrorCode::Format);

        // Huge dimensions are refused from the header, before any decoder runs: the bytes after
        // IHDR are not valid PNG at all, so a decode attempt would report Format instead.
        const Result<Image> huge = decodeImage(pngHeaderWithSize(100000, 100000));
        QCOMPARE(huge.error().code, ErrorCode::LimitExceeded);
        QVERIFY(huge.error().message.find("100000x100000") != std::string::npos);
        MediaLimits small;
        small.maxPixels = 50;
        QCOMPARE(loadImageFile(tmp("img.png"), small).error().code, ErrorCode::LimitExceeded);
        MediaLimits tinyFile;
        tinyFile.maxFileBytes = 10;
        QCOMPARE(loadImageFile(tmp("img.png"), tinyFile).error().code, ErrorCode::LimitExceeded);
        QCOMPARE(decodeImage(pngHeaderWithSize(0, 10)).error().code, ErrorCode::Format);

        // Other containers' headers are read too: a JPEG SOF, a BMP and a WebP VP8X claiming
        // enormous sizes.
        Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0};
        QCOMPARE(decodeImage(jpeg).error().code, ErrorCode::LimitExceeded);
        Bytes bmp(54, 0);
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[14] = 40;
        bmp[20] = 0x10; // width 0x100000
        bmp[24] = 0x10; // height 0x100000
        QCOMPARE(decodeImage(bmp).error().code, ErrorCode::LimitExceeded);
        Bytes webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
                      0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        QCOMPARE(decodeImage(webp).error().code, ErrorCode::LimitExceeded);
    }

    void jpegDecodesAndTruncatedJpegIsRefused() {
        // A flat colour survives JPEG almost exactly; OpenCV writes the file (BGR order).
        cv::Mat bgr(16, 24, CV_8UC3, cv::Scalar(40, 170, 50));
        std::vector<std::uint8_t> jpg;
        QVERIFY(cv::imencode(".jpg", bgr, jpg));
        const Result<Image> img = decodeImage(jpg);
        QVERIFY2(img.ok(), img.ok() ? "" : img.error().message.c_str());
        QCOMPARE(img.value().width, 24);
        QCOMPARE(img.value().height, 16);
        const std::uint8_t* p = img.value().pixel(5, 5);
        QVERIFY(std::abs(p[0] - 50) <= 3 && std::abs(p[1] - 170) <= 3 && std::abs(p[2] - 40) <= 3);
        Bytes withTrailer = jpg;
        withTrailer.insert(withTrailer.end(), {0, 1, 2, 3});
        QVERIFY(decodeImage(withTrailer).ok());
        const Result<Image> cut = decodeImage(Bytes(jpg.begin(), jpg.end() - 10));
        QCOMPARE(cut.error().code, ErrorCode::Format);
        QVERIFY2(cut.error().message.find("truncated") != std::string::npos, cut.error().message.c_str());
    }

    void webpDecodesLosslessAndWithAlpha() {
        // Lossless WebP (quality above 100) must come back pixel-exact, in RGB order.
        cv::Mat bgr(6, 5, CV_8UC3, cv::Scalar(40, 170, 50));
        bgr.at<cv::Vec3b>(2, 3) = cv::Vec3b(200, 10, 30);
        std::vector<std::uint8_t> webp;
        QVERIFY(cv::imencode(".webp", bgr, webp, {cv::IMWRITE_WEBP_QUALITY, 101}));
        const Result<Image> img = decodeImage(webp);
        QVERIFY2(img.ok(), img.ok() ? "" : img.error().message.c_str());
        QCOMPARE(img.value().width, 5);
        QCOMPARE(img.value().height, 6);
        QCOMPARE(int(img.value().pixel(0, 0)[0]), 50);
        QCOMPARE(int(img.value().pixel(0, 0)[1]), 170);
        QCOMPARE(int(img.value().pixel(3, 2)[0]), 30);
        QCOMPARE(int(img.value().pixel(3, 2)[2]), 200);
        // A transparent pixel lands on white, as in every other format with alpha.
        cv::Mat bgra(4, 4, CV_8UC4, cv::Scalar(0, 0, 255, 255));
        bgra.at<cv::Vec4b>(1, 1) = cv::Vec4b(0, 0, 0, 0);
        QVERIFY(cv::imencode(".webp", bgra, webp, {cv::IMWRITE_WEBP_QUALITY, 101}));
        const Result<Image> alpha = decodeImage(webp);
        QVERIFY2(alpha.ok(), alpha.ok() ? "" : alpha.error().message.c_str());
        QCOMPARE(int(alpha.value().pixel(0, 0)[0]), 255);
        QCOMPARE(int(alpha.value().pixel(1, 1)[1]), 255);
        QCOMPARE(decodeImage(Bytes(webp.begin(), webp.end() - 8)).error().code, ErrorCode::Format);
    }

    void resizeNearestIsExact() {
        const Image src = checkerImage(8, 8);
        const Image up = resizeNearest(src, 64, 64);
        QCOMPARE(up.width, 64);
        QCOMPARE(up.height, 64);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) QVERIFY(std::memcmp(up.pixel(x, y), src.pixel(x / 8, y / 8), 3) == 0);
        const Image down = resizeNearest(up, 8, 8);
        QVERIFY(down == src);
        const Image same = resizeNearest(src, 8, 8);
        QVERIFY(same == src);
        QVERIFY(resizeNearest(src, 0, 5).empty());
        QVERIFY(resizeNearest(Image{}, 4, 4).empty());

        // Area averaging: a 2x2 block of 0 and 255 values shrinks to their mean.
        Image blocks;
        blocks.width = 2;
        blocks.height = 2;
        blocks.rgb = {0, 0, 0, 200, 200, 200, 100, 100, 100, 100, 100, 100};
        const Image one = resizeArea(blocks, 1, 1);
        QCOMPARE(one.width, 1);
        QCOMPARE(int(one.rgb[0]), 100);
        const Image area = resizeArea(checkerImage(128, 96), 64, 48);
        QCOMPARE(area.width, 64);
        QCOMPARE(area.rgb.size(), std::size_t(64 * 48 * 3));
    }

    // ---------------------------------------------------------------- fixtures made outside the engine
    void fixturesFromIndependentWriters() {
        const std::string dir = std::string(WEFT_TEST_DATA_DIR) + "/formats/";
        // Written by a Python script following the reference layout (sorted compact JSON).
        const SafetensorsFile st = SafetensorsFile::read(dir + "reference.safetensors");
        QCOMPARE(st.tensors().size(), std::size_t(4));
        QCOMPARE(st.metadata().at("source"), std::string("hand-written fixture"));
        const TensorView& w = st.at("weight");
        QCOMPARE(w.shape, (std::vector<std::int64_t>{2, 2}));
        float wv[4];
        std::memcpy(wv, st.data(w), sizeof wv);
        QCOMPARE(wv[1], -2.0f);
        QCOMPARE(wv[3], 3.0f);
        std::int64_t ids[3];
        std::memcpy(ids, st.data(st.at("ids")), sizeof ids);
        QCOMPARE(ids[2], std::int64_t(1) << 40);
        QCOMPARE(int(st.data(st.at("mask"))[3]), 255);

        // PNGs written with zlib by hand: RGB, RGBA (alpha composited on white) and grey.
        const Result<Image> rgba = loadImageFile(dir + "rgba.png");
        QVERIFY(rgba.ok());
        QCOMPARE(rgba.value().width, 3);
        QCOMPARE(rgba.value().rgb, (std::vector<std::uint8_t>{40, 80, 220, 255, 255, 255, 127, 127, 127}));
        const Result<Image> gray = loadImageFile(dir + "gray.png");
        QVERIFY(gray.ok());
        QCOMPARE(gray.value().rgb, (std::vector<std::uint8_t>{0, 0, 0, 255, 255, 255, 100, 100, 100, 200, 200, 200}));

        Result<Conversation> conv = readConversationFile(dir + "conversation/conversation.json");
        QVERIFY2(conv.ok(), conv.ok() ? "" : conv.error().message.c_str());
        QVERIFY(loadConversationMedia(conv.value()).ok());
        const Message& user = conv.value().messages[0];
        QCOMPARE(user.segments[0].image.width, 3);
        QCOMPARE(int(user.segments[0].image.pixel(2, 0)[2]), 220);
        QCOMPARE(int(user.segments[0].image.pixel(2, 1)[0]), 128);
        const AudioClip& tone = user.segments[1].audio;
        QCOMPARE(tone.sampleRate, 8000);
        QCOMPARE(tone.samples.size(), std::size_t(2000));
        const double expected = std::trunc(16384 * std::sin(2 * M_PI * 440 * 3 / 8000.0)) / 32768.0;
        QVERIFY(std::abs(tone.samples[3] - expected) < 1e-6);
        QCOMPARE(conv.value().messages[1].meta->seed, std::uint64_t(7));
        QVERIFY(conv.value().messages[1].segments[0].retrieved);
    }

    // ---------------------------------------------------------------- atomic writes
    void writeFileAtomicReplacesOrLeavesIntact() {
        const std::string path = tmp("doc.json");
        QVERIFY(writeFileAtomic(path, "first").ok());
        QCOMPARE(readText(path), std::string("first"));
        QVERIFY(writeFileAtomic(path, "second").ok());
        QCOMPARE(readText(path), std::string("second"));
        // No temporary files are left behind.
        int entries = 0;
        for (const auto& e : fs::directory_iterator(m_tmp.path().toStdString()))
            entries += e.path().filename().string().find(".tmp-") != std::string::npos;
        QCOMPARE(entries, 0);

        // Failure: the target's folder is a regular file (fails even for root), and the target is
        // a folder (rename cannot replace it); the previous contents stay untouched.
        writeText(tmp("plainfile"), "x");
        const Result<void> r1 = writeFileAtomic(tmp("plainfile") + "/doc.json", "data");
        QCOMPARE(r1.error().code, ErrorCode::Io);
        QVERIFY(r1.error().message.find("plainfile") != std::string::npos);
        fs::create_directories(tmp("adir"));
        writeText(tmp("adir") + "/keep.txt", "precious");
        const Result<void> r2 = writeFileAtomic(tmp("adir"), "data");
        QCOMPARE(r2.error().code, ErrorCode::Io);
        QCOMPARE(readText(tmp("adir") + "/keep.txt"), std::string("precious"));
        QVERIFY(fs::is_directory(tmp("adir")));
        QCOMPARE(readText(path), std::string("second"));
        QCOMPARE(writeFileAtomic("", "x").error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestFormats)
#include "test_formats.moc"
