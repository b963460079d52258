#include "model_config.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "file_io.h"
#include "strict_json.h"

namespace weft {

namespace {

using nlohmann::json;

constexpr std::uintmax_t kMaxConfigBytes = 1 << 20;

// Reads typed fields out of one JSON object, naming the dotted field path in every error.
class FieldReader {
public:
    FieldReader(const json& object, std::string prefix) : m_obj(object), m_prefix(std::move(prefix)) {}

    const json* find(const char* key) const {
        auto it = m_obj.find(key);
        return it == m_obj.end() ? nullptr : &*it;
    }
    std::string path(const char* key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }

    [[noreturn]] void fail(const char* key, const std::string& expected, const std::string& found) const {
        throw FormatError("config.json: field '" + path(key) + "' expected " + expected + ", found " + found);
    }

    void readInt(const char* key, int& out, long long lo, long long hi) const {
        const json* v = find(key);
        if (!v) return;
        const std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        if (!v->is_number_integer()) fail(key, expected, jsonTypeName(*v));
        if (v->is_number_unsigned()) {
            const auto u = v->get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(hi) || static_cast<long long>(u) < lo) fail(key, expected, v->dump());
            out = static_cast<int>(u);
        } else {
            const auto s = v->get<std::int64_t>();
            if (s < lo || s > hi) fail(key, expected, v->dump());
            out = static_cast<int>(s);
        }
    }

    // The lower bound is exclusive when `loOpen`, so that "must be positive" reads naturally.
    void readDouble(const char* key, double& out, double lo, double hi, bool loOpen) const {
        const json* v = find(key);
        if (!v) return;
        std::ostringstream range;
        range << "a number in " << (loOpen ? "(" : "[") << lo << ", " << hi << "]";
        if (!v->is_number()) fail(key, range.str(), jsonTypeName(*v));
        const double d = v->get<double>();
        if (!std::isfinite(d) || d > hi || d < lo || (loOpen && d == lo)) fail(key, range.str(), v->dump());
        out = d;
    }

    void readBool(const char* key, bool& out) const {
        const json* v = find(key);
        if (!v) return;
        if (!v->is_boolean()) fail(key, "true or false", jsonTypeName(*v));
        out = v->get<bool>();
    }

    void readName(const char* key, std::string& out) const {
        const json* v = find(key);
        if (!v) return;
        if (!v->is_string()) fail(key, "a string", jsonTypeName(*v));
        const std::string& s = v->get_ref<const std::string&>();
        if (s.empty() || s.size() > 128) fail(key, "1 to 128 bytes", std::to_string(s.size()) + " bytes");
        for (unsigned char c : s)
            if (c < 0x20 || c == 0x7F) fail(key, "no control characters", "byte " + std::to_string(c));
        out = s;
    }

