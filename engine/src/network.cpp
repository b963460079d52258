#include "network.h"

#include <cmath>
#include <string>

#include "errors.h"

namespace weft {
namespace {

std::string shapeText(const torch::Tensor& t)
{
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "," : "") + std::to_string(t.size(i));
    return s + "]";
}

torch::nn::Linear linear(int in, int out)
{
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

// Temperature of the retrieval head's soft maximum over a picture's codes (cosine units).
constexpr double kRetrievalPoolTemperature = 0.1;

} // namespace

NetworkImpl::NetworkImpl(const ModelConfig& config, WeightInit init) : m_config(config)
{
    const auto& tc = config.transformer;
    if (config.vocab.total <= 0)
        throw ShapeError("network: expected a vocabulary layout with a positive total, found " +
                         std::to_string(config.vocab.total));
    if (tc.dModel <= 0 || tc.layers <= 0 || tc.heads <= 0 || tc.dFf <= 0 || tc.contextLength <= 0)
        throw ShapeError("network: expected positive d_model, layers, heads, d_ff and context length");
    if (tc.dModel % tc.heads != 0 || (tc.dModel / tc.heads) % 2 != 0)
        throw ShapeError("network: expected d_model divisible by heads into an even head size, found d_model " +
                         std::to_string(tc.dModel) + " and " + std::to_string(tc.heads) + " heads");

    m_tokEmbeddings = register_module("tok_embeddings",
                                      torch::nn::Embedding(torch::nn::EmbeddingOptions(config.vocab.total, tc.dModel)));
    m_layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < tc.layers; ++i) {
        m_blocks.push_back(TransformerBlock(tc));
        m_layers->push_back(m_blocks.back());
    }
    m_norm = register_module("norm", RmsNorm(tc.dModel, tc.normEps));
    m_output = register_module("output", linear(tc.dModel, config.vocab.total));

    if (tc.imagePositions || tc.factoredImageCodes) {
        auto image = register_module("image_codes", std::make_shared<torch::nn::Module>());
        const auto codes = static_cast<int64_t>(config.codec.codebookSize());
        const auto colors = static_cast<int64_t>(config.codec.palette.size()) + 1;
        if (tc.imagePositions)
            m_imagePos = image->register_parameter("pos", torch::zeros({config.codec.grid * config.codec.grid, tc.dModel}));
        if (tc.factoredImageCodes) {
            m_inMask = image->register_parameter("in_mask", torch::zeros({codes, tc.dModel}));
            m_inColor = image->register_parameter("in_color", torch::zeros({colors, tc.dModel}));
            m_outMask = image->register_parameter("out_mask", torch::zeros({codes, tc.dModel}));
            m_outColor = image->register_parameter("out_color", torch::zeros({colors, tc.dModel}));
            m_codeMask = torch::zeros({codes}, torch::kLong);
            m_codeColor = torch::zeros({codes}, torch::kLong);
        }
    }
    if (const int e = config.retrieval.embedDim; e > 0) {
        auto retrieval = register_module("retrieval", std::make_shared<torch::nn::Module>());
        m_retrievalWords = retrieval->register_module("words", linear(tc.dModel, e));
        m_retrievalCodes = retrieval->register_module("codes", linear(tc.dModel, e));
    }
    m_codec = register_module("codec", ImageCodec(config.codec));
    if (config.audio.enabled) m_audio = register_module("audio", AudioEncoder(config.audio, tc.dModel));

    RotaryTable rope(tc.dModel / tc.heads, tc.contextLength, tc.ropeTheta);
    m_ropeCos = register_buffer("rope_cos", rope.cos);
    m_ropeSin = register_buffer("rope_sin", rope.sin);

    if (init == WeightInit::Random) initialiseWeights();
    weightsChanged();
}

void NetworkImpl::weightsChanged()
{
    m_codec->syncDictionary();
    if (!m_codeMask.defined()) return;
    const PatchDictionary* dictionary = m_codec->dictionary();
    // Factored codes need a dictionary (the config parser enforces it).
    const auto colors = dictionary->colorIds();
    const auto masks = dictionary->maskIds(colors);
    const auto dev = device();
    m_codeMask = torch::tensor(std::vector<int64_t>(masks.begin(), masks.end()), torch::kLong).to(dev);
    m_codeColor = torch::tensor(std::vector<int64_t>(colors.begin(), colors.end()), torch::kLong).to(dev);
}

