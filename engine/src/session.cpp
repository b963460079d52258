#include "weft/session.h"

#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include "audio_features.h"
#include "errors.h"
#include "image_decoder.h"
#include "model_loader.h"
#include "retrieval.h"
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

// The message with its example pairs left out: its query image and its text stay.
Message withoutExamples(const Message& message)
{
    int skip = 2 * examplePairCount(message);
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
        if (examplePairCount(messages[i]) > 0) withExamples.push_back(i);
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
                notice.compressedPairs += examplePairCount(messages[withExamples[j]]);
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

namespace {

// One reply in progress: the model, the options and callbacks, and the decoding state after
// the prompt (cache, position, the prompt's last hidden state).
struct ReplyRun {
    const Model::Impl& model;
    NetworkImpl& net;
    const ReplyOptions& options;
    const ReplyCallbacks& callbacks;
    const std::atomic<bool>* cancel;
    ImageCodeFunction imageCodes; // the session's cached codec
    Sampler sampler;
    KvCache cache;
    torch::Tensor last;          // hidden state of the latest token, [d]
    std::int64_t position = 0;   // rotary position of the next token

    ReplyRun(const Model::Impl& m, const ReplyOptions& o, const ReplyCallbacks& c, const std::atomic<bool>* stop,
             ImageCodeFunction codes)
        : model(m), net(*m.network), options(o), callbacks(c), cancel(stop), imageCodes(std::move(codes)),
          sampler(o.seed, SamplerOptions{o.temperature, o.topK, o.topP}), cache(m.network->makeCache(1))
    {
    }

    void stopIf(bool stop) const
    {
        if (stop || (cancel && cancel->load(std::memory_order_relaxed))) throw CancelledError();
    }
    void progress(ReplyPhase phase, int step, int total) const
    {
        stopIf(callbacks.progress && !callbacks.progress(phase, step, total));
    }
    // Whether one more token fits: a free cache slot and a position the network knows. Dropped
    // example slots free cache slots but not positions, so both are checked.
    bool roomForToken() const
    {
        return cache.remaining() >= 1 && position < model.config.transformer.contextLength;
    }
    // Appends one token to the conditional stream; returns its hidden state.
    torch::Tensor feed(int token)
    {
        auto h = net.forwardCached(tokenTensor({token}, 1, model.device), tokenTensor({position}, 1, model.device), {},
                                   {}, cache);
        ++position;
        return h[0][0];
    }
};

// Every image of the conversation (in order) then the gallery: what `ret` may return.
std::vector<Candidate> retrievalCandidates(const std::vector<Message>& messages, const std::vector<Image>& gallery)
{
    std::vector<Candidate> candidates;
    for (const Message& msg : messages)
        for (const Segment& s : msg.segments)
            if (s.kind == SegmentKind::Image) {
                if (s.image.empty())
                    throw ArgumentError("reply: expected decoded pixels for image '" + s.path + "', found none");
                candidates.push_back({&s.image, s.path});
            }
    for (const Image& g : gallery) candidates.push_back({&g, {}});
    return candidates;
}

// Runs the prompt through the network into run.cache, then drops the raw tokens of
// compressed example pairs: later tokens cannot see them anyway, and removing them keeps
// decoding short.
void prefill(ReplyRun& run, const TokenStream& stream)
{
    const int length = stream.size();
    std::vector<std::int64_t> ids(stream.ids.begin(), stream.ids.end());
    std::vector<std::int64_t> positions(stream.positions.begin(), stream.positions.end());
    auto mask = attentionMask(stream).view({1, 1, length, length});
    std::vector<AudioInput> audio;
    for (const auto& span : stream.audioSpans) audio.push_back({0, span.start, span.mel});
    const auto& device = run.model.device;
    auto hidden = run.net.forwardCached(tokenTensor(ids, 1, device), tokenTensor(positions, 1, device), mask, {},
                                        run.cache, audio);
    dropExampleSlots(run.cache, stream);
    run.last = hidden[0][length - 1];
    run.position = length;
}

// grid*grid image codes after `boi` (fed here), picked by `sampler` with `guidance`, with a
// progress report of `phase` per code.
std::vector<int> drawCodes(ReplyRun& run, Sampler& sampler, float guidance, ReplyPhase phase)
{
    const VocabLayout& vocab = run.model.config.vocab;
    const int grid2 = run.model.config.codec.grid * run.model.config.codec.grid;
    ImageDecoder streams(run.net, vocab, run.model.device, run.cache, run.position, guidance);
    std::vector<int> codes;
    codes.reserve(static_cast<std::size_t>(grid2));
    const std::vector<TokenRange> imageRange{{vocab.imageBase, vocab.imageBase + vocab.imageCount}};
    for (int step = 0; step < grid2; ++step) {
        const int next = sampler.sample(streams.logits(), imageRange);
        codes.push_back(next - vocab.imageBase);
        run.progress(phase, step + 1, grid2);
        if (step + 1 < grid2) streams.feed(next);
    }
    return codes;
}

// The answer's image: grid*grid codes after `boi`, decoded by the codec.
Segment drawImage(ReplyRun& run)
{
    const auto codes = drawCodes(run, run.sampler, run.options.guidanceScale, ReplyPhase::Image);
    auto codeTensor = torch::tensor(codes).to(run.model.device, torch::kLong).view({1, -1});
    Image image = run.net.codec()->decodeImages(codeTensor).at(0);
    run.stopIf(run.callbacks.imageDone && !run.callbacks.imageDone(image));
    return Segment::makeImage(std::move(image));
}

// The answer's text: pieces until eos, the cap or a full context, streamed as deltas.
Segment writeText(ReplyRun& run, int token)
{
    const VocabLayout& vocab = run.model.config.vocab;
    const Tokenizer& tokenizer = run.model.tokenizer;
    std::vector<int> pieces;
    std::string emitted;
    const std::vector<TokenRange> textRange{{0, vocab.textVocab}, {vocab.eos, vocab.eos + 1}};
    while (token != vocab.eos) {
        pieces.push_back(token);
        const std::string decoded = tokenizer.decode(pieces);
        if (decoded.size() > emitted.size() && decoded.compare(0, emitted.size(), emitted) == 0) {
            run.stopIf(run.callbacks.textDelta && !run.callbacks.textDelta(decoded.substr(emitted.size())));
            emitted = decoded;
        }
        run.progress(ReplyPhase::Text, static_cast<int>(pieces.size()), run.options.maxTextTokens);
        if (static_cast<int>(pieces.size()) >= run.options.maxTextTokens || !run.roomForToken()) break;
        token = run.sampler.sample(run.net.logits(run.feed(token)), textRange);
        run.stopIf(false);
    }
    return Segment::makeText(tokenizer.decode(pieces));
}

MessageMeta replyMeta(const Model::Impl& m, const ReplyOptions& options, std::chrono::steady_clock::time_point started)
{
    MessageMeta meta;
    meta.modelId = m.config.name;
    meta.modelHash = m.info.sha256;
    meta.seed = options.seed;
    meta.options = {{"temperature", options.temperature},
                    {"top_k", options.topK},
                    {"top_p", options.topP},
                    {"guidance_scale", options.guidanceScale},
                    {"max_text_tokens", options.maxTextTokens},
                    {"compress_examples", options.compressExamples ? 1.0 : 0.0}};
    meta.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return meta;
}

// Retrieval without a head: the model was trained to follow `ret` with the picture asked for,
// so it draws that picture (greedily: a retrieval is not a creative act, and no guidance,
// since the unconditional stream knows no earlier pictures) and the nearest candidate
// (nearestImage) is chosen.
int retrieveByDrawing(ReplyRun& run, const std::vector<std::vector<int>>& candidateCodes)
{
    run.feed(run.model.config.vocab.ret);
    Sampler greedy(0, SamplerOptions{});
    const std::vector<int> drawn = drawCodes(run, greedy, 1.0f, ReplyPhase::Retrieval);
    return nearestImage(drawn, candidateCodes);
}

// Retrieval with the head: the candidate whose codes best match the request's words
// (argmax: ties go to the earliest candidate).
int retrieveByHead(ReplyRun& run, const std::vector<int>& request, const std::vector<std::vector<int>>& candidateCodes)
{
    const auto rows = static_cast<std::int64_t>(candidateCodes.size());
    const std::vector<std::int64_t> ids(request.begin(), request.end());
    const auto codes = concatenatedCodes(candidateCodes, candidateCodes.size());
    const auto scores =
        run.net.retrievalScores(torch::tensor(ids, torch::kLong), tokenTensor(codes, rows, torch::kCPU));
    const int grid2 = run.model.config.codec.grid * run.model.config.codec.grid;
    run.progress(ReplyPhase::Retrieval, grid2, grid2);
    return static_cast<int>(scores.argmax().item<std::int64_t>());
}

// The earlier image `ret` points at, returned unchanged: by the retrieval head when the model
// has one and the request has words, else by drawing.
Segment retrieve(ReplyRun& run, const std::vector<Message>& messages, const std::vector<Candidate>& candidates)
{
    const int grid2 = run.model.config.codec.grid * run.model.config.codec.grid;
    run.progress(ReplyPhase::Retrieval, 0, grid2);
    std::vector<std::vector<int>> codes;
    for (const Candidate& c : candidates) codes.push_back(run.imageCodes(*c.image));
    const std::vector<int> request =
        run.net.hasRetrievalHead() ? requestTokens(messages, run.model.tokenizer) : std::vector<int>{};
    const int best = request.empty() ? retrieveByDrawing(run, codes) : retrieveByHead(run, request, codes);
    const Candidate& chosen = candidates.at(static_cast<std::size_t>(best));
    Segment segment = Segment::makeImage(*chosen.image, chosen.path);
    segment.retrieved = true;
    segment.retrievedFrom = best;
    return segment;
}

// The prompt's stream; when the prompt and the longest answer (an image) do not fit, the
// overflow policy of ContextNotice shortens the conversation and `notice` says what it left out.
TokenStream promptStream(const ReplyRun& run, const std::vector<Message>& messages, ContextNotice& notice)
{
    const ModelConfig& config = run.model.config;
    const int context = config.transformer.contextLength;
    const int reserve = config.codec.grid * config.codec.grid + 5;
    const AudioFeatureFunction audioOf = [&config](const AudioClip& clip) { return modelAudioFeatures(clip, config.audio); };
    auto streamOf = [&](const std::vector<Message>& window) {
        run.stopIf(false);
        return buildStream(window, nullptr, run.model.tokenizer, config, run.imageCodes, run.options.compressExamples, audioOf);
    };
    notice = ContextNotice{};
    notice.contextTokens = context;
    TokenStream stream = fitToContext(messages, streamOf, context - reserve, notice);
    notice.promptTokens = stream.size();
    return stream;
}

} // namespace

Message Session::Impl::reply(const std::vector<Message>& messages, const ReplyOptions& options,
                             const ReplyCallbacks& callbacks, const std::atomic<bool>* cancel, ContextNotice& notice)
{
    const auto started = std::chrono::steady_clock::now();
    const Model::Impl& m = model->impl();
    const VocabLayout& vocab = m.config.vocab;
    torch::NoGradGuard noGrad;

    if (messages.empty() || messages.back().role != Role::User)
        throw ArgumentError(std::string("reply: expected the last message to be a user message, found ") +
                            (messages.empty() ? "no messages" : "an assistant message"));
    checkOptions(options);
    ReplyRun run(m, options, callbacks, cancel, [this](const Image& image) { return imageCodes(image); });
    run.progress(ReplyPhase::Encoding, 0, 1);
    const std::vector<Candidate> candidates = retrievalCandidates(messages, gallery);
    const TokenStream stream = promptStream(run, messages, notice);
    run.progress(ReplyPhase::Encoding, 1, 1);
    prefill(run, stream);

    // The first token decides the kind of answer: text, an image (boi) or a retrieval (ret).
    std::vector<TokenRange> firstAllowed{{0, vocab.textVocab}, {vocab.boi, vocab.boi + 1}};
    if (!candidates.empty()) firstAllowed.push_back({vocab.ret, vocab.ret + 1});
    const int token = run.sampler.sample(run.net.logits(run.last), firstAllowed);
    run.stopIf(false);

    Message answer;
    answer.role = Role::Assistant;
    if (token == vocab.boi)
        answer.segments.push_back(drawImage(run));
    else if (token == vocab.ret)
        answer.segments.push_back(retrieve(run, messages, candidates));
    else
        answer.segments.push_back(writeText(run, token));
    answer.meta = replyMeta(m, options, started);
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
