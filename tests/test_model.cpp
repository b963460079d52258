// Model core: tensor table, transformer with KV cache, guidance batching, X-Prompt
// compression, sampler, model folder loading and Session::reply on the tiny test config.
// torch first: Qt's "slots" macro would otherwise break torch headers.
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "decode_kernels.h"
#include "errors.h"
#include "kv_cache.h"
#include "model_config.h"
#include "model_loader.h"
#include "network.h"
#include "retrieval.h"
#include "safetensors.h"
#include "sampler.h"
#include "token_stream.h"
#include "transformer.h"
#include "weft/model.h"
#include "weft/session.h"

#include <QtTest/QtTest>

namespace fs = std::filesystem;
using namespace weft;

namespace {

const std::string kTinyConfig = std::string(WEFT_TEST_DATA_DIR) + "/configs/tiny.json";

// A small Shapes-World-like corpus for the tokenizer: every colour, shape and position word.
std::vector<std::string> corpus()
{
    const char* colors[] = {"red", "orange", "yellow", "green", "cyan", "brown", "blue", "purple", "pink", "white", "black", "gray"};
    const char* shapes[] = {"circle", "square", "triangle", "diamond", "cross", "ring", "star", "heart"};
    const char* places[] = {"at the top-left", "at the top", "at the top-right", "at the left", "in the center",
                            "at the right", "at the bottom-left", "at the bottom", "at the bottom-right"};
    std::vector<std::string> out;
    int i = 0;
    for (const char* c : colors)
        for (const char* s : shapes) {
            const char* p = places[i++ % 9];
            out.push_back(std::string("draw a small ") + c + " " + s + " " + p + " on a " + colors[(i + 3) % 12] +
                          " dots background");
            out.push_back(std::string("make the ") + c + " " + s + " " + colors[(i + 5) % 12]);
            out.push_back(std::string("how many ") + s + "s are there");
        }
    out.push_back("describe this image");
    out.push_back("do the same");
    return out;
}

Image solidImage(int size, std::uint8_t r, std::uint8_t g, std::uint8_t b)
{
    Image img;
    img.width = img.height = size;
    img.rgb.resize(static_cast<std::size_t>(size) * size * 3);
    for (std::size_t i = 0; i < img.rgb.size(); i += 3) {
        img.rgb[i] = r;
        img.rgb[i + 1] = g;
        img.rgb[i + 2] = b;
    }
    return img;
}

Message userMessage(std::vector<Segment> segments)
{
    Message m;
    m.role = Role::User;
    m.segments = std::move(segments);
    return m;
}

// Gives every weight of the transformer a larger spread than the default initialisation so
// that numerical comparisons are not trivially met by near-zero activations.
void scaleUp(NetworkImpl& net)
{
    torch::NoGradGuard ng;
    for (auto& p : net.named_parameters())
        if (p.key().rfind("codec.", 0) != 0 && p.value().dim() == 2) p.value().normal_(0.0, 0.3);
}

torch::Tensor row(const std::vector<std::int64_t>& v)
{
    return torch::tensor(v, torch::kLong).view({1, static_cast<std::int64_t>(v.size())});
}

torch::Tensor causal(std::int64_t t)
{
    return torch::ones({t, t}, torch::kBool).tril().view({1, 1, t, t});
}

struct Entry {
    std::string name;
    DType dtype;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;
};

// Copies a model folder, letting `edit` change the tensor list of model.safetensors.
void copyModel(const std::string& from, const std::string& to, const std::function<void(std::vector<Entry>&)>& edit)
{
    fs::create_directories(to);
    for (const auto& f : fs::directory_iterator(from))
        fs::copy_file(f.path(), fs::path(to) / f.path().filename(), fs::copy_options::overwrite_existing);
    if (!edit) return;
    const auto file = SafetensorsFile::read((fs::path(from) / kWeightsFile).string());
    std::vector<Entry> entries;
    for (const auto& t : file.tensors()) {
        const std::uint8_t* p = file.data(t);
        entries.push_back({t.name, t.dtype, t.shape, std::vector<std::uint8_t>(p, p + (t.end - t.begin))});
    }
    edit(entries);
    SafetensorsWriter w;
    for (const auto& e : entries) w.add(e.name, e.dtype, e.shape, e.bytes.data(), e.bytes.size());
    w.write((fs::path(to) / kWeightsFile).string());
}

Entry& entryNamed(std::vector<Entry>& entries, const std::string& name)
{
    for (auto& e : entries)
        if (e.name == name) return e;
    throw std::runtime_error("no tensor " + name);
}

float* floats(Entry& e)
{
    return reinterpret_cast<float*>(e.bytes.data());
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

// A one-layer KV cache for `batch` rows whose first `used` slots hold random keys and values
// (the same for the same seed), all valid.
KvCache filledCache(int batch, int heads, int headDim, int used, std::uint64_t seed)
{
    KvCache cache(1, batch, heads, headDim, 32, torch::TensorOptions().dtype(torch::kFloat));
    torch::manual_seed(seed);
    cache.keys(0).normal_();
    cache.values(0).normal_();
    cache.commit(used, {});
    return cache;
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string m_modelDir;
    ModelConfig m_config;
    std::shared_ptr<const Model> m_model;

    std::string path(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

    std::shared_ptr<const Model> loadOrFail(const std::string& dir)
    {
        auto r = Model::load(dir, LoadOptions{});
        if (!r.ok()) {
            qWarning("%s", r.error().message.c_str());
            return nullptr;
        }
        return r.value();
    }

    // A copy of the test model whose logits always favour `first` after `assistant`: every
    // layer's residual outputs are zero, so the last hidden state is the normalised
    // embedding of the last token, and output rows are set to read one embedding direction.
    std::string steeredModel(const std::string& name, int first)
    {
        const std::string dir = path(name);
        const int d = m_config.transformer.dModel;
        copyModel(m_modelDir, dir, [&](std::vector<Entry>& entries) {
            for (auto& e : entries) {
                const bool residual = e.name.find(".attn.wo.") != std::string::npos || e.name.find(".ffn.w2.") != std::string::npos;
                if (residual || e.name == "output.weight") std::memset(e.bytes.data(), 0, e.bytes.size());
            }
            float* emb = floats(entryNamed(entries, "tok_embeddings.weight"));
            float* out = floats(entryNamed(entries, "output.weight"));
            for (int t = 0; t < m_config.vocab.total; ++t) emb[t * d + 0] = 1.0f; // every token points along e0
            out[first * d + 0] = 10.0f;
        });
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_config = ModelConfig::read(kTinyConfig);
        m_modelDir = path("tiny");
        auto r = initModel(kTinyConfig, m_modelDir, 7, corpus());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        m_model = loadOrFail(m_modelDir);
        QVERIFY(m_model);
    }

    void tensorTableEqualsParameters()
    {
        torch::manual_seed(1);
        Network net(m_config);
        std::map<std::string, std::vector<std::int64_t>> params;
        for (const auto& p : net->named_parameters())
            params.emplace(p.key(), std::vector<std::int64_t>(p.value().sizes().begin(), p.value().sizes().end()));
        std::map<std::string, std::vector<std::int64_t>> table;
        for (const auto& s : m_config.tensorSpecs()) QVERIFY2(table.emplace(s.name, s.shape).second, s.name.c_str());
        QCOMPARE(params.size(), table.size());
        for (const auto& [name, shape] : table) {
            auto it = params.find(name);
            QVERIFY2(it != params.end(), ("missing parameter " + name).c_str());
            QVERIFY2(it->second == shape, ("shape of " + name).c_str());
        }
        QVERIFY(table.count("layers.1.ffn.w2.weight"));
        QCOMPARE(table.at("layers.1.ffn.w2.weight"), (std::vector<std::int64_t>{m_config.transformer.dModel, m_config.transformer.dFf}));
        QCOMPARE(table.at("tok_embeddings.weight").at(0), static_cast<std::int64_t>(m_config.vocab.total));
        QCOMPARE(m_model->info().parameterCount, parameterCount(m_config));
    }

    void kvCacheMatchesFullForward()
    {
        torch::NoGradGuard ng;
        torch::manual_seed(2);
        Network net(m_config);
        scaleUp(*net);
        const std::int64_t t = 40, prefix = 25;
        auto ids = torch::randint(0, m_config.vocab.total, {1, t}, torch::kLong);
        auto pos = torch::arange(t, torch::kLong).view({1, t});
        auto full = net->logits(net->forwardHidden(ids, pos, causal(t)));

        auto cache = net->makeCache(1);
        auto first = net->forwardCached(ids.narrow(1, 0, prefix), pos.narrow(1, 0, prefix), {}, {}, cache);
        std::vector<torch::Tensor> pieces{net->logits(first)};
        for (std::int64_t i = prefix; i < t; ++i)
            pieces.push_back(net->logits(net->forwardCached(ids.narrow(1, i, 1), pos.narrow(1, i, 1), {}, {}, cache)));
        auto cached = torch::cat(pieces, 1);
        const double diff = (cached - full).abs().max().item<double>();
        QVERIFY2(diff <= 1e-4, std::to_string(diff).c_str());
        QCOMPARE(cache.used(), static_cast<int>(t));
        QVERIFY(full.abs().max().item<double>() > 0.1); // not trivially equal

        // Causality: a later token does not change earlier outputs, an earlier one does.
        auto changed = ids.clone();
        changed[0][t - 1] = (changed[0][t - 1].item<std::int64_t>() + 1) % m_config.vocab.total;
        changed[0][3] = (changed[0][3].item<std::int64_t>() + 1) % m_config.vocab.total;
        auto other = net->logits(net->forwardHidden(changed, pos, causal(t)));
        QVERIFY((other.narrow(1, 0, 3) - full.narrow(1, 0, 3)).abs().max().item<double>() == 0.0);
        QVERIFY((other.narrow(1, 3, 1) - full.narrow(1, 3, 1)).abs().max().item<double>() > 1e-3);

        // A full cache refuses more tokens.
        auto small = net->makeCache(1, 4);
        QVERIFY_THROWS_EXCEPTION(LimitError, net->forwardCached(ids.narrow(1, 0, 5), pos.narrow(1, 0, 5), {}, {}, small));
        // Positions beyond the context are refused.
        auto far = torch::full({1, 1}, m_config.transformer.contextLength, torch::kLong);
        auto c2 = net->makeCache(1);
        QVERIFY_THROWS_EXCEPTION(LimitError, net->forwardCached(ids.narrow(1, 0, 1), far, {}, {}, c2));
    }

    // The AVX2 matrix-vector kernel against torch's matrix product: one and two rows, widths
    // with and without a tail past the last 16 floats.
    void matVecKernelMatchesLinear()
    {
        if (!matVecKernelAvailable()) QSKIP("this CPU has no AVX2/FMA");
        torch::manual_seed(11);
        for (const auto& [out, in] : std::vector<std::pair<std::int64_t, std::int64_t>>{{5, 7}, {64, 128}, {37, 53}})
            for (int rows = 1; rows <= kMatVecKernelRows; ++rows) {
                const auto w = torch::randn({out, in});
                const auto x = torch::randn({rows, in});
                auto y = torch::empty({rows, out});
                matVecRows(w.data_ptr<float>(), out, in, x.data_ptr<float>(), rows, y.data_ptr<float>());
                const double diff = maxDiff(y, torch::matmul(x, w.t()));
                QVERIFY2(diff <= 1e-4, (std::to_string(rows) + " rows: " + std::to_string(diff)).c_str());
            }
        float w = 1.0f, x[3] = {}, y[3] = {};
        QVERIFY_THROWS_EXCEPTION(ArgumentError, matVecRows(&w, 1, 1, x, kMatVecKernelRows + 1, y));
    }

    // The fused one-token attention against the same steps in torch (rotary, cache write,
    // scaled scores, blocked slots, softmax, weighted values), with and without a mask and
    // with a fully blocked row.
    void oneTokenAttentionMatchesTorch()
    {
        torch::manual_seed(12);
        const int b = 3, heads = 2, headDim = 8, used = 6;
        const std::int64_t d = heads * headDim;
        const RotaryTable rope(headDim, 64, 10000.0);
        auto [cos, sin] = rope.gather(torch::randint(0, 64, {b, 1}, torch::kLong));
        const auto qkv = torch::randn({b, 1, 3 * d});
        auto blocked = torch::rand({b, 1, 1, used + 1}) < 0.4;
        blocked[1].fill_(true);
        for (const torch::Tensor& mask : {torch::Tensor(), blocked}) {
            KvCache cache = filledCache(b, heads, headDim, used, 13);
            QVERIFY(oneTokenAttentionApplies(qkv, cache.keys(0), cache.values(0)));
            auto keys = cache.keys(0).clone(), values = cache.values(0).clone();
            const auto got = attendOneToken(qkv, cos, sin, mask, cache.keys(0), cache.values(0), used, heads, headDim);

            auto split = [&](const torch::Tensor& y) { return y.view({b, 1, heads, headDim}).transpose(1, 2); };
            const auto q = RotaryTable::apply(split(qkv.narrow(-1, 0, d)), cos, sin);
            keys.narrow(2, used, 1).copy_(RotaryTable::apply(split(qkv.narrow(-1, d, d)), cos, sin));
            values.narrow(2, used, 1).copy_(split(qkv.narrow(-1, 2 * d, d)));
            const auto k = keys.narrow(2, 0, used + 1), v = values.narrow(2, 0, used + 1);
            auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(headDim)));
            if (mask.defined()) scores = scores.masked_fill(mask, kBlockedScore);
            const auto want = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({b, 1, d});
            QVERIFY2(maxDiff(got, want) <= 1e-5, std::to_string(maxDiff(got, want)).c_str());
            QVERIFY(maxDiff(cache.keys(0), keys) <= 1e-5);
            QVERIFY(maxDiff(cache.values(0), values) == 0.0);
        }
        KvCache cache = filledCache(b, heads, headDim, used, 13);
        QVERIFY_THROWS_EXCEPTION(ShapeError, attendOneToken(qkv, cos, sin, blocked.narrow(-1, 0, used), cache.keys(0),
                                                            cache.values(0), used, heads, headDim));
        QVERIFY(!oneTokenAttentionApplies(qkv.to(torch::kDouble), cache.keys(0), cache.values(0)));
    }

    // A block gives the same output and cache in every ForwardMode: several tokens without a
    // cache (Training, BatchedInference) and one token per row with one (all three).
    void forwardModesAgree()
    {
        torch::NoGradGuard ng;
        torch::manual_seed(14);
        const auto& tc = m_config.transformer;
        const int headDim = tc.dModel / tc.heads, used = 5;
        TransformerBlock block(tc);
        for (auto& p : block->parameters())
            if (p.dim() == 2) p.normal_(0.0, 0.3);
        const RotaryTable rope(headDim, tc.contextLength, tc.ropeTheta);

        const std::int64_t t = 6;
        const auto x = torch::randn({2, t, tc.dModel});
        auto [cos, sin] = rope.gather(torch::arange(t, torch::kLong).view({1, t}).expand({2, t}));
        const auto blocked = causal(t).logical_not().expand({2, 1, t, t});
        const auto trained = block->forward(x, cos, sin, blocked, nullptr, 0, ForwardMode::Training);
        const auto batched = block->forward(x, cos, sin, blocked, nullptr, 0, ForwardMode::BatchedInference);
        QVERIFY2(maxDiff(trained, batched) <= 1e-4, std::to_string(maxDiff(trained, batched)).c_str());
        QVERIFY(trained.abs().max().item<double>() > 0.1);

        const auto token = torch::randn({2, 1, tc.dModel});
        auto [c1, s1] = rope.gather(torch::full({2, 1}, used, torch::kLong));
        auto step = torch::zeros({2, 1, 1, used + 1}, torch::kBool);
        step[0][0][0][2] = true;
        std::vector<torch::Tensor> outs, keys;
        for (ForwardMode mode : {ForwardMode::Training, ForwardMode::BatchedInference, ForwardMode::OneTokenDecode}) {
            KvCache cache = filledCache(2, tc.heads, headDim, used, 15);
            outs.push_back(block->forward(token, c1, s1, step, &cache, 0, mode));
            keys.push_back(cache.keys(0).narrow(2, 0, used + 1).clone());
        }
        for (std::size_t i = 1; i < outs.size(); ++i) {
            QVERIFY2(maxDiff(outs[0], outs[i]) <= 1e-4, std::to_string(maxDiff(outs[0], outs[i])).c_str());
            QVERIFY(maxDiff(keys[0], keys[i]) <= 1e-5);
        }
        QVERIFY_THROWS_EXCEPTION(ArgumentError,
                                 block->forward(token, c1, s1, {}, nullptr, 0, ForwardMode::OneTokenDecode));
    }

    void guidanceBatchEqualsSingleRows()
    {
        torch::NoGradGuard ng;
        torch::manual_seed(3);
        Network net(m_config);
        scaleUp(*net);
        const std::int64_t la = 21, lb = 6, steps = 5;
        auto a = torch::randint(0, m_config.vocab.total, {la + steps}, torch::kLong);
        auto b = torch::randint(0, m_config.vocab.total, {lb + steps}, torch::kLong);

        auto single = [&](const torch::Tensor& seq, std::int64_t len) {
            auto cache = net->makeCache(1);
            std::vector<torch::Tensor> out;
            auto h = net->forwardCached(seq.narrow(0, 0, len).view({1, len}), torch::arange(len, torch::kLong).view({1, len}),
                                        {}, {}, cache);
            out.push_back(net->logits(h[0][len - 1]));
            for (std::int64_t i = 0; i < steps; ++i) {
                auto hi = net->forwardCached(seq.narrow(0, len + i, 1).view({1, 1}), torch::full({1, 1}, len + i, torch::kLong),
                                             {}, {}, cache);
                out.push_back(net->logits(hi[0][0]));
            }
            return torch::stack(out);
        };
        auto refA = single(a, la);
        auto refB = single(b, lb);

        // One batch of two rows: b is right-padded and its padding marked invalid.
        auto cache = net->makeCache(2);
        auto ids = torch::zeros({2, la}, torch::kLong);
        ids[0].copy_(a.narrow(0, 0, la));
        ids[1].narrow(0, 0, lb).copy_(b.narrow(0, 0, lb));
        auto pos = torch::arange(la, torch::kLong).view({1, la}).repeat({2, 1});
        auto valid = torch::ones({2, la}, torch::kBool);
        valid[1].narrow(0, lb, la - lb).fill_(false);
        auto h = net->forwardCached(ids, pos, {}, valid, cache);
        std::vector<torch::Tensor> outA{net->logits(h[0][la - 1])}, outB{net->logits(h[1][lb - 1])};
        for (std::int64_t i = 0; i < steps; ++i) {
            auto step = torch::stack({a[la + i], b[lb + i]}).view({2, 1});
            auto stepPos = torch::tensor(std::vector<std::int64_t>{la + i, lb + i}, torch::kLong).view({2, 1});
            auto hs = net->forwardCached(step, stepPos, {}, {}, cache);
            outA.push_back(net->logits(hs[0][0]));
            outB.push_back(net->logits(hs[1][0]));
        }
        const double da = (torch::stack(outA) - refA).abs().max().item<double>();
        const double db = (torch::stack(outB) - refB).abs().max().item<double>();
        QVERIFY2(da <= 1e-4, std::to_string(da).c_str());
        QVERIFY2(db <= 1e-4, std::to_string(db).c_str());

        // Copying a prefilled single row into a batch-2 cache continues identically.
        auto one = net->makeCache(1);
        net->forwardCached(a.narrow(0, 0, la).view({1, la}), torch::arange(la, torch::kLong).view({1, la}), {}, {}, one);
        auto two = net->makeCache(2);
        two.copyRowFrom(one, 0, 0);
        QCOMPARE(two.used(), static_cast<int>(la));
        auto next = torch::stack({a[la], b[0]}).view({2, 1});
        auto nextPos = torch::tensor(std::vector<std::int64_t>{la, 0}, torch::kLong).view({2, 1});
        auto hc = net->forwardCached(next, nextPos, {}, {}, two);
        const double dc = (net->logits(hc[0][0]) - refA[1]).abs().max().item<double>();
        QVERIFY2(dc <= 1e-4, std::to_string(dc).c_str());
    }

    void streamLayout()
    {
        const auto& tok = m_model->impl().tokenizer;
        const auto& v = m_config.vocab;
        int calls = 0;
        auto codes = [&](const Image& img) {
            ++calls;
            return std::vector<int>(64, img.rgb[0] % v.imageCount);
        };
        Message ask = userMessage({Segment::makeImage(solidImage(64, 3, 0, 0)), Segment::makeText("describe this image")});
        Message answer;
        answer.role = Role::Assistant;
        answer.segments.push_back(Segment::makeText("red"));
        auto s = buildStream({ask}, &answer, tok, m_config, codes, true);
        QCOMPARE(calls, 1);
        QCOMPARE(s.ids.front(), v.bos);
        QCOMPARE(s.ids[1], v.user);
        QCOMPARE(s.ids[2], v.boi);
        QCOMPARE(s.ids[3], v.imageBase + 3);
        QCOMPARE(s.ids[66], v.imageBase + 3);
        QCOMPARE(s.ids[67], v.eoi);
        QCOMPARE(s.imageStarts, std::vector<int>{3});
        const auto text = tok.encode("describe this image");
        QVERIFY(std::equal(text.begin(), text.end(), s.ids.begin() + 68));
        const int afterText = 68 + static_cast<int>(text.size());
        QCOMPARE(s.ids[afterText], v.eos);
        QCOMPARE(s.ids[afterText + 1], v.assistant);
        QCOMPARE(s.ids.back(), v.eos);
        for (int i = 0; i < s.size(); ++i) {
            QCOMPARE(s.positions[i], i);
            QCOMPARE(int(s.lossMask[i]), i > afterText + 1 ? 1 : 0);
        }
        // The prompt form ends with `assistant` and has no targets.
        auto prompt = buildStream({ask}, nullptr, tok, m_config, codes, true);
        QCOMPARE(prompt.ids.back(), v.assistant);
        QCOMPARE(prompt.size(), afterText + 2);

        // Bad input: missing pixels, wrong code count, out-of-range codes, audio.
        Message noPixels = userMessage({Segment::makeImage(Image{}, "lost.png")});
        QVERIFY_THROWS_EXCEPTION(ArgumentError, buildStream({noPixels}, nullptr, tok, m_config, codes, true));
        auto shortCodes = [](const Image&) { return std::vector<int>(10, 0); };
        QVERIFY_THROWS_EXCEPTION(ShapeError, buildStream({ask}, nullptr, tok, m_config, shortCodes, true));
        auto badCodes = [&](const Image&) { return std::vector<int>(64, v.imageCount); };
        QVERIFY_THROWS_EXCEPTION(ShapeError, buildStream({ask}, nullptr, tok, m_config, badCodes, true));
        AudioClip clip;
        clip.samples.assign(1600, 0.1f);
        Message withAudio = userMessage({Segment::makeAudio(clip), Segment::makeText("make it sound like this")});
        try {
            buildStream({withAudio}, nullptr, tok, m_config, codes, true);
            QFAIL("audio accepted by a model without an audio encoder");
        } catch (const ArgumentError& e) {
            QCOMPARE(std::string(e.what()), std::string("this model has no audio encoder and cannot read audio"));
        }

        // A retrieved answer image is written as `ret` and then the picture, all of it a target.
        Message retrieved;
        retrieved.role = Role::Assistant;
        retrieved.segments.push_back(Segment::makeImage(solidImage(64, 1, 1, 1)));
        retrieved.segments.back().retrieved = true;
        auto r = buildStream({ask}, &retrieved, tok, m_config, codes, true);
        const int grid2 = m_config.codec.grid * m_config.codec.grid;
        const int ret = r.size() - grid2 - 4; // ret boi codes eoi eos
        QCOMPARE(r.ids[ret], v.ret);
        QCOMPARE(r.ids[ret + 1], v.boi);
        QCOMPARE(r.ids[r.size() - 2], v.eoi);
        QCOMPARE(r.imageStarts.back(), ret + 2);
        for (int t = ret; t < r.size(); ++t)
            QCOMPARE(int(r.lossMask[t]), 1);
        QCOMPARE(int(r.lossMask[ret - 1]), 0); // `assistant` is context, not a target
    }

    void compressionMask()
    {
        const auto& tok = m_model->impl().tokenizer;
        const auto& v = m_config.vocab;
        const int k = v.compressionCount;
        QVERIFY(k > 0);
        auto codes = [&](const Image& img) { return std::vector<int>(64, img.rgb[0] % v.imageCount); };
        std::vector<Segment> segs;
        for (int i = 0; i < 5; ++i) segs.push_back(Segment::makeImage(solidImage(64, static_cast<std::uint8_t>(i + 1), 0, 0)));
        segs.push_back(Segment::makeText("do the same"));
        const Message ask = userMessage(segs);
        auto s = buildStream({ask}, nullptr, tok, m_config, codes, true);
        // bos user [pair 0: 2 images] K [pair 1: 2 images] K [query] text eos assistant
        QCOMPARE(s.groupEnd.size(), std::size_t(2));
        const int pair = 2 * 66;
        QCOMPARE(s.groupEnd[0], 2 + pair + k);
        QCOMPARE(s.groupEnd[1], 2 + 2 * (pair + k));
        for (int i = 0; i < k; ++i) {
            QCOMPARE(s.ids[2 + pair + i], v.compressionBase + i);
            QCOMPARE(s.exampleGroup[2 + pair + i], -1);
        }
        QCOMPARE(s.exampleGroup[2], 0);
        QCOMPARE(s.exampleGroup[2 + pair - 1], 0);
        QCOMPARE(s.exampleGroup[2 + pair + k], 1);
        QCOMPARE(s.exampleGroup[s.groupEnd[1]], -1); // the query image is not an example
        QCOMPARE(s.imageStarts.size(), std::size_t(5));

        auto mask = attentionMask(s);
        QCOMPARE(mask.size(0), static_cast<std::int64_t>(s.size()));
        const int firstK = 2 + pair;
        QVERIFY(mask[firstK][2].item<bool>());                       // K tokens see their pair
        QVERIFY(mask[firstK + k - 1][firstK - 1].item<bool>());
        QVERIFY(!mask[s.groupEnd[0]][2].item<bool>());                // later tokens do not
        QVERIFY(mask[s.groupEnd[0]][firstK].item<bool>());            // ...but see the K tokens
        QVERIFY(!mask[s.size() - 1][2 + pair + k + 5].item<bool>());  // pair 1 hidden at the end
        QVERIFY(mask[s.size() - 1][s.groupEnd[1] + 3].item<bool>());  // the query is visible
        QVERIFY(!mask[5][6].item<bool>());                            // still causal
        for (int t = 0; t < s.size(); t += 7)
            for (int u = 0; u < s.size(); u += 5) QCOMPARE(mask[t][u].item<bool>(), mayAttend(s, t, u));

        // Compression off: no K tokens, plain causal mask.
        auto plain = buildStream({ask}, nullptr, tok, m_config, codes, false);
        QCOMPARE(plain.size(), s.size() - 2 * k);
        QVERIFY(plain.groupEnd.empty());
        QVERIFY(torch::equal(attentionMask(plain), torch::ones({plain.size(), plain.size()}, torch::kBool).tril()));
        // Even image counts and fewer than three images hold no examples.
        auto four = buildStream({userMessage({segs[0], segs[1], segs[2], segs[3]})}, nullptr, tok, m_config, codes, true);
        QVERIFY(four.groupEnd.empty());
        auto three = buildStream({userMessage({segs[0], segs[1], segs[2]})}, nullptr, tok, m_config, codes, true);
        QCOMPARE(three.groupEnd.size(), std::size_t(1));

        // Dropping the raw example tokens from the cache after prefill gives the same logits as
        // the masked full forward pass, for the prompt's end and for later tokens.
        torch::NoGradGuard ng;
        torch::manual_seed(4);
        Network net(m_config);
        scaleUp(*net);
        const std::int64_t t = s.size(), extra = 4;
        std::vector<std::int64_t> ids(s.ids.begin(), s.ids.end());
        for (int i = 0; i < extra; ++i) ids.push_back(v.imageBase + i);
        TokenStream ext = s;
        for (int i = 0; i < extra; ++i) {
            ext.ids.push_back(v.imageBase + i);
            ext.positions.push_back(static_cast<int>(t + i));
            ext.lossMask.push_back(0);
            ext.exampleGroup.push_back(-1);
        }
        const std::int64_t total = t + extra;
        auto pos = torch::arange(total, torch::kLong).view({1, total});
        auto full = net->logits(net->forwardHidden(row(ids), pos, attentionMask(ext).view({1, 1, total, total})));

        auto cache = net->makeCache(1);
        auto h = net->forwardCached(row(ids).narrow(1, 0, t), pos.narrow(1, 0, t), attentionMask(s).view({1, 1, t, t}), {}, cache);
        std::vector<int> raw;
        for (int i = 0; i < t; ++i)
            if (s.exampleGroup[i] >= 0) raw.push_back(i);
        cache.dropSlots(0, raw);
        cache.compact();
        QCOMPARE(cache.used(), static_cast<int>(t) - static_cast<int>(raw.size()));
        std::vector<torch::Tensor> outs{net->logits(h[0][t - 1])};
        for (std::int64_t i = 0; i < extra; ++i)
            outs.push_back(net->logits(net->forwardCached(row({ids[t + i]}), pos.narrow(1, t + i, 1), {}, {}, cache)[0][0]));
        auto ref = full[0].narrow(0, t - 1, extra + 1);
        const double diff = (torch::stack(outs) - ref).abs().max().item<double>();
        QVERIFY2(diff <= 1e-4, std::to_string(diff).c_str());

        // The K tokens do read the raw example tokens: changing one changes their output.
        auto changed = ids;
        changed[5] = v.imageBase + (changed[5] - v.imageBase + 1) % v.imageCount;
        auto other = net->logits(net->forwardHidden(row(changed), pos, attentionMask(ext).view({1, 1, total, total})));
        QVERIFY((other[0][firstK] - full[0][firstK]).abs().max().item<double>() > 1e-4);

        // Bad drops are refused.
        QVERIFY_THROWS_EXCEPTION(ArgumentError, cache.dropSlots(0, {cache.used()}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, cache.dropSlots(1, {0}));
    }

    // decoder_code_embedding: one table row per code, in the tensor table, kept by the config
    // round trip, and read by the decoder for exactly the patches holding that code.
    void codecCodeEmbeddingTable()
    {
        auto json = nlohmann::json::parse(std::ifstream(kTinyConfig));
        json["codec"]["decoder_code_embedding"] = true;
        const auto config = ModelConfig::parse(json.dump());
        QVERIFY(config.codec.decoderCodeEmbedding);
        QVERIFY(ModelConfig::parse(config.toJson()).codec.decoderCodeEmbedding);
        QVERIFY(!m_config.codec.decoderCodeEmbedding);
        torch::manual_seed(4);
        Network net(config);
        std::set<std::string> params, table;
        for (const auto& p : net->named_parameters()) params.insert(p.key());
        for (const auto& spec : config.tensorSpecs()) table.insert(spec.name);
        QCOMPARE(params, table);
        QVERIFY(table.count("codec.decoder.code_embed"));
        QVERIFY(!m_config.tensorSpecs().empty());
        for (const auto& spec : m_config.tensorSpecs()) QVERIFY(spec.name != "codec.decoder.code_embed");

        auto& codec = net->codec();
        torch::NoGradGuard noGrad;
        auto codes = torch::zeros({1, 64}, torch::kLong);
        codes[0][5] = 7;
        const auto values = codec->valuesFromCodes(codes);
        const auto before = codec->decodeOutputs(values);
        for (auto& p : codec->named_parameters())
            if (p.key() == "decoder.code_embed") p.value()[7].add_(1.0);
        const auto after = codec->decodeOutputs(values);
        // Code 7 sits in patch 5 only; the decoder is bidirectional, so every patch may move,
        // but the change must come from that one row: with it undone, nothing differs.
        QVERIFY((after - before).abs().max().item<double>() > 1e-4);
        for (auto& p : codec->named_parameters())
            if (p.key() == "decoder.code_embed") p.value()[7].sub_(1.0);
        QVERIFY((codec->decodeOutputs(values) - before).abs().max().item<double>() < 1e-5);
        for (auto& p : codec->named_parameters())
            if (p.key() == "decoder.code_embed") p.value()[9].add_(1.0); // a code no patch holds
        QVERIFY((codec->decodeOutputs(values) - before).abs().max().item<double>() < 1e-5);
    }

    // A model with the audio encoder: tensor table, stream layout, the encoder's embeddings
    // replacing the placeholders, a reply from audio, and a file missing an audio tensor.
    void audioEncoderInTheStream()
    {
        auto json = nlohmann::json::parse(std::ifstream(kTinyConfig));
        json["audio"]["enabled"] = true;
        json["audio"]["encoder_channels"] = 16;
        const std::string configPath = path("audio.json");
        std::ofstream(configPath) << json.dump(2);
        const auto config = ModelConfig::read(configPath);
        QVERIFY(config.audio.enabled);

        torch::manual_seed(2);
        Network net(config);
        std::set<std::string> params;
        for (const auto& p : net->named_parameters()) params.insert(p.key());
        std::set<std::string> table;
        for (const auto& spec : config.tensorSpecs()) table.insert(spec.name);
        QCOMPARE(params, table);
        QVERIFY(table.count("audio.conv1.weight") && table.count("audio.proj.bias"));

        const std::string dir = path("audio-model");
        auto made = initModel(configPath, dir, 7, corpus());
        QVERIFY2(made.ok(), made.ok() ? "" : made.error().message.c_str());
        auto model = loadOrFail(dir);
        QVERIFY(model);
        QVERIFY(model->info().hasAudio);

        // One second at 16 kHz: 1 + 16000 / 320 = 51 mel frames -> ceil(51 / 4) = 13 tokens.
        AudioClip clip;
        clip.sampleRate = 16000;
        clip.samples.resize(16000);
        for (std::size_t i = 0; i < clip.samples.size(); ++i)
            clip.samples[i] = 0.3f * static_cast<float>(std::sin(2.0 * M_PI * 440.0 * static_cast<double>(i) / 16000.0));
        const auto& v = config.vocab;
        const auto& tok = model->impl().tokenizer;
        int featureCalls = 0;
        AudioFeatureFunction features = [&](const AudioClip& c) {
            ++featureCalls;
            return torch::full({1 + static_cast<int64_t>(c.samples.size()) / 320, config.audio.melBins}, 0.5f);
        };
        auto codes = [](const Image&) { return std::vector<int>(64, 0); };
        Message ask = userMessage({Segment::makeAudio(clip), Segment::makeText("make it sound like this")});
        auto s = buildStream({ask}, nullptr, tok, config, codes, false, features);
        QCOMPARE(featureCalls, 1);
        QCOMPARE(s.ids[1], v.user);
        QCOMPARE(s.ids[2], v.boa);
        QCOMPARE(s.audioSpans.size(), std::size_t(1));
        QCOMPARE(s.audioSpans[0].start, 3);
        QCOMPARE(audioTokenCount(51, config.audio), 13);
        QCOMPARE(s.ids[3 + 13], v.eoa);
        for (int i = 0; i < 17; ++i) QCOMPARE(int(s.lossMask[static_cast<std::size_t>(i)]), 0);
        // No feature function, an empty clip, or features of the wrong width are refused.
        QVERIFY_THROWS_EXCEPTION(ArgumentError, buildStream({ask}, nullptr, tok, config, codes, false));
        Message silent = userMessage({Segment::makeAudio(AudioClip{}, "gone.wav")});
        QVERIFY_THROWS_EXCEPTION(ArgumentError, buildStream({silent}, nullptr, tok, config, codes, false, features));
        AudioFeatureFunction narrow = [](const AudioClip&) { return torch::zeros({10, 3}); };
        QVERIFY_THROWS_EXCEPTION(ShapeError, buildStream({ask}, nullptr, tok, config, codes, false, narrow));

        // The encoder's output replaces the placeholders: tokens before the clip are unchanged,
        // the clip and everything after it change when the sound changes.
        auto batch = batchStreams({s}, v.eos);
        auto& netImpl = *model->impl().network;
        torch::NoGradGuard noGrad;
        auto h1 = netImpl.forwardHidden(batch.ids, batch.positions, batch.mask, batch.audio);
        auto louder = batch.audio;
        louder[0].mel = louder[0].mel * 3.0;
        auto h2 = netImpl.forwardHidden(batch.ids, batch.positions, batch.mask, louder);
        QVERIFY((h1[0].narrow(0, 0, 3) - h2[0].narrow(0, 0, 3)).abs().max().item<double>() < 1e-6);
        QVERIFY((h1[0][3] - h2[0][3]).abs().max().item<double>() > 1e-4);
        QVERIFY((h1[0][s.size() - 1] - h2[0][s.size() - 1]).abs().max().item<double>() > 1e-4);
        // The encoder (matrix products over unfolded windows) computes the two convolutions of
        // MODEL_FORMAT.md: compare with torch's conv1d, alone and batched with a longer clip.
        {
            AudioEncoder enc(config.audio, config.transformer.dModel);
            auto params = enc->named_parameters();
            auto mel = torch::randn({50, config.audio.melBins});
            auto xin = torch::constant_pad_nd(mel, {0, 0, 0, 2}).t().unsqueeze(0); // [1, M, 52]
            auto ref = torch::gelu(torch::conv1d(xin, params["conv1.weight"], params["conv1.bias"], 1, 1));
            ref = torch::gelu(torch::conv1d(ref, params["conv2.weight"], params["conv2.bias"], config.audio.framesPerToken));
            ref = torch::linear(ref[0].t(), params["proj.weight"], params["proj.bias"]);
            QCOMPARE(ref.size(0), int64_t(13));
            const auto alone = enc->forward({mel});
            const auto batched = enc->forward({mel, torch::randn({90, config.audio.melBins})});
            QCOMPARE(alone[0].size(0), int64_t(13));
            QVERIFY((alone[0] - ref).abs().max().item<double>() < 1e-5);
            QVERIFY((batched[0] - ref).abs().max().item<double>() < 1e-5);
            QCOMPARE(batched[1].size(0), int64_t(23));
            QVERIFY_THROWS_EXCEPTION(ShapeError, enc->forward({torch::zeros({0, config.audio.melBins})}));
        }
        auto misplaced = batch.audio;
        misplaced[0].start = s.size() - 2;
        QVERIFY_THROWS_EXCEPTION(ShapeError, netImpl.forwardHidden(batch.ids, batch.positions, batch.mask, misplaced));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, m_model->impl().network->forwardHidden(batch.ids, batch.positions,
                                                                                        batch.mask, batch.audio));

        // A reply from real features, at a foreign rate and with an image first (task 12's form).
        AudioClip cd = clip;
        cd.sampleRate = 44100;
        Session session(model);
        ReplyOptions o;
        o.seed = 5;
        o.maxTextTokens = 4;
        Message sound = userMessage({Segment::makeImage(solidImage(64, 40, 80, 220)), Segment::makeAudio(cd),
                                     Segment::makeText("make it sound like this")});
        auto r = session.reply({sound}, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        auto again = session.reply({sound}, o);
        QVERIFY(again.ok());
        QCOMPARE(again.value().segments.size(), r.value().segments.size());
        QVERIFY(again.value().segments[0].image == r.value().segments[0].image);
        QCOMPARE(again.value().segments[0].text, r.value().segments[0].text);
        // The model without an encoder refuses audio with a message, not a crash.
        Session plain(m_model);
        auto refused = plain.reply({sound}, o);
        QVERIFY(!refused.ok() && refused.error().code == ErrorCode::InvalidArgument);

        // A file that lacks an audio tensor the config promises does not load.
        copyModel(dir, path("audio-missing"), [](std::vector<Entry>& entries) {
            entries.erase(std::remove_if(entries.begin(), entries.end(),
                                         [](const Entry& e) { return e.name == "audio.conv2.weight"; }),
                          entries.end());
        });
        auto missing = Model::load(path("audio-missing"), LoadOptions{});
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.find("audio.conv2.weight") != std::string::npos, missing.error().message.c_str());
    }

    void samplerDeterminism()
    {
        torch::manual_seed(5);
        auto logits = torch::randn({300});
        const std::vector<TokenRange> all{{0, 300}};
        auto draw = [&](std::uint64_t seed, SamplerOptions o) {
            Sampler s(seed, o);
            std::vector<int> out;
            for (int i = 0; i < 64; ++i) out.push_back(s.sample(logits, all));
            return out;
        };
        SamplerOptions warm{1.0f, 0, 1.0f};
        QCOMPARE(draw(11, warm), draw(11, warm));
        QVERIFY(draw(11, warm) != draw(12, warm));
        // Greedy is the argmax and ignores the seed.
        const int best = static_cast<int>(logits.argmax().item<std::int64_t>());
        QCOMPARE(draw(1, {}), std::vector<int>(64, best));
        QCOMPARE(draw(2, {}), std::vector<int>(64, best));
        // top-k 1 is greedy too; top-k 5 stays within the 5 best.
        QCOMPARE(draw(3, SamplerOptions{1.0f, 1, 1.0f}), std::vector<int>(64, best));
        auto top5 = std::get<1>(logits.topk(5));
        std::set<int> allowed5;
        for (int i = 0; i < 5; ++i) allowed5.insert(static_cast<int>(top5[i].item<std::int64_t>()));
        for (int id : draw(4, SamplerOptions{2.0f, 5, 1.0f})) QVERIFY(allowed5.count(id));
        // A tiny top-p keeps only the most likely token.
        QCOMPARE(draw(5, SamplerOptions{1.0f, 0, 1e-6f}), std::vector<int>(64, best));
        // Allowed ranges are respected.
        Sampler s(6, warm);
        for (int i = 0; i < 100; ++i) {
            const int id = s.sample(logits, {{10, 20}, {250, 251}});
            QVERIFY((id >= 10 && id < 20) || id == 250);
        }
        // Bad options and ranges.
        QVERIFY_THROWS_EXCEPTION(ArgumentError, Sampler(1, SamplerOptions{-1.0f, 0, 1.0f}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, Sampler(1, SamplerOptions{1.0f, -2, 1.0f}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, Sampler(1, SamplerOptions{1.0f, 0, 0.0f}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, s.sample(logits, {}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, s.sample(logits, {{290, 301}}));
    }

    void loaderRejectsBadFolders()
    {
        auto expectError = [&](const std::string& dir, ErrorCode code, const std::string& mention) {
            auto r = Model::load(dir);
            QVERIFY2(!r.ok(), dir.c_str());
            QVERIFY2(r.error().code == code, (std::string(errorCodeName(r.error().code)) + ": " + r.error().message).c_str());
            QVERIFY2(r.error().message.find(mention) != std::string::npos, r.error().message.c_str());
        };
        copyModel(m_modelDir, path("missing"), [](std::vector<Entry>& e) {
            e.erase(std::remove_if(e.begin(), e.end(), [](const Entry& x) { return x.name == "layers.1.attn.wk.weight"; }), e.end());
        });
        expectError(path("missing"), ErrorCode::ShapeMismatch, "layers.1.attn.wk.weight");

        copyModel(m_modelDir, path("extra"), [](std::vector<Entry>& e) {
            e.push_back({"layers.9.attn.wk.weight", DType::F32, {2}, std::vector<std::uint8_t>(8, 0)});
        });
        expectError(path("extra"), ErrorCode::ShapeMismatch, "layers.9.attn.wk.weight");

        copyModel(m_modelDir, path("shape"), [](std::vector<Entry>& e) {
            auto& x = entryNamed(e, "norm.weight");
            x.shape = {x.shape[0] / 2, 2};
        });
        expectError(path("shape"), ErrorCode::ShapeMismatch, "norm.weight");

        copyModel(m_modelDir, path("dtype"), [](std::vector<Entry>& e) {
            auto& x = entryNamed(e, "output.weight");
            x.dtype = DType::F16;
            x.bytes.resize(x.bytes.size() / 2);
        });
        expectError(path("dtype"), ErrorCode::ShapeMismatch, "F16");

        copyModel(m_modelDir, path("future"), {});
        {
            std::ifstream in(path("future") + "/config.json");
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const auto at = text.find("\"version\": 1");
            QVERIFY(at != std::string::npos);
            text.replace(at, 12, "\"version\": 2");
            std::ofstream(path("future") + "/config.json", std::ios::trunc) << text;
        }
        expectError(path("future"), ErrorCode::UnsupportedVersion, "version");

        copyModel(m_modelDir, path("truncated"), {});
        fs::resize_file(path("truncated") + "/model.safetensors", fs::file_size(path("truncated") + "/model.safetensors") / 2);
        expectError(path("truncated"), ErrorCode::Format, "");

        copyModel(m_modelDir, path("notok"), {});
        fs::remove(path("notok") + "/tokenizer.model");
        expectError(path("notok"), ErrorCode::NotFound, "tokenizer");

        expectError(path("nowhere"), ErrorCode::NotFound, "nowhere");

        // Cancelled before the load starts and from the progress callback midway.
        std::atomic<bool> cancel{true};
        LoadOptions early;
        early.cancel = &cancel;
        auto r1 = Model::load(m_modelDir, early);
        QVERIFY(!r1.ok() && r1.error().code == ErrorCode::Cancelled);
        LoadOptions midway;
        int calls = 0;
        midway.progress = [&](double f) { ++calls; return f < 0.3; };
        auto r2 = Model::load(m_modelDir, midway);
        QVERIFY(!r2.ok() && r2.error().code == ErrorCode::Cancelled);
        QVERIFY(calls > 2);
        // The flag raised from another place during loading works the same way.
        std::atomic<bool> flag{false};
        LoadOptions during;
        during.cancel = &flag;
        during.progress = [&](double f) { if (f > 0.5) flag = true; return true; };
        auto r3 = Model::load(m_modelDir, during);
        QVERIFY(!r3.ok() && r3.error().code == ErrorCode::Cancelled);

        // The good folder loads, reports its sizes and hash.
        const auto& info = m_model->info();
        QCOMPARE(info.sha256.size(), std::size_t(64));
        QCOMPARE(info.dModel, m_config.transformer.dModel);
        QCOMPARE(info.vocabSize, m_config.vocab.total);
        QCOMPARE(info.device, std::string("cpu"));
    }

    void initModelIsDeterministic()
    {
        auto r = initModel(kTinyConfig, path("again"), 7, corpus());
        QVERIFY(r.ok());
        auto read = [](const std::string& p) {
            std::ifstream in(p, std::ios::binary);
            return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        };
        QVERIFY(read(path("again") + "/model.safetensors") == read(m_modelDir + "/model.safetensors"));
        auto other = initModel(kTinyConfig, path("seed8"), 8, corpus());
        QVERIFY(other.ok());
        QVERIFY(read(path("seed8") + "/model.safetensors") != read(m_modelDir + "/model.safetensors"));
        QVERIFY(read(m_modelDir + "/MODEL_CARD.md").find("random") != std::string::npos);
        auto bad = initModel(path("nope.json"), path("x"), 1, corpus());
        QVERIFY(!bad.ok() && bad.error().code == ErrorCode::NotFound);
    }

    void replyGivesAValidMessage()
    {
        Session session(m_model);
        const Message ask = userMessage({Segment::makeText("draw a small red circle in the center on a blue dots background")});
        ReplyOptions o;
        o.seed = 3;
        o.temperature = 1.0f;
        o.maxTextTokens = 12;
        auto r = session.reply({ask}, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const Message& m = r.value();
        QCOMPARE(m.role, Role::Assistant);
        QCOMPARE(m.segments.size(), std::size_t(1));
        const Segment& s = m.segments[0];
        if (s.kind == SegmentKind::Image) {
            QCOMPARE(s.image.width, 64);
            QCOMPARE(s.image.height, 64);
            QVERIFY(!s.retrieved); // no image to retrieve in this conversation
        } else {
            QCOMPARE(s.kind, SegmentKind::Text);
        }
        QVERIFY(m.meta.has_value());
        QCOMPARE(m.meta->modelHash, m_model->info().sha256);
        QCOMPARE(m.meta->seed, std::uint64_t(3));
        QCOMPARE(m.meta->options.at("temperature"), 1.0);
        // Same seed, same answer.
        auto again = session.reply({ask}, o);
        QVERIFY(again.ok());
        QCOMPARE(again.value().segments[0].text, s.text);
        QVERIFY(again.value().segments[0].image == s.image);

        // Not ending with a user message, or bad options, is refused.
        Message assistant;
        assistant.role = Role::Assistant;
        auto bad = session.reply({ask, assistant}, o);
        QVERIFY(!bad.ok() && bad.error().code == ErrorCode::InvalidArgument);
        ReplyOptions negative = o;
        negative.temperature = -1.0f;
        auto bad2 = session.reply({ask}, negative);
        QVERIFY(!bad2.ok() && bad2.error().code == ErrorCode::InvalidArgument);
        // An image without pixels is refused, not crashed on.
        auto bad3 = session.reply({userMessage({Segment::makeImage(Image{}, "gone.png")})}, o);
        QVERIFY(!bad3.ok() && bad3.error().code == ErrorCode::InvalidArgument);
        // A message too long for the context even alone.
        std::string longText;
        for (int i = 0; i < 400; ++i) longText += "draw a red circle ";
        auto bad4 = session.reply({userMessage({Segment::makeText(longText)})}, o);
        QVERIFY(!bad4.ok() && bad4.error().code == ErrorCode::LimitExceeded);
    }

    void replyDropsOldTurnsToFit()
    {
        Session session(m_model);
        std::vector<Message> chat;
        for (int i = 0; i < 12; ++i) {
            chat.push_back(userMessage({Segment::makeImage(solidImage(64, 200, 10, static_cast<std::uint8_t>(i))),
                                        Segment::makeText("describe this image")}));
            Message a;
            a.role = Role::Assistant;
            a.segments.push_back(Segment::makeText("a red circle"));
            chat.push_back(a);
        }
        chat.push_back(userMessage({Segment::makeText("draw a red circle")}));
        auto r = session.reply(chat, {});
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    }

    // The overflow policy: earlier example pairs go first, then the oldest turns; the notice
    // says what was left out, and the answer equals the answer to the shortened conversation.
    void replyCompressesExamplesThenDropsTurns()
    {
        Session session(m_model);
        auto image = [](int i) { return Segment::makeImage(solidImage(64, 10, static_cast<std::uint8_t>(40 * i), 200)); };
        auto answer = [](const char* text) {
            Message a;
            a.role = Role::Assistant;
            a.segments.push_back(Segment::makeText(text));
            return a;
        };
        // 5 images = 2 example pairs + a query (~335 tokens), then a 2-image turn (~140 tokens):
        // with the 69 reserved for an image answer that overflows the 512-token context.
        const Message examples = userMessage({image(0), image(1), image(2), image(3), image(4), Segment::makeText("do the same")});
        const Message two = userMessage({image(5), image(6), Segment::makeText("make the red circle blue")});
        std::vector<Message> chat{examples, answer("a red circle"), two};
        ReplyOptions o;
        o.seed = 11;
        o.temperature = 1.0f;
        o.maxTextTokens = 8;
        auto r = session.replyWithNotice(chat, o);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const ContextNotice& n = r.value().context;
        QCOMPARE(n.contextTokens, m_config.transformer.contextLength);
        QCOMPARE(n.compressedMessages, 1);
        QCOMPARE(n.compressedPairs, 2);
        QCOMPARE(n.droppedMessages, 0);
        QVERIFY(n.promptTokens > 0 && n.promptTokens + 69 <= n.contextTokens);
        // The same answer as for the conversation shortened by hand: query and text kept.
        std::vector<Message> byHand{userMessage({image(4), Segment::makeText("do the same")}), answer("a red circle"), two};
        auto same = session.reply(byHand, o);
        QVERIFY(same.ok());
        QCOMPARE(same.value().segments.size(), r.value().message.segments.size());
        QCOMPARE(same.value().segments[0].text, r.value().message.segments[0].text);
        QVERIFY(same.value().segments[0].image == r.value().message.segments[0].image);

        // More turns than compression can save: whole turns leave from the front.
        for (int i = 0; i < 3; ++i) {
            chat.push_back(answer("a blue square"));
            chat.push_back(userMessage({image(7 + i), image(8 + i), Segment::makeText("how many circles are there")}));
        }
        auto dropped = session.replyWithNotice(chat, o);
        QVERIFY2(dropped.ok(), dropped.ok() ? "" : dropped.error().message.c_str());
        const ContextNotice& d = dropped.value().context;
        QVERIFY(d.droppedMessages >= 2);
        QCOMPARE(d.droppedMessages % 2, 0); // whole turns: the window starts at a user message
        QCOMPARE(d.compressedMessages, 0);  // the example message itself was left out
        QVERIFY(!d.empty());
        const std::vector<Message> window(chat.begin() + d.droppedMessages, chat.end());
        auto windowAnswer = session.reply(window, o);
        QVERIFY(windowAnswer.ok());
        QCOMPARE(windowAnswer.value().segments[0].text, dropped.value().message.segments[0].text);
        // Leaving out one turn fewer would not fit.
        const std::vector<Message> longer(chat.begin() + d.droppedMessages - 2, chat.end());
        auto fits = session.replyWithNotice(longer, o);
        QVERIFY(fits.ok());
        QCOMPARE(fits.value().context.droppedMessages, 2);

        // A conversation that fits reports nothing.
        auto plain = session.replyWithNotice({two}, o);
        QVERIFY(plain.ok());
        QVERIFY(plain.value().context.empty());
    }

    // A text answer that never ends stops where the context does. Compressed example slots
    // leave the cache but keep their positions, so the position runs out before the cache.
    void endlessTextStopsAtTheContext()
    {
        const int piece = 5; // a text piece, never eos
        auto model = loadOrFail(steeredModel("steer-text", piece));
        QVERIFY(model);
        Session session(model);
        auto image = [](int i) { return Segment::makeImage(solidImage(64, 10, static_cast<std::uint8_t>(40 * i), 200)); };
        const Message examples = userMessage({image(0), image(1), image(2), image(3), image(4), Segment::makeText("do the same")});
        for (bool compress : {true, false}) {
            ReplyOptions o;
            o.compressExamples = compress;
            o.maxTextTokens = 4 * m_config.transformer.contextLength;
            int pieces = 0;
            ReplyCallbacks cb;
            cb.progress = [&](ReplyPhase phase, int step, int) {
                if (phase == ReplyPhase::Text) pieces = step;
                return true;
            };
            auto r = session.replyWithNotice({examples}, o, cb);
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
            QCOMPARE(r.value().message.segments.size(), std::size_t(1));
            QCOMPARE(r.value().message.segments[0].kind, SegmentKind::Text);
            // Every position of the context is used: the prompt's (examples included) and the answer's.
            QCOMPARE(r.value().context.promptTokens + pieces, m_config.transformer.contextLength + 1);
        }
    }

    void replyGeneratesImageWithGuidance()
    {
        auto model = loadOrFail(steeredModel("steer-boi", m_config.vocab.boi));
        QVERIFY(model);
        Session session(model);
        const Message ask = userMessage({Segment::makeText("draw a small red circle in the center")});
        for (float guidance : {1.0f, 3.0f}) {
            ReplyOptions o;
            o.guidanceScale = guidance;
            o.temperature = 0.7f;
            o.seed = 9;
            int steps = 0, images = 0;
            ReplyCallbacks cb;
            cb.progress = [&](ReplyPhase phase, int step, int total) {
                if (phase == ReplyPhase::Image) {
                    steps = step;
                    if (total != 64) return false;
                }
                return true;
            };
            cb.imageDone = [&](const Image& img) { ++images; return img.width == 64; };
            auto r = session.reply({ask}, o, cb);
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
            QCOMPARE(r.value().segments.size(), std::size_t(1));
            QCOMPARE(r.value().segments[0].kind, SegmentKind::Image);
            QCOMPARE(r.value().segments[0].image.width, 64);
            QCOMPARE(steps, 64);
            QCOMPARE(images, 1);
            QCOMPARE(r.value().meta->options.at("guidance_scale"), double(guidance));
        }
        // Cancel raised from the progress callback mid-image.
        std::atomic<bool> cancel{false};
        ReplyCallbacks cb;
        cb.progress = [&](ReplyPhase phase, int step, int) {
            if (phase == ReplyPhase::Image && step == 10) cancel = true;
            return true;
        };
        int imagesAfterCancel = 0;
        cb.imageDone = [&](const Image&) { ++imagesAfterCancel; return true; };
        auto r = session.reply({ask}, ReplyOptions{}, cb, &cancel);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QCOMPARE(imagesAfterCancel, 0);
    }

    void replyTextStreamsAndCancels()
    {
        const int piece = m_model->impl().tokenizer.encode("red").back();
        auto model = loadOrFail(steeredModel("steer-text", piece));
        QVERIFY(model);
        Session session(model);
        const Message ask = userMessage({Segment::makeText("how many circles are there")});
        std::string streamed;
        ReplyCallbacks cb;
        cb.textDelta = [&](const std::string& d) { streamed += d; return true; };
        ReplyOptions o;
        o.maxTextTokens = 7;
        auto r = session.reply({ask}, o, cb);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QCOMPARE(r.value().segments[0].kind, SegmentKind::Text);
        // Greedy on the steered model repeats the piece up to the cap.
        const auto& tok = model->impl().tokenizer;
        QCOMPARE(r.value().segments[0].text, tok.decode(std::vector<int>(7, piece)));
        QVERIFY(r.value().segments[0].text.find("red") != std::string::npos);
        QCOMPARE(streamed, r.value().segments[0].text);

        int deltas = 0;
        cb.textDelta = [&](const std::string&) { return ++deltas < 3; };
        auto c = session.reply({ask}, o, cb);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, ErrorCode::Cancelled);
        QCOMPARE(deltas, 3);
    }

    // The earlier picture a drawing refers to: the fewest differing cells, ties to the earliest.
    void nearestImageCountsDifferingCells()
    {
        const std::vector<int> drawn{1, 2, 3, 4};
        QCOMPARE(nearestImage(drawn, {}), -1);
        QCOMPARE(nearestImage(drawn, {{9, 9, 9, 9}, {1, 2, 9, 9}, {1, 2, 3, 9}}), 2);
        QCOMPARE(nearestImage(drawn, {{1, 9, 9, 9}, {9, 2, 9, 9}}), 0);      // a tie: the earlier one
        QCOMPARE(nearestImage(drawn, {{9, 9, 9, 9}, {1, 2, 3, 4}, {1, 2, 3, 4}}), 1);
        QCOMPARE(nearestImage(drawn, {{1, 2}, {9, 9, 9, 9}}), 0);          // compared over the shorter list
    }

    // The retrieval head matches the request's words against each candidate's codes, by a soft
    // maximum: a picture holding one matching code among unrelated ones beats pictures without
    // one; its two tensors join the table only when the config asks for a head.
    void retrievalHeadScoresTheBestCode()
    {
        ModelConfig config = m_config;
        config.retrieval.embedDim = 4;
        torch::manual_seed(2);
        Network net(config);
        QVERIFY(net->hasRetrievalHead());
        std::map<std::string, std::vector<std::int64_t>> table;
        for (const auto& spec : config.tensorSpecs())
            table.emplace(spec.name, spec.shape);
        const std::vector<std::int64_t> headShape{4, config.transformer.dModel};
        QCOMPARE(table.at("retrieval.words.weight"), headShape);
        QCOMPARE(table.at("retrieval.codes.weight"), headShape);
        QCOMPARE(table.size(), m_config.tensorSpecs().size() + 2);
        const int base = config.vocab.imageBase;
        {
            torch::NoGradGuard ng;
            auto params = net->named_parameters();
            auto emb = params["tok_embeddings.weight"];
            emb.zero_();
            emb[5][0] = 1;        // word 5
            emb[6][1] = 1;        // word 6
            emb[base + 1][0] = 1; // code 1 reads like word 5
            emb[base + 2][1] = 1; // code 2 like word 6
            emb[base + 3][2] = 1; // code 3 like neither
            for (const char* name : {"retrieval.words.weight", "retrieval.codes.weight"}) {
                auto w = params[name];
                w.zero_();
                for (int i = 0; i < 4; ++i)
                    w[i][i] = 1;
            }
        }
        torch::NoGradGuard ng;
        const auto codes = torch::tensor({3, 3, 3, 3, 3, 1, 3, 3, 2, 2, 2, 2}, torch::kLong).view({3, 4});
        const auto ids = [](std::vector<std::int64_t> v) { return torch::tensor(v, torch::kLong); };
        auto scores = net->retrievalScores(ids({5}), codes);
        QCOMPARE(scores.size(0), 3);
        QCOMPARE(scores.argmax().item<std::int64_t>(), 1);
        // One matching code (cosine 1) and three at 0: 0.1 ln(e^10 + 3), just above 1; none: 0.1 ln 4.
        QVERIFY(std::abs(scores[1].item<float>() - 0.1f * std::log(std::exp(10.0f) + 3.0f)) < 1e-5f);
        QVERIFY(std::abs(scores[0].item<float>() - 0.1f * std::log(4.0f)) < 1e-5f);
        QCOMPARE(net->retrievalScores(ids({6}), codes).argmax().item<std::int64_t>(), 2);
        // Two words: the mean of their embeddings, so a code of either matches halfway.
        const float half = std::sqrt(0.5f) / 0.1f;
        QVERIFY(std::abs(net->retrievalScores(ids({5, 6}), codes)[1].item<float>() -
                         0.1f * std::log(std::exp(half) + 3.0f)) < 1e-5f);

        QVERIFY_THROWS_EXCEPTION(ArgumentError, net->retrievalScores(ids({}), codes));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, net->retrievalScores(ids({config.vocab.total}), codes));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, net->retrievalScores(ids({5}), codes + config.vocab.imageCount));
        QVERIFY_THROWS_EXCEPTION(ShapeError, net->retrievalScores(ids({5}), codes.flatten()));
        Network plain(m_config);
        QVERIFY(!plain->hasRetrievalHead());
        QVERIFY_THROWS_EXCEPTION(ArgumentError, plain->retrievalScores(ids({5}), codes));
    }

    // A model with a head answers `ret` from the request's words without drawing: the
    // retrieval phase reports only its start and its end.
    void replyRetrievesByTheHead()
    {
        const std::string dir = path("steer-ret-head");
        copyModel(steeredModel("steer-ret-plain", m_config.vocab.ret), dir, [&](std::vector<Entry>& entries) {
            const std::size_t bytes = 4 * static_cast<std::size_t>(m_config.transformer.dModel) * sizeof(float);
            for (const char* name : {"retrieval.words.weight", "retrieval.codes.weight"})
                entries.push_back(
                    {name, DType::F32, {4, m_config.transformer.dModel}, std::vector<std::uint8_t>(bytes, 0)});
        });
        auto json = nlohmann::json::parse(std::ifstream(dir + "/config.json"));
        json["retrieval"]["embed_dim"] = 4;
        std::ofstream(dir + "/config.json") << json.dump(2);
        auto model = loadOrFail(dir);
        QVERIFY(model);
        const Image a = solidImage(64, 220, 40, 40);
        std::vector<Message> chat{
            userMessage({Segment::makeImage(a, "/tmp/a.png"), Segment::makeText("describe this image")}),
            userMessage({Segment::makeText("show me the image with the red circle again")})};
        int reports = 0;
        ReplyCallbacks callbacks;
        callbacks.progress = [&](ReplyPhase phase, int, int) {
            reports += phase == ReplyPhase::Retrieval;
            return true;
        };
        Session session(model);
        session.setGallery({solidImage(64, 1, 2, 3)});
        auto r = session.reply(chat, {}, callbacks);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        QVERIFY(r.value().segments.at(0).retrieved);
        QCOMPARE(r.value().segments.at(0).retrievedFrom, 0); // all scores tie: the first candidate
        QCOMPARE(reports, 2);
    }

    // `ret` is followed by the picture the model means (one code per cell, the whole grid), and
    // an earlier picture comes back unchanged, with where it came from. This untrained test
    // codec gives every plain picture the same codes, so all candidates tie and the first wins.
    void replyRetrievesAnEarlierImage()
    {
        auto model = loadOrFail(steeredModel("steer-ret", m_config.vocab.ret));
        QVERIFY(model);
        Session session(model);
        const Image a = solidImage(64, 220, 40, 40), b = solidImage(32, 40, 80, 220);
        std::vector<Message> chat{userMessage({Segment::makeImage(a, "/tmp/a.png"), Segment::makeText("describe this image")})};
        Message reply;
        reply.role = Role::Assistant;
        reply.segments.push_back(Segment::makeImage(b, "/tmp/b.png"));
        chat.push_back(reply);
        chat.push_back(userMessage({Segment::makeText("show me the image with the red circle again")}));
        session.setGallery({solidImage(64, 1, 2, 3)});
        int steps = 0, total = 0;
        ReplyCallbacks callbacks;
        callbacks.progress = [&](ReplyPhase phase, int step, int of) {
            if (phase == ReplyPhase::Retrieval) {
                steps = step;
                total = of;
            }
            return true;
        };
        auto r = session.reply(chat, {}, callbacks);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
        const Segment& s = r.value().segments.at(0);
        QVERIFY(s.retrieved);
        QCOMPARE(s.retrievedFrom, 0);
        QVERIFY(s.image == a);
        QCOMPARE(s.path, std::string("/tmp/a.png"));
        QCOMPARE(total, m_config.codec.grid * m_config.codec.grid);
        QCOMPARE(steps, total);

        // Without any image, `ret` is not allowed: the steered model must still answer.
        auto alone = Session(model).reply({userMessage({Segment::makeText("draw a red circle")})}, {});
        QVERIFY(alone.ok());
        QVERIFY(!alone.value().segments.at(0).retrieved);
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "test_model.moc"
