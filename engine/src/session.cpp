#include "weft/session.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "audio_features.h"
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
                  const std::atomic<bool>* cancel, ContextNotice& notice);
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


// In-context example pairs of a message: a user message with n >= 3 images, n odd, holds
// (n - 1) / 2 (before, after) pairs followed by its query image (token_stream.h).
int examplePairs(const Message& message)
{
    if (message.role != Role::User) return 0;
    int images = 0;
    for (const Segment& s : message.segments)
        if (s.kind == SegmentKind::Image) ++images;
    return images >= 3 && images % 2 == 1 ? (images - 1) / 2 : 0;
}

// The message with its example pairs left out: its query image and its text stay.
Message withoutExamples(const Message& message)
{
    int skip = 2 * examplePairs(message);
    Message out;
    out.role = message.role;
    out.meta = message.meta;
    for (const Segment& s : message.segments) {
        if (s.kind == SegmentKind::Image && skip > 0) {
            --skip;
            continue;
        }
        out.segments.push_back(s);
    }
    return out;
}

// Smallest candidate whose window fits, by bisection: every candidate here leaves out at
// least what the smaller ones do, so the prompt never grows from one to the next. `fits`
// builds one stream per call; -1 when even the largest candidate does not fit.
template <class Fits>
std::ptrdiff_t smallestFitting(const std::vector<std::size_t>& candidates, Fits&& fits)
{
    if (candidates.empty() || !fits(candidates.back())) return -1;
    std::ptrdiff_t lo = 0, hi = static_cast<std::ptrdiff_t>(candidates.size()) - 1; // hi always fits
    while (lo < hi) {
        const std::ptrdiff_t mid = lo + (hi - lo) / 2;
        if (fits(candidates[static_cast<std::size_t>(mid)]))
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

// The overflow policy of ContextNotice: returns the stream of the shortened conversation,
// whose size is at most `budget` tokens, and fills in what was left out. Throws LimitError
// when the last message alone does not fit.
template <class StreamOf>
TokenStream fitToContext(const std::vector<Message>& messages, StreamOf&& streamOf, int budget, ContextNotice& notice)
{
    TokenStream stream = streamOf(messages);
    if (stream.size() <= budget) return stream;

    // (1) Earlier messages with example pairs keep only their query, oldest first.
    std::vector<std::size_t> withExamples; // indices into messages
    for (std::size_t i = 0; i + 1 < messages.size(); ++i)
        if (examplePairs(messages[i]) > 0) withExamples.push_back(i);
    auto compressedFirst = [&](std::size_t count) {
        std::vector<Message> out(messages);
        for (std::size_t j = 0; j < count; ++j) out[withExamples[j]] = withoutExamples(messages[withExamples[j]]);
        return out;
    };
    std::vector<std::size_t> counts;
    for (std::size_t k = 1; k <= withExamples.size(); ++k) counts.push_back(k);
    const std::ptrdiff_t chosen =
        smallestFitting(counts, [&](std::size_t count) { return streamOf(compressedFirst(count)).size() <= budget; });
    const std::size_t compressed = chosen >= 0 ? counts[static_cast<std::size_t>(chosen)] : withExamples.size();
    auto countCompressed = [&](std::size_t first) {
        notice.compressedMessages = 0;
        notice.compressedPairs = 0;
        for (std::size_t j = 0; j < compressed; ++j)
            if (withExamples[j] >= first) {
                ++notice.compressedMessages;
                notice.compressedPairs += examplePairs(messages[withExamples[j]]);
            }
    };
    if (chosen >= 0) {
        stream = streamOf(compressedFirst(compressed));
        countCompressed(0);
        return stream;
    }

    // (2) Then whole turns leave from the front: the window starts at a user message.
    const std::vector<Message> shortened = compressedFirst(compressed);
    std::vector<std::size_t> starts;
    for (std::size_t i = 1; i < shortened.size(); ++i)
        if (shortened[i].role == Role::User) starts.push_back(i);
    auto window = [&](std::size_t first) {
        return std::vector<Message>(shortened.begin() + static_cast<std::ptrdiff_t>(first), shortened.end());
    };
    const std::ptrdiff_t start = smallestFitting(starts, [&](std::size_t first) { return streamOf(window(first)).size() <= budget; });
    if (start < 0) {
        const TokenStream last = streamOf(window(shortened.size() - 1));
        throw LimitError("reply: the last user message needs " + std::to_string(last.size()) +
                         " tokens; with room for the answer the model's context of " +
                         std::to_string(notice.contextTokens) + " tokens allows " + std::to_string(budget));
    }
    const std::size_t first = starts[static_cast<std::size_t>(start)];
    stream = streamOf(window(first));
    notice.droppedMessages = static_cast<int>(first);
    countCompressed(first);
    return stream;
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
                             const ReplyCallbacks& callbacks, const std::atomic<bool>* cancel, ContextNotice& notice)
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

    // When the prompt and the longest answer (an image) do not fit, the overflow policy of
    // ContextNotice shortens the conversation; `notice` says what it left out.
    const int grid2 = config.codec.grid * config.codec.grid;
    const int context = config.transformer.contextLength;
    const int reserve = grid2 + 5;
    auto codesOf = [this](const Image& image) { return imageCodes(image); };
    const AudioFeatureFunction audioOf = [&config](const AudioClip& clip) {
        return modelAudioFeatures(clip, config.audio);
    };
    auto streamOf = [&](const std::vector<Message>& window) {
        stopIf(false);
        return buildStream(window, nullptr, m.tokenizer, config, codesOf, options.compressExamples, audioOf);
    };
    notice = ContextNotice{};
    notice.contextTokens = context;
    TokenStream stream = fitToContext(messages, streamOf, context - reserve, notice);
    notice.promptTokens = stream.size();
    progress(ReplyPhase::Encoding, 1, 1);

    // Prefill the prompt, then drop the raw tokens of compressed example pairs: later tokens
    // cannot see them anyway, and removing them keeps decoding short.
    const int promptLength = stream.size();
    KvCache cache = net.makeCache(1);
    std::vector<std::int64_t> ids(stream.ids.begin(), stream.ids.end());
    std::vector<std::int64_t> positions(stream.positions.begin(), stream.positions.end());
    auto mask = attentionMask(stream).view({1, 1, promptLength, promptLength});
    std::vector<AudioInput> audio;
    for (const auto& span : stream.audioSpans) audio.push_back({0, span.start, span.mel});
    auto hidden = net.forwardCached(tokenTensor(ids, 1, device), tokenTensor(positions, 1, device), mask, {}, cache, audio);
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
    auto outcome = replyWithNotice(messages, options, callbacks, cancel);
    if (!outcome.ok()) return outcome.error();
    return std::move(outcome.value().message);
}

Result<ReplyOutcome> Session::replyWithNotice(const std::vector<Message>& messages, const ReplyOptions& options,
                                              const ReplyCallbacks& callbacks, const std::atomic<bool>* cancel)
{
    return guarded([&]() -> Result<ReplyOutcome> {
        if (!m_impl->model) throw ArgumentError("reply: the session has no model");
        ReplyOutcome outcome;
        outcome.message = m_impl->reply(messages, options, callbacks, cancel, outcome.context);
        return outcome;
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