    // A missing section keeps every default; a present one must be an object.
    FieldReader section(const char* key) const {
        static const json kEmpty = json::object();
        const json* v = find(key);
        if (!v) return FieldReader(kEmpty, path(key));
        if (!v->is_object()) fail(key, "an object", jsonTypeName(*v));
        return FieldReader(*v, path(key));
    }

private:
    const json& m_obj;
    std::string m_prefix;
};

// The config schema: one table per section of its scalar fields (JSON key, member, range,
// when it is written). Reading and writing both walk these tables, so a field added here is
// parsed, validated and serialised alike. Fields that are not scalars (codec kind, FSQ
// levels, palette) and the checks between fields are written out below.
enum class Written { Always, IfTrue };

template <class Section>
struct ScalarField {
    const char* key;
    std::variant<int Section::*, double Section::*, bool Section::*> member;
    double lo = 0;
    double hi = 0;
    bool loOpen = false;           // doubles: the lower bound is excluded ("must be positive")
    Written written = Written::Always;
};

const ScalarField<TransformerConfig> kTransformerFields[] = {
    {"d_model", &TransformerConfig::dModel, 8, 16384},
    {"layers", &TransformerConfig::layers, 1, 256},
    {"heads", &TransformerConfig::heads, 1, 256},
    {"d_ff", &TransformerConfig::dFf, 1, 262144},
    {"context_length", &TransformerConfig::contextLength, 16, 1 << 16},
    {"rope_theta", &TransformerConfig::ropeTheta, 1.0, 1e9},
    {"norm_eps", &TransformerConfig::normEps, 0.0, 0.1, true},
    {"image_positions", &TransformerConfig::imagePositions, 0, 0, false, Written::IfTrue},
    {"factored_image_codes", &TransformerConfig::factoredImageCodes, 0, 0, false, Written::IfTrue},
};

// After "kind", "fsq_levels" and "palette" (read and written by hand).
const ScalarField<CodecConfig> kCodecFields[] = {
    {"image_size", &CodecConfig::imageSize, 8, 1024},
    {"grid", &CodecConfig::grid, 1, 256},
    {"dictionary_size", &CodecConfig::dictionarySize, 1, 65536},
    {"encoder_hidden", &CodecConfig::encoderHidden, 1, 65536},
    {"decoder_dim", &CodecConfig::decoderDim, 8, 16384},
    {"decoder_layers", &CodecConfig::decoderLayers, 1, 64},
    {"decoder_heads", &CodecConfig::decoderHeads, 1, 256},
    {"margin_background", &CodecConfig::marginBackground, 0, 0, false, Written::IfTrue},
    {"decoder_code_embedding", &CodecConfig::decoderCodeEmbedding, 0, 0, false, Written::IfTrue},
};

const ScalarField<AudioConfig> kAudioFields[] = {
    {"enabled", &AudioConfig::enabled},
    {"sample_rate", &AudioConfig::sampleRate, 8000, 192000},
    {"max_seconds", &AudioConfig::maxSeconds, 0.0, 60.0, true},
    {"mel_bins", &AudioConfig::melBins, 1, 256},
    {"hop_length", &AudioConfig::hopLength, 1, 65536},
    {"window_length", &AudioConfig::windowLength, 16, 65536},
    {"fft_size", &AudioConfig::fftSize, 16, 65536},
    {"encoder_channels", &AudioConfig::encoderChannels, 1, 4096},
    {"frames_per_token", &AudioConfig::framesPerToken, 1, 64},
};

const ScalarField<RetrievalConfig> kRetrievalFields[] = {
    {"embed_dim", &RetrievalConfig::embedDim, 0, 4096},
};

template <class Section, std::size_t N>
void readFields(const FieldReader& r, Section& section, const ScalarField<Section> (&fields)[N]) {
    for (const auto& f : fields) {
        if (auto m = std::get_if<int Section::*>(&f.member))
            r.readInt(f.key, section.**m, static_cast<long long>(f.lo), static_cast<long long>(f.hi));
        else if (auto d = std::get_if<double Section::*>(&f.member))
            r.readDouble(f.key, section.**d, f.lo, f.hi, f.loOpen);
        else
            r.readBool(f.key, section.*std::get<bool Section::*>(f.member));
    }
}

template <class Section, std::size_t N>
void writeFields(nlohmann::ordered_json& out, const Section& section, const ScalarField<Section> (&fields)[N]) {
    for (const auto& f : fields) {
        if (auto m = std::get_if<int Section::*>(&f.member))
            out[f.key] = section.**m;
        else if (auto d = std::get_if<double Section::*>(&f.member))
            out[f.key] = section.**d;
        else if (const bool b = section.*std::get<bool Section::*>(f.member); b || f.written == Written::Always)
            out[f.key] = b;
    }
}

void readTransformer(const FieldReader& r, TransformerConfig& t) {
    readFields(r, t, kTransformerFields);
    if (t.dModel % t.heads != 0)
        r.fail("heads", "a divisor of d_model " + std::to_string(t.dModel), std::to_string(t.heads));
    // Rotary embeddings rotate pairs of channels, so every head needs an even width.
    if ((t.dModel / t.heads) % 2 != 0)
        r.fail("heads", "an even head width d_model/heads for rotary positions",
               "width " + std::to_string(t.dModel / t.heads));
}

void readCodecKind(const FieldReader& r, CodecConfig& c) {
    const json* kind = r.find("kind");
    if (!kind) return;
    const std::string found = kind->is_string() ? "\"" + kind->get<std::string>() + "\"" : jsonTypeName(*kind);
    if (found == "\"fsq\"")
        c.kind = CodecKind::Fsq;
    else if (found == "\"patch_dictionary\"")
        c.kind = CodecKind::PatchDictionary;
    else
        r.fail("kind", "\"fsq\" or \"patch_dictionary\"", found.substr(0, 80));
}

void readFsqLevels(const FieldReader& r, CodecConfig& c) {
    const json* levels = r.find("fsq_levels");
    if (!levels) return;
    if (!levels->is_array() || levels->empty() || levels->size() > 16)
        r.fail("fsq_levels", "an array of 1 to 16 integers", levels->dump().substr(0, 80));
    std::vector<int> parsed;
    long long product = 1;
    for (const json& l : *levels) {
        if (!l.is_number_integer() || l.get<long long>() < 2 || l.get<long long>() > 64)
            r.fail("fsq_levels", "integers in [2, 64]", jsonTypeName(l));
        parsed.push_back(l.get<int>());
        product *= parsed.back();
        if (product > 65536)
            r.fail("fsq_levels", "a product (codebook size) of at most 65536", "a product of " + std::to_string(product) + " or more");
    }
    c.fsqLevels = std::move(parsed);
}

void readPalette(const FieldReader& r, CodecConfig& c) {
    const json* pal = r.find("palette");
    if (!pal) return;
    if (!pal->is_array()) r.fail("palette", "an array of [r, g, b] entries", jsonTypeName(*pal));
    if (pal->size() == 1 || pal->size() > 256)
        r.fail("palette", "0 or 2 to 256 entries", std::to_string(pal->size()) + " entries");
    std::vector<std::array<std::uint8_t, 3>> parsed;
    for (std::size_t i = 0; i < pal->size(); ++i) {
        const json& e = (*pal)[i];
        const std::string what = "entry " + std::to_string(i) + " = " + e.dump().substr(0, 60);
        if (!e.is_array() || e.size() != 3) r.fail("palette", "entries of 3 integers [r, g, b]", what);
        std::array<std::uint8_t, 3> rgb{};
        for (std::size_t k = 0; k < 3; ++k) {
            const json& ch = e[k];
            if (!ch.is_number_integer() || ch.get<long long>() < 0 || ch.get<long long>() > 255)
                r.fail("palette", "channel values in [0, 255]", what);
            rgb[k] = static_cast<std::uint8_t>(ch.get<int>());
        }
        parsed.push_back(rgb);
    }
    c.palette = std::move(parsed);
}

void readCodec(const FieldReader& r, CodecConfig& c) {
    readCodecKind(r, c);
    readFsqLevels(r, c);
    readPalette(r, c);
    readFields(r, c, kCodecFields);
    if (c.grid > c.imageSize || c.imageSize % c.grid != 0)
        r.fail("grid", "a divisor of image_size " + std::to_string(c.imageSize), std::to_string(c.grid));
    if (c.marginBackground && c.palette.empty())
        r.fail("margin_background", "a palette (the background is found among palette colours)", "no palette");
    if (c.marginBackground && c.grid < 3)
        r.fail("margin_background", "a grid of at least 3 (a ring of patches around the inside)",
               "grid " + std::to_string(c.grid));
    if (c.kind == CodecKind::PatchDictionary && c.palette.empty())
        r.fail("kind", "a palette for a patch dictionary (patches are palette indices)", "no palette");
    if (c.decoderDim % c.decoderHeads != 0)
        r.fail("decoder_heads", "a divisor of decoder_dim " + std::to_string(c.decoderDim),
               std::to_string(c.decoderHeads));
}

void readAudio(const FieldReader& r, AudioConfig& a) {
    readFields(r, a, kAudioFields);
    if (a.fftSize < a.windowLength)
        r.fail("fft_size", "at least window_length " + std::to_string(a.windowLength), std::to_string(a.fftSize));
}

} // namespace

