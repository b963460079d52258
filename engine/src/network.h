#pragma once
// The model's network: the decoder transformer over the single token stream, the image
// codec, the audio encoder and the retrieval head, built from a ModelConfig. Its named_parameters() are
// exactly the tensor table (ModelConfig::tensorSpecs()). Used by inference (Session) and by
// training; every forward is usable with autograd (training) or under NoGradGuard.

#include <torch/torch.h>

#include "audio_encoder.h"
#include "image_codec.h"
#include "kv_cache.h"
#include "model_config.h"
#include "transformer.h"

namespace weft {

/// How NetworkImpl's constructor fills the decoder weights.
enum class WeightInit {
    Random,   ///< the recipe of MODEL_FORMAT.md ("Initialisation"), for training
    Unchanged ///< skip those draws: the caller overwrites every tensor (loading a model)
};

class NetworkImpl : public torch::nn::Module {
public:
    /// Builds every module with freshly initialised weights (draws from torch's global
    /// generator: seed it with torch::manual_seed for reproducibility). With
    /// WeightInit::Unchanged the decoder keeps whatever the torch modules' constructors drew,
    /// sparing a normal draw for each of its ~4.4 M weights (weft-tiny). Throws
    /// ShapeError for sizes that cannot form a network (d_model not divisible by heads, odd
    /// head size).
    explicit NetworkImpl(const ModelConfig& config, WeightInit init = WeightInit::Random);

    /// Full forward pass. ids [B, T] long (token ids), positions [B, T] long (rotary
    /// positions, < contextLength), mask [B, 1, T, T] bool (true = query t may attend to key
    /// s; see attentionMask in token_stream.h). `audio` replaces the embeddings of each clip's
    /// frame tokens (row, start .. start + audioTokenCount - 1) with the audio encoder's
    /// output. Returns hidden states [B, T, d] after the final norm. Throws
    /// ShapeError/ArgumentError for inconsistent shapes or positions, or audio given to a
    /// model without an audio encoder or placed outside the batch.
    torch::Tensor forwardHidden(const torch::Tensor& ids, const torch::Tensor& positions, const torch::Tensor& mask,
                                const std::vector<AudioInput>& audio = {});

    /// Incremental forward: appends T new tokens per row to `cache` and returns their hidden
    /// states [B, T, d]. The new tokens attend to every valid cached slot of their row and,
    /// among themselves, to `newMask` [B, 1, T, T] bool (undefined = causal). `tokenValid`
    /// [B, T] bool marks padding of shorter rows (undefined = all valid); padded tokens are
    /// invisible to later tokens and their outputs are meaningless. Throws LimitError when
    /// the cache is full. `audio` as for forwardHidden, `start` counted within the new tokens.
    torch::Tensor forwardCached(const torch::Tensor& ids, const torch::Tensor& positions, const torch::Tensor& newMask,
                                const torch::Tensor& tokenValid, KvCache& cache,
                                const std::vector<AudioInput>& audio = {});

    /// Output projection: hidden [..., d] -> logits [..., V]. With factored image codes
    /// each image code's row is its free row plus its mask and colour rows.
    torch::Tensor logits(const torch::Tensor& hidden);

    /// Re-derives what the tensors imply after they were overwritten (a weight load): the
    /// codec's patch dictionary and each image code's mask and colour ids. Throws
    /// ArgumentError when codec.patches holds no valid table.
    void weightsChanged();

    /// The cell (0 .. grid*grid-1) of every image code in ids [B, T], -1 for other tokens:
    /// the count of image codes since the last `boi` of the row. `tokenValid` [B, T] (may be
    /// undefined) marks padding, which neither gets a cell nor moves the count; with a cache
    /// the count continues from cache->imageRun and is stored back. CPU [B, T] long.
    torch::Tensor imageCells(const torch::Tensor& ids, const torch::Tensor& tokenValid, KvCache* cache) const;

    /// Retrieval head (config.retrieval.embedDim > 0): how well each candidate picture matches
    /// a request. requestIds [n] long: the request's text token ids (n >= 1); codes [B, N]
    /// long: each candidate's image codes (0 .. C-1). The query is the mean of the request's
    /// token embeddings through retrieval.words, each code's key its input embedding (no
    /// position) through retrieval.codes, both L2-normalised; a candidate's score is a soft
    /// maximum of the cosines over its codes, 0.1 · logsumexp(cos / 0.1) -> [B] (at most
    /// 0.1 · ln N above the best cosine). Throws ArgumentError without a head, for an
    /// empty request, or for ids or codes out of range; ShapeError for other shapes.
    torch::Tensor retrievalScores(const torch::Tensor& requestIds, const torch::Tensor& codes);
    bool hasRetrievalHead() const noexcept { return !m_retrievalWords.is_empty(); }

    /// An empty cache for `batch` rows holding up to `capacity` tokens (0 = contextLength),
    /// on this network's device.
    KvCache makeCache(int batch, int capacity = 0) const;

    ImageCodec& codec() noexcept { return m_codec; }
    const ModelConfig& config() const noexcept { return m_config; }
    /// Device of the parameters.
    torch::Device device() const;

private:
    torch::Tensor embed(const torch::Tensor& ids, const std::vector<AudioInput>& audio, const torch::Tensor& cells);
    torch::Tensor imageCodeEmbeddings(const torch::Tensor& ids, const torch::Tensor& cells);
    torch::Tensor outputWeight();
    torch::Tensor runLayers(torch::Tensor x, const torch::Tensor& positions, const torch::Tensor& blocked, KvCache* cache);
    void initialiseWeights();

    ModelConfig m_config;
    torch::nn::Embedding m_tokEmbeddings{nullptr};
    torch::nn::ModuleList m_layers{nullptr};
    std::vector<TransformerBlock> m_blocks;
    RmsNorm m_norm{nullptr};
    torch::nn::Linear m_output{nullptr};
    torch::nn::Linear m_retrievalWords{nullptr}, m_retrievalCodes{nullptr}; // null without a head
    torch::Tensor m_imagePos;               // [grid*grid, d] or undefined
    torch::Tensor m_inMask, m_inColor;      // factored input rows, or undefined
    torch::Tensor m_outMask, m_outColor;    // factored output rows, or undefined
    torch::Tensor m_codeMask, m_codeColor;  // [codes] long: each code's mask and colour id
    StackedWeight m_outputCache;            // output weight with the factors added (inference)
    ImageCodec m_codec{nullptr};
    AudioEncoder m_audio{nullptr}; // null when the config has no audio encoder
    torch::Tensor m_ropeCos; // buffers: [contextLength, headDim]
    torch::Tensor m_ropeSin;
};
TORCH_MODULE(Network);

} // namespace weft
