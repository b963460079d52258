#include "weft/session.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "errors.h"
#include "model_loader.h"
#include "sampler.h"
#include "sha256.h"
#include "token_stream.h"

namespace weft {

struct Session::Impl {
    std::shared_ptr<const Model> model;
    std::vector<Image> gallery;
    // Codes of images already seen in this chat, keyed by a hash of their pixels: earlier
    // turns are re-encoded on every reply otherwise.
    std::map<std::string, std::vector<int>> codeCache;

    Message reply(const std::vector<Message>& messages, const ReplyOptions& options, const ReplyCallbacks& callbacks,
                  const std::atomic<bool>* cancel);
    std::vector<int> imageCodes(const Image& image);
};

namespace {

struct Candidate {
    const Image* image;
    std::string path;
};

void checkOptions(const ReplyOptions& o)
{
    if (!std::isfinite(o.guidanceScale) || o.guidanceScale < 0.0f)
        throw ArgumentError("guidance scale: expected a finite value >= 0, found " + std::to_string(o.guidanceScale));
    if (o.maxTextTokens < 1)
        throw ArgumentError("maximum text tokens: expected at least 1, found " + std::to_string(o.maxTextTokens));
}

torch::Tensor tokenTensor(const std::vector<std::int64_t>& values, std::int64_t rows, const torch::Device& device)
{
    const auto cols = static_cast<std::int64_t>(values.size()) / rows;
    return torch::tensor(values, torch::kLong).view({rows, cols}).to(device);
}

} // namespace

std::vector<int> Session::Impl::imageCodes(const Image& image)
{
    const Model::Impl& m = model->impl();
    const int size = m.config.codec.imageSize;
    std::string key = std::to_string(image.width) + "x" + std::to_string(image.height) + ":" +
                      sha256Hex(image.rgb.data(), image.rgb.size());
    auto it = codeCache.find(key);
    if (it != codeCache.end()) return it->second;
    const Image input = (image.width == size && image.height == size) ? image : resizeArea(image, size, size);
    auto codes = m.network->codec()->encodeImages({input}).to(torch::kCPU, torch::kLong).contiguous();
    std::vector<int> out(codes.data_ptr<int64_t>(), codes.data_ptr<int64_t>() + codes.numel());
    codeCache.emplace(std::move(key), out);
    return out;
}

Message Session::Impl::reply(const std::vector<Message>& messages, const ReplyOptions& options,
                             const ReplyCallbacks& callbacks, const std::atomic<bool>* cancel)
{
    const auto started = std::chrono::steady_clock::now();
    const Model::Impl& m = model->impl();
    const ModelConfig& config = m.config;
    const VocabLayout& vocab = config.vocab;
    NetworkImpl& net = *m.network;
    const torch::Device device = m.device;
    torch::NoGradGuard noGrad;

    if (messages.empty() || messages.back().role != Role::User)
        throw ArgumentError(std::string("reply: expected the last message to be a user message, found ") +
                            (messages.empty() ? "no messages" : "an assistant message"));
    checkOptions(options);
    Sampler sampler(options.seed, SamplerOptions{options.temperature, options.topK, options.topP});

    auto stopIf = [&](bool stop) {
        if (stop || (cancel && cancel->load(std::memory_order_relaxed))) throw CancelledError();
    };
    auto progress = [&](ReplyPhase phase, int step, int total) {
        stopIf(callbacks.progress && !callbacks.progress(phase, step, total));
    };
    progress(ReplyPhase::Encoding, 0, 1);

    // Every image of the conversation (in order) then the gallery: what `ret` may return.
    std::vector<Candidate> candidates;
    for (const Message& msg : messages)
        for (const Segment& s : msg.segments)
            if (s.kind == SegmentKind::Image) {
                if (s.image.empty())
                    throw ArgumentError("reply: expected decoded pixels for image '" + s.path + "', found none");
                candidates.push_back({&s.image, s.path});
            }
    for (const Image& g : gallery) candidates.push_back({&g, {}});

    // Oldest turns go first when the prompt and the longest answer (an image) do not fit.
    const int grid2 = config.codec.grid * config.codec.grid;
    const int context = config.transformer.contextLength;
    const int reserve = grid2 + 5;
    auto codesOf = [this](const Image& image) { return imageCodes(image); };
    TokenStream stream;
    for (std::size_t first = 0;; ++first) {
        std::vector<Message> window(messages.begin() + static_cast<std::ptrdiff_t>(first), messages.end());
        stream = buildStream(window, nullptr, m.tokenizer, config, codesOf, options.compressExamples);
        if (stream.size() + reserve <= context) break;
        stopIf(false);
        if (first + 1 == messages.size())
            throw LimitError("reply: the last user message needs " + std::to_string(stream.size()) +
                             " tokens plus " + std::to_string(reserve) + " for the answer; the model's context is " +
                             std::to_string(context) + " tokens");
    }
    progress(ReplyPhase::Encoding, 1, 1);

    // Prefill the prompt, then drop the raw tokens of compressed example pairs: later tokens
    // cannot see them anyway, and removing them keeps decoding short.
    const int promptLength = stream.size();
    KvCache cache = net.makeCache(1);
    std::vector<std::int64_t> ids(stream.ids.begin(), stream.ids.end());
    std::vector<std::int64_t> positions(stream.positions.begin(), stream.positions.end());
    auto mask = attentionMask(stream).view({1, 1, promptLength, promptLength});
    auto hidden = net.forwardCached(tokenTensor(ids, 1, device), tokenTensor(positions, 1, device), mask, {}, cache);
    if (!stream.groupEnd.empty()) {
        std::vector<int> raw;
        for (int i = 0; i < promptLength; ++i)
            if (stream.exampleGroup[static_cast<std::size_t>(i)] >= 0) raw.push_back(i);
        cache.dropSlots(0, raw);
        cache.compact();
    }
    torch::Tensor last = hidden[0][promptLength - 1];
    std::int64_t position = promptLength;
    auto feed = [&](int token) {
        auto h = net.forwardCached(tokenTensor({token}, 1, device), tokenTensor({position}, 1, device), {}, {}, cache);
        ++position;
        return h[0][0];
    };

    std::vector<TokenRange> firstAllowed{{0, vocab.textVocab}, {vocab.boi, vocab.boi + 1}};
    if (!candidates.empty()) firstAllowed.push_back({vocab.ret, vocab.ret + 1});
    int token = sampler.sample(net.logits(last), firstAllowed);
    stopIf(false);

    Message answer;
    answer.role = Role::Assistant;
    if (token == vocab.boi) {
        const bool guided = options.guidanceScale != 1.0f;
        std::vector<int> codes;
        codes.reserve(static_cast<std::size_t>(grid2));
        torch::Tensor condHidden, uncondHidden;
        std::optional<KvCache> pair;
        std::int64_t uncondPosition = 0;
        if (guided) {
            // Both guidance streams run as one batch of two rows: row 0 continues the prompt,
            // row 1 is the unconditional stream `bos user eos assistant boi`.
            pair.emplace(net.makeCache(2));
            pair->copyRowFrom(cache, 0, 0);
            const std::vector<std::int64_t> uncond{vocab.bos, vocab.user, vocab.eos, vocab.assistant, vocab.boi};
            const auto n = static_cast<std::int64_t>(uncond.size());
            std::vector<std::int64_t> rows(uncond.size(), vocab.eos);
            rows[0] = vocab.boi;
            rows.insert(rows.end(), uncond.begin(), uncond.end());
            std::vector<std::int64_t> pos(uncond.size(), position);
            for (std::int64_t i = 0; i < n; ++i) pos.push_back(i);
            auto valid = torch::ones({2, n}, torch::kBool);
            valid[0].narrow(0, 1, n - 1).fill_(false);
            auto h = net.forwardCached(tokenTensor(rows, 2, device), tokenTensor(pos, 2, device), {}, valid, *pair);
            condHidden = h[0][0];
            uncondHidden = h[1][n - 1];
            ++position;
            uncondPosition = n;
        } else {
            condHidden = feed(vocab.boi);
        }
        const std::vector<TokenRange> imageRange{{vocab.imageBase, vocab.imageBase + vocab.imageCount}};
        for (int step = 0; step < grid2; ++step) {
            torch::Tensor logits;
            if (guided) {
                auto both = net.logits(torch::stack({condHidden, uncondHidden}));
                logits = both[1] + options.guidanceScale * (both[0] - both[1]);
            } else {
                logits = net.logits(condHidden);
            }
            const int next = sampler.sample(logits, imageRange);
            codes.push_back(next - vocab.imageBase);
            progress(ReplyPhase::Image, step + 1, grid2);
            if (step + 1 == grid2) break;
            if (guided) {
                auto h = net.forwardCached(tokenTensor({next, next}, 2, device),
                                           tokenTensor({position, uncondPosition}, 2, device), {}, {}, *pair);
                ++position;
                ++uncondPosition;
                condHidden = h[0][0];
                uncondHidden = h[1][0];
            } else {
                condHidden = feed(next);
            }
        }
        auto codeTensor = torch::tensor(std::vector<std::int64_t>(codes.begin(), codes.end()), torch::kLong)
                              .view({1, grid2})
                              .to(device);
        Image image = net.codec()->decodeImages(codeTensor).at(0);
        stopIf(callbacks.imageDone && !callbacks.imageDone(image));
        answer.segments.push_back(Segment::makeImage(std::move(image)));
    } else if (token == vocab.ret) {
        progress(ReplyPhase::Retrieval, 0, 1);
        auto query = net.retrievalQuery(feed(vocab.ret)); // [e]
        std::vector<std::int64_t> all;
        all.reserve(candidates.size() * static_cast<std::size_t>(grid2));
        for (const Candidate& c : candidates) {
            const auto codes = imageCodes(*c.image);
            all.insert(all.end(), codes.begin(), codes.end());
        }
        auto keys = net.imageKeys(tokenTensor(all, static_cast<std::int64_t>(candidates.size()), device));
        const int best = static_cast<int>(keys.matmul(query).argmax().item<int64_t>());
        const Candidate& chosen = candidates[static_cast<std::size_t>(best)];
        Segment segment = Segment::makeImage(*chosen.image, chosen.path);
        segment.retrieved = true;
        segment.retrievedFrom = best;
        progress(ReplyPhase::Retrieval, 1, 1);
        answer.segments.push_back(std::move(segment));
    } else {
        std::vector<int> pieces;
        std::string emitted;
        const std::vector<TokenRange> textRange{{0, vocab.textVocab}, {vocab.eos, vocab.eos + 1}};
        while (token != vocab.eos) {
            pieces.push_back(token);
            const std::string decoded = m.tokenizer.decode(pieces);
            if (decoded.size() > emitted.size() && decoded.compare(0, emitted.size(), emitted) == 0) {
                stopIf(callbacks.textDelta && !callbacks.textDelta(decoded.substr(emitted.size())));
                emitted = decoded;
            }
            progress(ReplyPhase::Text, static_cast<int>(pieces.size()), options.maxTextTokens);
            if (static_cast<int>(pieces.size()) >= options.maxTextTokens || cache.remaining() < 1) break;
            token = sampler.sample(net.logits(feed(token)), textRange);
            stopIf(false);
        }
        answer.segments.push_back(Segment::makeText(m.tokenizer.decode(pieces)));
    }

    MessageMeta meta;
    meta.modelId = config.name;
    meta.modelHash = m.info.sha256;
    meta.seed = options.seed;
    meta.options = {{"temperature", options.temperature},
                    {"top_k", options.topK},
                    {"top_p", options.topP},
                    {"guidance_scale", options.guidanceScale},
                    {"max_text_tokens", options.maxTextTokens},
                    {"compress_examples", options.compressExamples ? 1.0 : 0.0}};
    meta.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    answer.meta = meta;
    return answer;
}

Session::Session(std::shared_ptr<const Model> model) : m_impl(std::make_unique<Impl>())
{
    m_impl->model = std::move(model);
}

Session::~Session() = default;

Result<Message> Session::reply(const std::vector<Message>& messages, const ReplyOptions& options,
                               const ReplyCallbacks& callbacks, const std::atomic<bool>* cancel)
{
    return guarded([&]() -> Result<Message> {
        if (!m_impl->model) throw ArgumentError("reply: the session has no model");
        return m_impl->reply(messages, options, callbacks, cancel);
    });
}

void Session::setGallery(std::vector<Image> images)
{
    m_impl->gallery = std::move(images);
}

const Model& Session::model() const noexcept
{
    return *m_impl->model;
}

} // namespace weft