int CodecConfig::codebookSize() const {
    if (kind == CodecKind::PatchDictionary) return dictionarySize;
    long long p = 1;
    for (int l : fsqLevels) {
        p *= l;
        if (p > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
    }
    return static_cast<int>(p);
}

VocabLayout VocabLayout::make(int textVocab, int compressionTokens, int imageCodes) {
    if (textVocab <= 0 || compressionTokens < 0 || imageCodes < 0 ||
        static_cast<long long>(textVocab) + kSpecialCount + compressionTokens + imageCodes >
            std::numeric_limits<int>::max())
        throw ArgumentError("vocabulary layout: expected text vocab > 0 and non-negative counts, found text " +
                            std::to_string(textVocab) + ", compression " + std::to_string(compressionTokens) +
                            ", image " + std::to_string(imageCodes));
    VocabLayout v;
    v.textVocab = textVocab;
    int next = textVocab;
    v.bos = next++;
    v.eos = next++;
    v.user = next++;
    v.assistant = next++;
    v.boi = next++;
    v.eoi = next++;
    v.boa = next++;
    v.eoa = next++;
    v.ret = next++;
    v.compressionBase = next;
    v.compressionCount = compressionTokens;
    next += compressionTokens;
    v.imageBase = next;
    v.imageCount = imageCodes;
    v.total = next + imageCodes;
    return v;
}

ModelConfig ModelConfig::parse(const std::string& text) {
    if (text.size() > kMaxConfigBytes)
        throw LimitError("config.json: " + std::to_string(text.size()) + " bytes, more than the cap of " +
                         std::to_string(kMaxConfigBytes));
    const json root = parseStrictJson(text, "config.json", 16);
    if (!root.is_object()) throw FormatError("config.json: expected a JSON object, found " + jsonTypeName(root));
    FieldReader r(root, "");

    const json* format = r.find("format");
    if (!format) throw FormatError("config.json: field 'format' is missing (expected \"weft-model\")");
    if (!format->is_string() || format->get_ref<const std::string&>() != kModelFormatName)
        r.fail("format", "\"weft-model\"", jsonTypeName(*format));

    const json* version = r.find("version");
    if (!version) throw FormatError("config.json: field 'version' is missing (expected 1)");
    if (!version->is_number_integer()) r.fail("version", "an integer", jsonTypeName(*version));
    if (version->is_number_unsigned() && version->get<std::uint64_t>() > static_cast<std::uint64_t>(kModelFormatVersion))
        throw VersionError("config.json version " + version->dump() + " is newer than this build supports (" +
                           std::to_string(kModelFormatVersion) + ")");
    if (version->get<std::int64_t>() < 1) r.fail("version", "1", version->dump());

    ModelConfig c;
    c.version = static_cast<int>(version->get<std::int64_t>());
    r.readName("name", c.name);
    if (const json* arch = r.find("architecture")) {
        if (!arch->is_string() || arch->get_ref<const std::string&>() != "weft-decoder")
            r.fail("architecture", "\"weft-decoder\"", jsonTypeName(*arch));
    }
    r.readInt("text_vocab", c.textVocab, 8, 65536);
    r.readInt("compression_tokens", c.compressionTokens, 0, 256);
    readTransformer(r.section("transformer"), c.transformer);
    readCodec(r.section("codec"), c.codec);
    readAudio(r.section("audio"), c.audio);
    readFields(r.section("retrieval"), c.retrieval, kRetrievalFields);
    c.vocab = VocabLayout::make(c.textVocab, c.compressionTokens, c.codec.codebookSize());
    if (c.transformer.factoredImageCodes && c.codec.kind != CodecKind::PatchDictionary)
        r.fail("transformer", "factored_image_codes only with codec.kind \"patch_dictionary\"", "codec.kind \"fsq\"");
    return c;
}

ModelConfig ModelConfig::read(const std::string& path) {
    std::string text;
    readFileCapped(path, kMaxConfigBytes, "config.json", text);
    try {
        return parse(text);
    } catch (const FormatError& e) {
        // parse() names the field; the caller also needs to know which model folder failed.
        throw FormatError(path + ": " + e.what());
    }
}

std::string ModelConfig::toJson() const {
    nlohmann::ordered_json j;
    j["format"] = kModelFormatName;
    j["version"] = version;
    j["name"] = name;
    j["architecture"] = architecture;
    j["text_vocab"] = textVocab;
    j["compression_tokens"] = compressionTokens;
    writeFields(j["transformer"], transformer, kTransformerFields);
    auto& c = j["codec"];
    if (codec.kind == CodecKind::PatchDictionary) c["kind"] = "patch_dictionary";
    c["fsq_levels"] = codec.fsqLevels;
    nlohmann::ordered_json palette = nlohmann::ordered_json::array();
    for (const auto& rgb : codec.palette) palette.push_back({rgb[0], rgb[1], rgb[2]});
    c["palette"] = std::move(palette);
    writeFields(c, codec, kCodecFields);
    writeFields(j["audio"], audio, kAudioFields);
    writeFields(j["retrieval"], retrieval, kRetrievalFields);
    return j.dump(2) + "\n";
}

} // namespace weft
