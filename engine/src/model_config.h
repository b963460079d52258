#pragma once
// config.json of a model folder: parsed, validated field by field, and the single source of
// the vocabulary layout and of every size. See MODEL_FORMAT.md for the field reference.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace weft {

constexpr int kModelFormatVersion = 1;
constexpr const char* kModelFormatName = "weft-model";

struct TransformerConfig {
    int dModel = 256;
    int layers = 6;
    int heads = 4;
    int dFf = 688;              ///< SwiGLU hidden width
    int contextLength = 1024;   ///< max tokens per sequence (rotary tables are built for this)
    double ropeTheta = 10000.0;
    double normEps = 1e-5;
    /// Adds a learned embedding per image cell (grid*grid rows) to each image code's input,
    /// on top of the rotary positions, so the model knows which cell a code is in.
    bool imagePositions = false;
    /// Input embedding and output row of each image code = free row + a row for its
    /// dictionary entry's mask + a row for its colour (patch-dictionary codecs only).
    bool factoredImageCodes = false;
};

/// How images become codes (config field codec.kind).
enum class CodecKind {
    Fsq,             ///< "fsq": learned per-patch encoder, FSQ codes, transformer decoder
    PatchDictionary, ///< "patch_dictionary": exact lookup of 8x8 palette patches (see patch_dictionary.h)
};

/// Image codec: 64x64 image -> grid x grid codes (patch = imageSize / grid pixels per side).
struct CodecConfig {
    CodecKind kind = CodecKind::Fsq;
    int imageSize = 64;
    int grid = 8;
    std::vector<int> fsqLevels{8, 5, 5, 5};   ///< codebook size = product
    /// Optional colour palette. When non-empty the codec reads one-hot palette indices and
    /// predicts palette logits per pixel; when empty it reads/writes RGB in [0, 1].
    std::vector<std::array<std::uint8_t, 3>> palette;
    int encoderHidden = 256;   ///< per-patch MLP encoder width
    int decoderDim = 192;      ///< decoder transformer width
    int decoderLayers = 3;
    int decoderHeads = 4;
    /// Palette configs only: the encoder reads the background from the outermost ring of
    /// patches; inside the ring, pixels of the background's colours reach it as "background"
    /// (an all-zero input), so inner codes carry only what sits on the background.
    bool marginBackground = false;
    /// The decoder adds a learned vector per code index (a codebook-sized table) to the
    /// linear projection of the code's FSQ values, so that codes whose values are close can
    /// still draw unrelated pixels.
    bool decoderCodeEmbedding = false;
    /// Patch dictionary only: number of entries (the codebook size); the build fills them
    /// by frequency and marks the rest unused. Requires a palette.
    int dictionarySize = 1152;

    int patch() const { return imageSize / grid; }
    int codebookSize() const;        ///< product of fsqLevels, or dictionarySize
    int pixelChannels() const { return palette.empty() ? 3 : static_cast<int>(palette.size()); }
};

struct AudioConfig {
    bool enabled = false;
    int sampleRate = 16000;
    double maxSeconds = 4.0;
    int melBins = 40;
    int hopLength = 320;        ///< samples per mel frame (20 ms)
    int windowLength = 400;     ///< samples per analysis window (25 ms, Hann)
    int fftSize = 512;          ///< FFT length (window zero-padded), >= windowLength
    int encoderChannels = 128;
    int framesPerToken = 4;     ///< encoder downsampling: mel frames per stream embedding
};

/// The retrieval head (MODEL_FORMAT.md, "Decoding"): after `ret`, the request's words and each
/// candidate picture's codes are projected to `embedDim` and matched. 0 = no head: the model
/// draws the picture it means after `ret` and the nearest candidate is returned.
struct RetrievalConfig {
    int embedDim = 0;
};

/// Token id layout: [0, textVocab) sentencepiece pieces, then the special tokens in this
/// order, then `compressionTokens` X-Prompt tokens, then the image codes.
struct VocabLayout {
    int textVocab = 0;
    int bos = 0, eos = 0, user = 0, assistant = 0, boi = 0, eoi = 0, boa = 0, eoa = 0, ret = 0;
    int compressionBase = 0;
    int compressionCount = 0;
    int imageBase = 0;
    int imageCount = 0;
    int total = 0;

    static constexpr int kSpecialCount = 9;
    /// Derives every id from the three sizes.
    static VocabLayout make(int textVocab, int compressionTokens, int imageCodes);
    bool isImageToken(int id) const { return id >= imageBase && id < imageBase + imageCount; }
    bool isCompressionToken(int id) const { return id >= compressionBase && id < compressionBase + compressionCount; }
};

/// Expected name, shape of one tensor (all tensors are F32 on disk unless noted).
struct TensorSpec {
    std::string name;
    std::vector<std::int64_t> shape;
};

struct ModelConfig {
    std::string name = "weft-tiny";
    std::string architecture = "weft-decoder";
    int version = kModelFormatVersion;
    TransformerConfig transformer;
    CodecConfig codec;
    AudioConfig audio;
    RetrievalConfig retrieval;
    int textVocab = 512;         ///< sentencepiece vocabulary size (must match tokenizer.model)
    int compressionTokens = 4;   ///< K of X-Prompt
    VocabLayout vocab;           ///< derived, not read from JSON

    /// Parses and validates JSON text; throws FormatError naming the field with expected and
    /// found values, VersionError for a future version. Unknown keys are ignored.
    static ModelConfig parse(const std::string& json);
    /// Reads a file (size-capped at 1 MiB) then parse(). Throws NotFoundError/IoError too.
    static ModelConfig read(const std::string& path);
    /// Serialises back to JSON (round-trips through parse()).
    std::string toJson() const;

    /// Every tensor model.safetensors must hold, with its shape (table in tensor_table.cpp).
    std::vector<TensorSpec> tensorSpecs() const;
};

} // namespace weft