void NetworkImpl::initialiseWeights()
{
    // GPT-2 style: small normal weights, residual-output projections scaled down with depth
    // so the residual stream does not grow with the number of layers. The codec and the
    // audio encoder keep torch's own initialisation of their layers.
    torch::NoGradGuard noGrad;
    const double stdDev = 0.02;
    const double residualStd = stdDev / std::sqrt(2.0 * m_config.transformer.layers);
    for (auto& item : named_parameters()) {
        const std::string& name = item.key();
        if (name.rfind("codec.", 0) == 0 || name.rfind("audio.", 0) == 0)
            continue;
        auto& p = item.value();
        if (p.dim() == 1) continue; // norm scales stay at 1
        const bool residual = name.find("attn.wo.") != std::string::npos || name.find("ffn.w2.") != std::string::npos;
        p.normal_(0.0, residual ? residualStd : stdDev);
    }
}

torch::Device NetworkImpl::device() const
{
    return m_tokEmbeddings->weight.device();
}

torch::Tensor NetworkImpl::imageCells(const torch::Tensor& ids, const torch::Tensor& tokenValid, KvCache* cache) const
{
    const auto cpu = ids.to(torch::kCPU, torch::kLong).contiguous();
    const auto b = cpu.size(0), t = cpu.size(1);
    // No validity tensor is made when none was given: a decode step calls this per token.
    torch::Tensor valid;
    if (tokenValid.defined()) valid = tokenValid.to(torch::kCPU, torch::kBool).contiguous();
    const bool* ok = valid.defined() ? valid.data_ptr<bool>() : nullptr;
    auto cells = torch::full({b, t}, -1, torch::kLong);
    auto id = cpu.accessor<int64_t, 2>();
    auto cell = cells.accessor<int64_t, 2>();
    const auto& v = m_config.vocab;
    const int perImage = m_config.codec.grid * m_config.codec.grid;
    for (int64_t r = 0; r < b; ++r) {
        int run = cache ? cache->imageRun(static_cast<int>(r)) : -1;
        for (int64_t i = 0; i < t; ++i) {
            if (ok && !ok[r * t + i]) continue;
            const auto token = static_cast<int>(id[r][i]);
            if (token == v.boi) {
                run = 0;
            } else if (v.isImageToken(token) && run >= 0) {
                cell[r][i] = run < perImage ? run : -1;
                ++run;
            } else {
                run = -1;
            }
        }
        if (cache) cache->setImageRun(static_cast<int>(r), run);
    }
    return cells;
}

torch::Tensor NetworkImpl::imageCodeEmbeddings(const torch::Tensor& ids, const torch::Tensor& cells)
{
    const auto& v = m_config.vocab;
    torch::Tensor extra;
    if (m_inMask.defined()) {
        const auto isImage = (ids >= v.imageBase) & (ids < v.imageBase + v.imageCount);
        const auto code = (ids - v.imageBase).clamp(0, v.imageCount - 1);
        extra = (torch::embedding(m_inMask, m_codeMask.index_select(0, code.flatten()).view(code.sizes())) +
                 torch::embedding(m_inColor, m_codeColor.index_select(0, code.flatten()).view(code.sizes()))) *
                isImage.unsqueeze(-1).to(m_inMask.dtype());
    }
    if (m_imagePos.defined()) {
        const auto c = cells.to(ids.device());
        auto pos = torch::embedding(m_imagePos, c.clamp_min(0)) * (c >= 0).unsqueeze(-1).to(m_imagePos.dtype());
        extra = extra.defined() ? extra + pos : pos;
    }
    return extra;
}

torch::Tensor NetworkImpl::embed(const torch::Tensor& ids, const std::vector<AudioInput>& audio, const torch::Tensor& cells)
{
    if (ids.dim() != 2 || ids.scalar_type() != torch::kLong)
        throw ShapeError("network: expected token ids [B, T] of type long, found " + shapeText(ids));
    auto x = m_tokEmbeddings->forward(ids);
    if (const auto extra = imageCodeEmbeddings(ids, cells); extra.defined()) x = x + extra;
    if (audio.empty()) return x;
    if (!m_audio) throw ArgumentError("network: audio input given to a model without an audio encoder");
    std::vector<torch::Tensor> mels;
    mels.reserve(audio.size());
    for (const auto& a : audio) mels.push_back(a.mel);
    const auto encoded = m_audio->forward(mels);
    std::vector<int64_t> rows, cols;
    for (std::size_t i = 0; i < audio.size(); ++i) {
        const auto n = encoded[i].size(0);
        if (audio[i].row < 0 || audio[i].row >= ids.size(0) || audio[i].start < 0 || audio[i].start + n > ids.size(1))
            throw ShapeError("network: audio clip " + std::to_string(i) + " of " + std::to_string(n) +
                             " tokens at row " + std::to_string(audio[i].row) + ", token " +
                             std::to_string(audio[i].start) + " does not fit ids " + shapeText(ids));
        for (int64_t k = 0; k < n; ++k) {
            rows.push_back(audio[i].row);
            cols.push_back(audio[i].start + k);
        }
    }
    // Out-of-place index_put keeps the autograd path to both the table and the encoder.
    const auto opts = torch::TensorOptions().dtype(torch::kLong).device(x.device());
    return x.index_put({torch::tensor(rows, opts), torch::tensor(cols, opts)}, torch::cat(encoded));
}

