#include "tokenizer.h"

#include <filesystem>
#include <fstream>
#include <unordered_map>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "errors.h"
#include "weft/conversation.h"

namespace weft {

namespace {

constexpr std::uintmax_t kMaxModelBytes = 16u << 20;
constexpr std::size_t kMaxEncodeBytes = 64u << 10;

// Feeds the caller's sentences to the trainer without a temporary corpus file.
class VectorSentenceIterator : public sentencepiece::SentenceIterator {
public:
    explicit VectorSentenceIterator(const std::vector<std::string>& s) : m_sentences(s) {}
    bool done() const override { return m_index >= m_sentences.size(); }
    void Next() override { ++m_index; }
    const std::string& value() const override { return m_sentences[m_index]; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    const std::vector<std::string>& m_sentences;
    std::size_t m_index = 0;
};

} // namespace

struct Tokenizer::Impl {
    sentencepiece::SentencePieceProcessor processor;
    std::string serialized;
};

Tokenizer::Tokenizer() : m_impl(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const std::string& path, const VocabLayout& layout) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw NotFoundError("file '" + path + "' does not exist");
    const auto size = fs::file_size(path, ec);
    if (ec) throw IoError("cannot read the size of '" + path + "': " + ec.message());
    if (size > kMaxModelBytes)
        throw LimitError("'" + path + "' is " + std::to_string(size) + " bytes, more than the cap of " +
                         std::to_string(kMaxModelBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open '" + path + "' for reading");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size)))
        throw IoError("cannot read '" + path + "'");
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
    Tokenizer t;
    const auto status = t.m_impl->processor.LoadFromSerializedProto(bytes);
    if (!status.ok())
        throw FormatError("tokenizer model: expected a sentencepiece model, found bytes it rejects (" +
                          status.ToString() + ")");
    const int pieces = t.m_impl->processor.GetPieceSize();
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

    // Every setting that could make two runs differ is pinned: one thread, no shuffling or
    // sampling of the input. bos/eos/pad are disabled because the vocabulary layout appends its
    // own special tokens (unk is piece 0). nmt_nfkc_cf folds case, so "Draw a RED circle" reads
    // like the lower-case world text. model_prefix is left out: the trainer refuses it together
    // with an in-memory output model.
    std::unordered_map<std::string, std::string> args = {
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
    auto runTrainer = [&](std::string& out) {
        VectorSentenceIterator it(sentences);
        const auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &out);
        if (!status.ok())
            throw ArgumentError("tokenizer training failed for vocabulary size " + std::to_string(vocabSize) +
                                " on " + std::to_string(sentences.size()) + " sentences: " + status.ToString());
        sentencepiece::SentencePieceProcessor check;
        if (!check.LoadFromSerializedProto(out).ok())
            throw ArgumentError("tokenizer training produced a model that does not load");
        return check.GetPieceSize();
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
        args["control_symbols"] = fillers;
        const int total = runTrainer(model);
        if (total != vocabSize)
            throw ArgumentError("tokenizer training produced " + std::to_string(total) + " pieces, expected " +
                                std::to_string(vocabSize) + " (" + std::to_string(learned) +
                                " learned from the corpus plus filler)");
    } else if (learned != vocabSize) {
        throw ArgumentError("tokenizer training produced " + std::to_string(learned) + " pieces, expected " +
                            std::to_string(vocabSize));
    }

    Result<void> written = writeFileAtomic(outPrefix + ".model", model);
    if (!written) throw IoError(written.error().message);
    std::error_code ec;
    std::filesystem::remove(outPrefix + ".vocab", ec); // only present if the trainer wrote one
}

std::vector<int> Tokenizer::encode(const std::string& text) const {
    if (text.size() > kMaxEncodeBytes)
        throw LimitError("text of " + std::to_string(text.size()) + " bytes exceeds the tokenizer cap of " +
                         std::to_string(kMaxEncodeBytes));
    std::vector<int> ids;
    const auto status = m_impl->processor.Encode(text, &ids);
    if (!status.ok()) throw FormatError("tokenizer could not encode text: " + status.ToString());
    return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
    std::vector<int> text;
    text.reserve(ids.size());
    for (int id : ids)
        if (id >= 0 && id < m_layout.textVocab) text.push_back(id);
    std::string out;
    const auto status = m_impl->processor.Decode(text, &out);
    if (!status.ok()) throw FormatError("tokenizer could not decode ids: " + status.ToString());
    return out;
}

const std::string& Tokenizer::serialized() const noexcept { return m_impl->serialized; }

} // namespace weft
