#include "tokenizer.h"

#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include <dlfcn.h>

#include "errors.h"
#include "file_io.h"
#include "sentencepiece_shim.h"
#include "weft/conversation.h"

#ifndef WEFT_SPM_BUILD_PATH
#define WEFT_SPM_BUILD_PATH ""
#endif
#ifndef WEFT_SPM_INSTALL_PATH
#define WEFT_SPM_INSTALL_PATH ""
#endif

// GCC announces AddressSanitizer with __SANITIZE_ADDRESS__, clang only through __has_feature;
// missing the clang spelling makes ASan abort the process at the RTLD_DEEPBIND dlopen below.
#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif

namespace weft {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxModelBytes = 16u << 20;
constexpr std::size_t kMaxEncodeBytes = 64u << 10;
constexpr const char* kShimName = "libweft_sentencepiece.so";

// Entry points of libweft_sentencepiece (see sentencepiece_shim.h for why it is a module).
struct SpmApi {
    decltype(&weft_spm_train) train = nullptr;
    decltype(&weft_spm_load) load = nullptr;
    decltype(&weft_spm_piece_size) pieceSize = nullptr;
    decltype(&weft_spm_encode) encode = nullptr;
    decltype(&weft_spm_decode) decode = nullptr;
    decltype(&weft_spm_free) free = nullptr;
    std::string error; ///< why the module could not be loaded; empty when it was
};

std::vector<std::string> shimCandidates() {
    std::vector<std::string> out;
    if (const char* env = std::getenv("WEFT_SENTENCEPIECE_MODULE"); env && *env) out.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        out.push_back((exe.parent_path() / kShimName).string());
        out.push_back((exe.parent_path().parent_path() / "lib" / "weft" / kShimName).string());
    }
    if (*WEFT_SPM_BUILD_PATH) out.emplace_back(WEFT_SPM_BUILD_PATH);
    if (*WEFT_SPM_INSTALL_PATH) out.emplace_back(WEFT_SPM_INSTALL_PATH);
    return out;
}

const SpmApi& spm() {
    static SpmApi api;
    static std::once_flag once;
    std::call_once(once, [] {
        void* handle = nullptr;
        std::string tried;
        for (const std::string& path : shimCandidates()) {
            std::error_code ec;
            if (!fs::exists(path, ec)) {
                tried += " " + path;
                continue;
            }
            // sentencepiece must resolve the protobuf symbols it bundles to its own copy, not to
            // the incompatible protobuf already loaded by libtorch. RTLD_DEEPBIND does that, but
            // AddressSanitizer refuses it; sanitizer builds use a separate link namespace instead
            // (the module is built without instrumentation for that reason).
#if defined(WEFT_ASAN)
            handle = ::dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
            handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
            if (handle) break;
            const char* why = ::dlerror();
            tried += " " + path + " (" + (why ? why : "unknown error") + ")";
        }
        if (!handle) {
            api.error = std::string("the tokenizer module ") + kShimName + " was not found; looked in:" + tried;
            return;
        }
        auto sym = [&](const char* name) {
            void* p = ::dlsym(handle, name);
            if (!p && api.error.empty()) api.error = std::string("the tokenizer module lacks ") + name;
            return p;
        };
        api.train = reinterpret_cast<decltype(api.train)>(sym("weft_spm_train"));
        api.load = reinterpret_cast<decltype(api.load)>(sym("weft_spm_load"));
        api.pieceSize = reinterpret_cast<decltype(api.pieceSize)>(sym("weft_spm_piece_size"));
        api.encode = reinterpret_cast<decltype(api.encode)>(sym("weft_spm_encode"));
        api.decode = reinterpret_cast<decltype(api.decode)>(sym("weft_spm_decode"));
        api.free = reinterpret_cast<decltype(api.free)>(sym("weft_spm_free"));
    });
    if (!api.error.empty()) throw EngineError(ErrorCode::Internal, api.error);
    return api;
}

void appendToString(void* context, const void* data, std::size_t size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}

void assignInts(void* context, const void* data, std::size_t size) {
    auto* out = static_cast<std::vector<int>*>(context);
    out->resize(size / sizeof(int));
    if (size > 0) std::memcpy(out->data(), data, out->size() * sizeof(int));
}

} // namespace

struct Tokenizer::Impl {
    void* processor = nullptr;
    std::string serialized;
    ~Impl() {
        if (processor) spm().free(processor);
    }
};

Tokenizer::Tokenizer() : m_impl(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const std::string& path, const VocabLayout& layout) {
    std::string bytes;
    readFileCapped(path, kMaxModelBytes, "tokenizer model", bytes);
    try {
        return fromBytes(bytes, layout);
    } catch (const ShapeError& e) {
        throw ShapeError(path + ": " + e.what());
    } catch (const FormatError& e) {
        throw FormatError(path + ": " + e.what());
    }
}

Tokenizer Tokenizer::fromBytes(const std::string& bytes, const VocabLayout& layout) {
    if (bytes.size() > kMaxModelBytes)
        throw LimitError("tokenizer model: " + std::to_string(bytes.size()) + " bytes, more than the cap of " +
                         std::to_string(kMaxModelBytes));
    if (bytes.empty()) throw FormatError("tokenizer model: expected a sentencepiece model, found an empty file");
    const SpmApi& api = spm();
    Tokenizer t;
    std::string error;
    t.m_impl->processor = api.load(bytes.data(), bytes.size(), appendToString, &error);
    if (!t.m_impl->processor)
        throw FormatError("tokenizer model: expected a sentencepiece model, found bytes it rejects (" + error + ")");
    const int pieces = api.pieceSize(t.m_impl->processor);
    if (pieces != layout.textVocab)
        throw ShapeError("tokenizer model: has " + std::to_string(pieces) + " pieces, config.json text_vocab is " +
                         std::to_string(layout.textVocab));
    t.m_impl->serialized = bytes;
    t.m_layout = layout;
    return t;
}