torch::Tensor NetworkImpl::runLayers(torch::Tensor x, const torch::Tensor& positions, const torch::Tensor& blocked,
                                     KvCache* cache)
{
    if (positions.sizes() != x.sizes().slice(0, 2))
        throw ShapeError("network: expected positions " + shapeText(x.select(2, 0)) + ", found " + shapeText(positions));
    if (positions.numel() > 0) {
        const auto range = torch::aminmax(positions);
        const auto lo = std::get<0>(range).item<int64_t>(), hi = std::get<1>(range).item<int64_t>();
        if (lo < 0 || hi >= m_config.transformer.contextLength)
            throw LimitError("network: expected positions in [0, " + std::to_string(m_config.transformer.contextLength) +
                             "), found " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    RotaryTable rope;
    rope.cos = m_ropeCos;
    rope.sin = m_ropeSin;
    auto [cos, sin] = rope.gather(positions.to(torch::kLong));
    // Autograd needs every weight in the graph (training); without it the stacked products
    // and, for a decode step, the fused one-token attention give the same values faster.
    const ForwardMode mode = torch::GradMode::is_enabled() ? ForwardMode::Training
                             : cache && x.size(1) == 1   ? ForwardMode::OneTokenDecode
                                                         : ForwardMode::BatchedInference;
    for (std::size_t i = 0; i < m_blocks.size(); ++i)
        x = m_blocks[i]->forward(x, cos, sin, blocked, cache, static_cast<int>(i), mode);
    return m_norm->forward(x);
}

torch::Tensor NetworkImpl::forwardHidden(const torch::Tensor& ids, const torch::Tensor& positions, const torch::Tensor& mask,
                                         const std::vector<AudioInput>& audio)
{
    if (ids.dim() != 2)
        throw ShapeError("network: expected token ids [B, T] of type long, found " + shapeText(ids));
    auto x = embed(ids, audio, m_imagePos.defined() ? imageCells(ids, {}, nullptr) : torch::Tensor());
    const auto b = ids.size(0), t = ids.size(1);
    if (mask.dim() != 4 || mask.size(0) != b || mask.size(1) != 1 || mask.size(2) != t || mask.size(3) != t)
        throw ShapeError("network: expected mask [" + std::to_string(b) + ",1," + std::to_string(t) + "," +
                         std::to_string(t) + "], found " + shapeText(mask));
    return runLayers(x, positions, mask.to(torch::kBool).logical_not(), nullptr);
}

torch::Tensor NetworkImpl::forwardCached(const torch::Tensor& ids, const torch::Tensor& positions,
                                         const torch::Tensor& newMask, const torch::Tensor& tokenValid, KvCache& cache,
                                         const std::vector<AudioInput>& audio)
{
    if (ids.dim() != 2)
        throw ShapeError("network: expected token ids [B, T] of type long, found " + shapeText(ids));
    const auto b = ids.size(0), t = ids.size(1);
    if (b != cache.batch())
        throw ShapeError("network: expected " + std::to_string(cache.batch()) + " rows for the cache, found " +
                         std::to_string(b));
    cache.reserve(static_cast<int>(t));
    // Every check that can throw comes first: the cells move the cache's image run.
    auto x = embed(ids, audio, m_imagePos.defined() ? imageCells(ids, tokenValid, &cache) : torch::Tensor());
    const int used = cache.used();
    if (t == 1 && !newMask.defined() && !tokenValid.defined()) {
        // A decode step: the token sees every valid cached slot and itself, which the cache's
        // maintained blocked mask already says (slot `used` is unwritten, hence not blocked).
        auto blocked = cache.blocked().narrow(1, 0, used + 1).view({b, 1, 1, used + 1});
        auto hidden = runLayers(x, positions, blocked, &cache);
        cache.commit(1, tokenValid);
        return hidden;
    }
    const auto dev = x.device();
    torch::Tensor allowNew;
    if (newMask.defined()) {
        if (newMask.dim() != 4 || newMask.size(0) != b || newMask.size(1) != 1 || newMask.size(2) != t || newMask.size(3) != t)
            throw ShapeError("network: expected new-token mask [" + std::to_string(b) + ",1," + std::to_string(t) + "," +
                             std::to_string(t) + "], found " + shapeText(newMask));
        allowNew = newMask.to(dev, torch::kBool);
    } else {
        allowNew = torch::ones({t, t}, torch::TensorOptions().dtype(torch::kBool).device(dev)).tril().expand({b, 1, t, t});
    }
    if (tokenValid.defined()) allowNew = allowNew & tokenValid.to(dev, torch::kBool).view({b, 1, 1, t});
    auto allowCached = cache.valid().narrow(1, 0, used).view({b, 1, 1, used}).expand({b, 1, t, used});
    auto blocked = torch::cat({allowCached, allowNew}, -1).logical_not();
    auto hidden = runLayers(x, positions, blocked, &cache);
    cache.commit(static_cast<int>(t), tokenValid);
    return hidden;
}

torch::Tensor NetworkImpl::outputWeight()
{
    if (!m_outMask.defined()) return m_output->weight;
    auto build = [this](const std::vector<torch::Tensor>& p) {
        const auto& v = m_config.vocab;
        // Image codes are the last rows of the vocabulary.
        const auto image = p[0].narrow(0, v.imageBase, v.imageCount) + p[1].index_select(0, p[3]) +
                           p[2].index_select(0, p[4]);
        return torch::cat({p[0].narrow(0, 0, v.imageBase), image}, 0);
    };
    const std::vector<torch::Tensor> parts{m_output->weight, m_outMask, m_outColor, m_codeMask, m_codeColor};
    // Training needs the autograd graph; inference reuses the sum until a part changes.
    if (torch::GradMode::is_enabled()) return build(parts);
    return m_outputCache.get(parts, build);
}

torch::Tensor NetworkImpl::logits(const torch::Tensor& hidden)
{
    return projectRows(hidden, outputWeight());
}

torch::Tensor NetworkImpl::retrievalScores(const torch::Tensor& requestIds, const torch::Tensor& codes)
{
    if (!hasRetrievalHead())
        throw ArgumentError("network: expected a retrieval head (retrieval.embed_dim > 0), found none");
    if (requestIds.dim() != 1 || requestIds.size(0) == 0 || requestIds.scalar_type() != torch::kLong)
        throw ArgumentError("network: expected request token ids [n >= 1] of type long, found " +
                            shapeText(requestIds));
    if (codes.dim() != 2 || codes.size(0) == 0 || codes.size(1) == 0 || codes.scalar_type() != torch::kLong)
        throw ShapeError("network: expected candidate image codes [B >= 1, N >= 1] of type long, found " +
                         shapeText(codes));
    const auto& v = m_config.vocab;
    const auto checkRange = [](const torch::Tensor& t, std::int64_t hi, const char* what) {
        const auto lo = t.min().item<std::int64_t>(), top = t.max().item<std::int64_t>();
        if (lo < 0 || top >= hi)
            throw ArgumentError(std::string("network: expected ") + what + " in [0, " + std::to_string(hi) +
                                "), found " + std::to_string(lo) + ".." + std::to_string(top));
    };
    checkRange(requestIds, v.total, "request token ids");
    checkRange(codes, v.imageCount, "image codes");
    const auto dev = device();
    const auto normalize = [](const torch::Tensor& x) {
        return torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().p(2).dim(-1));
    };
    // Word and code embeddings, not transformer states: the hidden state at `ret` was measured
    // not to depend on the request (cosine 0.9999 between two requests, model card), while the
    // embeddings of "red" and "circle" and of a red circle's codes differ from the first step,
    // so neither side of the match starts uninformative. A picture scores by a soft maximum
    // over its codes, not the mean: the object asked for is a few codes among 64. A hard
    // maximum trained only the one code that won at initialisation, and from some seeds
    // that code was a background one everywhere and the head never left chance.
    const auto words = m_tokEmbeddings->forward(requestIds.to(dev).unsqueeze(0)).squeeze(0).mean(0);
    const auto query = normalize(m_retrievalWords->forward(words)); // [e]
    const auto ids = codes.to(dev) + v.imageBase;
    const auto noCells = torch::full(ids.sizes(), -1, torch::TensorOptions().dtype(torch::kLong).device(dev));
    const auto keys = normalize(m_retrievalCodes->forward(embed(ids, {}, noCells))); // [B, N, e]
    return kRetrievalPoolTemperature * torch::logsumexp(keys.matmul(query) / kRetrievalPoolTemperature, 1);
}

KvCache NetworkImpl::makeCache(int batch, int capacity) const
{
    const auto& tc = m_config.transformer;
    return KvCache(tc.layers, batch, tc.heads, tc.dModel / tc.heads, capacity > 0 ? capacity : tc.contextLength,
                   torch::TensorOptions().dtype(torch::kFloat).device(device()));
}

} // namespace weft
