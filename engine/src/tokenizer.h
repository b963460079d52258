#pragma once
// Text tokenizer: a sentencepiece model for text pieces plus the special tokens of the
// vocabulary layout (which sentencepiece never produces).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model_config.h"

namespace weft {

class Tokenizer {
public:
    /// Loads tokenizer.model (size-capped at 16 MiB); throws FormatError for a bad or truncated
    /// file and ShapeError when its piece count differs from layout.textVocab.
    static Tokenizer load(const std::string& path, const VocabLayout& layout);
    /// Same from serialized model bytes.
    static Tokenizer fromBytes(const std::string& bytes, const VocabLayout& layout);

    /// Trains a sentencepiece model on `sentences` with exactly `vocabSize` pieces and writes
    /// `<outPrefix>.model`. Deterministic for the same input. Throws IoError/ArgumentError.
    static void train(const std::vector<std::string>& sentences, int vocabSize, const std::string& outPrefix);

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    /// Text -> piece ids (no specials). Input is capped at 64 KiB (LimitError beyond).
    std::vector<int> encode(const std::string& text) const;
    /// Ids -> text; special, compression and image ids are skipped.
    std::string decode(const std::vector<int>& ids) const;
    /// Serialized sentencepiece model (what tokenizer.model holds).
    const std::string& serialized() const noexcept;
    const VocabLayout& layout() const noexcept { return m_layout; }

private:
    Tokenizer();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    VocabLayout m_layout;
};

} // namespace weft
