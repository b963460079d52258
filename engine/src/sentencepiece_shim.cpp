#include "sentencepiece_shim.h"

#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

namespace {

class ArraySentenceIterator : public sentencepiece::SentenceIterator {
public:
    ArraySentenceIterator(const char* const* s, const std::size_t* sizes, std::size_t count)
        : m_sentences(s), m_sizes(sizes), m_count(count) { load(); }
    bool done() const override { return m_index >= m_count; }
    void Next() override { ++m_index; load(); }
    const std::string& value() const override { return m_current; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    void load() { if (m_index < m_count) m_current.assign(m_sentences[m_index], m_sizes[m_index]); }
    const char* const* m_sentences;
    const std::size_t* m_sizes;
    std::size_t m_count;
    std::size_t m_index = 0;
    std::string m_current;
};

void report(WeftSpmSink sink, void* context, const std::string& message) {
    if (sink) sink(context, message.data(), message.size());
}

} // namespace

// Exceptions must not unwind into the engine through a C interface, hence the catch-alls.
extern "C" {

int weft_spm_train(const char* const* sentences, const std::size_t* sizes, std::size_t count,
                   const char* const* keys, const char* const* values, std::size_t argCount,
                   WeftSpmSink model, void* modelContext, WeftSpmSink error, void* errorContext) {
    try {
        std::unordered_map<std::string, std::string> args;
        for (std::size_t i = 0; i < argCount; ++i) args[keys[i]] = values[i];
        ArraySentenceIterator it(sentences, sizes, count);
        std::string out;
        const auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &out);
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            return 1;
        }
        model(modelContext, out.data(), out.size());
        return 0;
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown failure in sentencepiece training");
    }
    return 1;
}

void* weft_spm_load(const char* bytes, std::size_t size, WeftSpmSink error, void* errorContext) {
    try {
        auto* p = new sentencepiece::SentencePieceProcessor();
        const auto status = p->LoadFromSerializedProto(std::string_view(bytes, size));
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            delete p;
            return nullptr;
        }
        return p;
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown failure loading a sentencepiece model");
    }
    return nullptr;
}

int weft_spm_piece_size(const void* processor) {
    return static_cast<const sentencepiece::SentencePieceProcessor*>(processor)->GetPieceSize();
}

int weft_spm_encode(const void* processor, const char* text, std::size_t size, WeftSpmSink ids, void* idsContext,
                    WeftSpmSink error, void* errorContext) {
    try {
        std::vector<int> out;
        const auto status =
            static_cast<const sentencepiece::SentencePieceProcessor*>(processor)->Encode(std::string_view(text, size), &out);
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            return 1;
        }
        ids(idsContext, out.data(), out.size() * sizeof(int));
        return 0;
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown failure in sentencepiece encoding");
    }
    return 1;
}

int weft_spm_decode(const void* processor, const int* ids, std::size_t count, WeftSpmSink text, void* textContext,
                    WeftSpmSink error, void* errorContext) {
    try {
        std::string out;
        const auto status = static_cast<const sentencepiece::SentencePieceProcessor*>(processor)->Decode(
            std::vector<int>(ids, ids + count), &out);
        if (!status.ok()) {
            report(error, errorContext, status.ToString());
            return 1;
        }
        text(textContext, out.data(), out.size());
        return 0;
    } catch (const std::exception& e) {
        report(error, errorContext, e.what());
    } catch (...) {
        report(error, errorContext, "unknown failure in sentencepiece decoding");
    }
    return 1;
}

void weft_spm_free(void* processor) { delete static_cast<sentencepiece::SentencePieceProcessor*>(processor); }

} // extern "C"