void Tokenizer::train(const std::vector<std::string>& sentences, int vocabSize, const std::string& outPrefix) {
    if (vocabSize < 8 || vocabSize > 65536)
        throw ArgumentError("tokenizer training: vocabulary size must be in [8, 65536], found " +
                            std::to_string(vocabSize));
    if (sentences.empty()) throw ArgumentError("tokenizer training: expected a corpus, found no sentences");
    if (outPrefix.empty()) throw ArgumentError("tokenizer training: empty output prefix");
    const SpmApi& api = spm();

    // Every setting that could make two runs differ is pinned: one thread, no shuffling or
    // sampling of the input. bos/eos/pad are disabled because the vocabulary layout appends its
    // own special tokens (unk is piece 0). nmt_nfkc_cf folds case, so "Draw a RED circle" reads
    // like the lower-case world text. model_prefix is left out: the trainer refuses it together
    // with an in-memory output model.
    std::vector<std::pair<std::string, std::string>> args = {
        {"model_type", "unigram"},
        {"vocab_size", std::to_string(vocabSize)},
        {"hard_vocab_limit", "false"},
        {"character_coverage", "1.0"},
        {"normalization_rule_name", "nmt_nfkc_cf"},
        {"shuffle_input_sentence", "false"},
        {"input_sentence_size", "0"},
        {"num_threads", "1"},
        {"unk_id", "0"},
        {"bos_id", "-1"},
        {"eos_id", "-1"},
        {"pad_id", "-1"},
        {"minloglevel", "2"},
    };
    std::vector<const char*> texts;
    std::vector<std::size_t> sizes;
    for (const std::string& s : sentences) {
        texts.push_back(s.data());
        sizes.push_back(s.size());
    }
    auto runTrainer = [&](std::string& out) {
        std::vector<const char*> keys, values;
        for (const auto& [k, v] : args) {
            keys.push_back(k.c_str());
            values.push_back(v.c_str());
        }
        std::string error;
        out.clear();
        if (api.train(texts.data(), sizes.data(), texts.size(), keys.data(), values.data(), keys.size(),
                      appendToString, &out, appendToString, &error) != 0)
            throw ArgumentError("tokenizer training failed for vocabulary size " + std::to_string(vocabSize) +
                                " on " + std::to_string(sentences.size()) + " sentences: " + error);
        void* check = api.load(out.data(), out.size(), appendToString, &error);
        if (!check) throw ArgumentError("tokenizer training produced a model that does not load: " + error);
        const int pieces = api.pieceSize(check);
        api.free(check);
        return pieces;
    };

    // A small language (the world's ~150 distinct pieces) cannot fill a larger vocabulary, and a
    // hard limit would then fail. So the first pass learns as many pieces as the corpus supports,
    // and the remainder is filled with control symbols, which encoding never produces: the model
    // has exactly vocabSize pieces and the learned ones are the same as without the filler.
    std::string model;
    const int learned = runTrainer(model);
    if (learned < vocabSize) {
        std::string fillers;
        for (int i = 0; i < vocabSize - learned; ++i)
            fillers += (i ? ",<unused" : "<unused") + std::to_string(i) + ">";
        args.emplace_back("control_symbols", fillers);
        const int total = runTrainer(model);
        if (total != vocabSize)
            throw ArgumentError("tokenizer training produced " + std::to_string(total) + " pieces, expected " +
                                std::to_string(vocabSize) + " (" + std::to_string(learned) +
                                " learned from the corpus plus filler)");
    } else if (learned != vocabSize) {
        throw ArgumentError("tokenizer training produced " + std::to_string(learned) + " pieces, expected " +
                            std::to_string(vocabSize));
    }

    writeBytesAtomic(outPrefix + ".model", model.data(), model.size());
    std::error_code ec;
    fs::remove(outPrefix + ".vocab", ec); // only present if a trainer wrote one
}

std::vector<int> Tokenizer::encode(const std::string& text) const {
    if (text.size() > kMaxEncodeBytes)
        throw LimitError("text of " + std::to_string(text.size()) + " bytes exceeds the tokenizer cap of " +
                         std::to_string(kMaxEncodeBytes));
    std::vector<int> ids;
    std::string error;
    if (spm().encode(m_impl->processor, text.data(), text.size(), assignInts, &ids, appendToString, &error) != 0)
        throw FormatError("tokenizer could not encode text: " + error);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
    std::vector<int> text;
    text.reserve(ids.size());
    for (int id : ids)
        if (id >= 0 && id < m_layout.textVocab) text.push_back(id);
    std::string out, error;
    if (spm().decode(m_impl->processor, text.data(), text.size(), appendToString, &out, appendToString, &error) != 0)
        throw FormatError("tokenizer could not decode ids: " + error);
    return out;
}

const std::string& Tokenizer::serialized() const noexcept { return m_impl->serialized; }

} // namespace weft
