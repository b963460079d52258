#pragma once
// How a conversation becomes tokens: the single definition used by training and inference
// (see MODEL_FORMAT.md, "Token stream").
//
//   bos, then per message: role token (user/assistant), its segments in order
//   (image -> boi + grid*grid codes + eoi; audio -> boa + one placeholder token per audio
//   embedding + eoa; text -> sentencepiece ids), then eos. The placeholders carry the id of
//   boa; the network replaces their embeddings with the audio encoder's output.
//   A prompt for a reply ends with `assistant`; an answer follows it and ends with eos.
//
// X-Prompt compression: in a user message with n >= 3 images, n odd, the first n-1 images
// form example pairs (before, after). With compression on, the K compression tokens follow
// each pair's second eoi; a token after them may not attend to that pair's raw tokens (from
// the first boi to the second eoi, inclusive). Positions are always the plain indices.

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "audio_encoder.h"
#include "model_config.h"
#include "tokenizer.h"
#include "weft/message.h"

namespace weft {

struct TokenStream {
    std::vector<int> ids;                ///< token ids
    std::vector<int> positions;          ///< rotary position of each token (0..T-1)
    /// Loss weight of ids[t] as a training target (predicted from tokens < t): 1 on the
    /// answer's tokens including its final eos, 0 elsewhere; a trainer may raise it (up to
    /// 255) on tokens it wants learned harder.
    std::vector<std::uint8_t> lossMask;
    /// Per token: the example pair whose raw tokens it belongs to, or -1.
    std::vector<int> exampleGroup;
    /// Per pair: index just after its K compression tokens (from there on the pair's raw
    /// tokens are hidden). Empty when compression is off.
    std::vector<int> groupEnd;
    /// Index of each image's first code, in conversation order (answer images included).
    std::vector<int> imageStarts;
    /// Every audio clip: index of its first placeholder token and its log-mel features
    /// [F, melBins]; it owns audioTokenCount(F) placeholders.
    struct AudioSpan {
        int start = 0;
        torch::Tensor mel;
    };
    std::vector<AudioSpan> audioSpans;

    int size() const noexcept { return static_cast<int>(ids.size()); }
};

/// Image segments of a message (retrieved ones included).
int imageCount(const Message& message);
/// In-context example pairs of a message: a user message with n >= 3 images, n odd, holds
/// (n - 1) / 2 (before, after) pairs followed by its query image; 0 for any other message.
int examplePairCount(const Message& message);

/// Maps an image to grid*grid code indices in [0, codebookSize), row-major.
using ImageCodeFunction = std::function<std::vector<int>(const Image&)>;
/// Maps a decoded clip (any rate) to its log-mel features [F, melBins] float.
using AudioFeatureFunction = std::function<torch::Tensor(const AudioClip&)>;

/// Builds the stream of `messages` followed by `assistant` and, when `answer` is not null,
/// the answer's tokens (text pieces; generated images as boi + codes + eoi; images marked
/// `retrieved` as `ret` + boi + codes + eoi: the picture referred to) and eos, with lossMask
/// 1 on them. `imageCodes` encodes every image segment (it must hold pixels);
/// `audioFeatures` every audio segment (it must hold samples). Throws ArgumentError for an audio segment when the model has no audio encoder,
/// no audioFeatures was given or the clip is empty, or an image without pixels, ShapeError
/// when imageCodes returns the wrong count or range or audioFeatures a wrong shape. Does not
/// check the context length. Thread-safe if the two functions are.
TokenStream buildStream(const std::vector<Message>& messages, const Message* answer, const Tokenizer& tokenizer,
                        const ModelConfig& config, const ImageCodeFunction& imageCodes, bool compress,
                        const AudioFeatureFunction& audioFeatures = {});

/// Attention mask of a stream, [T, T] bool (true = query t may attend key s): causal, minus
/// the raw tokens of each example pair for queries at or after that pair's groupEnd.
torch::Tensor attentionMask(const TokenStream& stream);

/// Whether query t may attend key s (the rule attentionMask tabulates).
bool mayAttend(const TokenStream& stream, int t, int s);

/// A right-padded batch of streams. Padding uses id `padId` (eos), lossMask 0 and a mask
/// row/column of false; positions continue 0..T-1 so every position stays in range.
struct StreamBatch {
    torch::Tensor ids;        ///< [B, T] long
    torch::Tensor positions;  ///< [B, T] long
    torch::Tensor mask;       ///< [B, 1, T, T] bool
    torch::Tensor lossMask;   ///< [B, T] float: each stream's loss weights, 0 on padding
    torch::Tensor valid;      ///< [B, T] bool, false on padding
    std::vector<AudioInput> audio; ///< every stream's audio clips, row = stream index
};

/// Pads `streams` to the longest one (ArgumentError when empty). CPU tensors.
StreamBatch batchStreams(const std::vector<TokenStream>& streams, int padId);

} // namespace weft
