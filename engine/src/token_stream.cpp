#include "token_stream.h"

#include <algorithm>
#include <string>

#include "errors.h"

namespace weft {
namespace {

class StreamBuilder {
public:
    StreamBuilder(const Tokenizer& tokenizer, const ModelConfig& config, const ImageCodeFunction& imageCodes, bool compress,
                  const AudioFeatureFunction& audioFeatures)
        : m_tokenizer(tokenizer), m_config(config), m_vocab(config.vocab), m_imageCodes(imageCodes),
          m_audioFeatures(audioFeatures), m_compress(compress)
    {
    }

    void push(int id, bool target, int group = -1)
    {
        m_stream.positions.push_back(m_stream.size());
        m_stream.ids.push_back(id);
        m_stream.lossMask.push_back(target ? 1 : 0);
        m_stream.exampleGroup.push_back(group);
    }

    void image(const Segment& segment, bool target, int group)
    {
        if (segment.image.empty())
            throw ArgumentError("token stream: expected decoded pixels for image '" + segment.path + "', found none");
        if (!m_imageCodes) throw ArgumentError("token stream: no image encoder was given");
        const std::vector<int> codes = m_imageCodes(segment.image);
        const int expected = m_config.codec.grid * m_config.codec.grid;
        if (static_cast<int>(codes.size()) != expected)
            throw ShapeError("token stream: expected " + std::to_string(expected) + " image codes, found " +
                             std::to_string(codes.size()));
        push(m_vocab.boi, target, group);
        m_stream.imageStarts.push_back(m_stream.size());
        for (int c : codes) {
            if (c < 0 || c >= m_vocab.imageCount)
                throw ShapeError("token stream: expected image codes in [0, " + std::to_string(m_vocab.imageCount) +
                                 "), found " + std::to_string(c));
            push(m_vocab.imageBase + c, target, group);
        }
        push(m_vocab.eoi, target, group);
    }

    void text(const std::string& text, bool target)
    {
        for (int id : m_tokenizer.encode(text)) push(id, target);
    }

    void audio(const Segment& segment, bool target)
    {
        if (!m_config.audio.enabled) throw ArgumentError("this model has no audio encoder and cannot read audio");
        if (target) throw ArgumentError("token stream: expected audio in user messages only, found it in an answer");
        if (segment.audio.empty())
            throw ArgumentError("token stream: expected decoded samples for audio '" + segment.path + "', found none");
        if (!m_audioFeatures) throw ArgumentError("token stream: no audio encoder was given");
        torch::Tensor mel = m_audioFeatures(segment.audio);
        if (mel.dim() != 2 || mel.size(0) < 1 || mel.size(1) != m_config.audio.melBins)
            throw ShapeError("token stream: expected log-mel features [frames >= 1, " +
                             std::to_string(m_config.audio.melBins) + "], found " + std::to_string(mel.dim()) +
                             "-d features");
        push(m_vocab.boa, false);
        m_stream.audioSpans.push_back({m_stream.size(), mel});
        const int n = audioTokenCount(static_cast<int>(mel.size(0)), m_config.audio);
        for (int i = 0; i < n; ++i) push(m_vocab.boa, false);
        push(m_vocab.eoa, false);
    }

    void message(const Message& m, bool target, bool isAnswer)
    {
        if (!isAnswer) push(m.role == Role::User ? m_vocab.user : m_vocab.assistant, false);
        const int exampleImages = isAnswer ? 0 : 2 * examplePairCount(m);
        const bool examples = exampleImages > 0;

        // Example images are grouped by pair: the pair's raw span runs from the first image's
        // boi to the second image's eoi, including anything written between them.
        int imageIndex = 0;
        for (const Segment& s : m.segments) {
            switch (s.kind) {
            case SegmentKind::Text:
                if (imageIndex % 2 == 1 && imageIndex < exampleImages && m_compress) {
                    const int before = m_stream.size();
                    text(s.text, target);
                    std::fill(m_stream.exampleGroup.begin() + before, m_stream.exampleGroup.end(), m_pairBase + imageIndex / 2);
                } else {
                    text(s.text, target);
                }
                break;
            case SegmentKind::Audio:
                audio(s, target);
                break;
            case SegmentKind::Image:
                // A retrieved answer is `ret` and then the picture itself: the model learns to
                // reproduce what was asked for, and the reply returns the candidate nearest to
                // what it draws.
                if (isAnswer && s.retrieved) push(m_vocab.ret, target);
                if (imageIndex < exampleImages && m_compress) {
                    const int pair = m_pairBase + imageIndex / 2;
                    image(s, target, pair);
                    if (imageIndex % 2 == 1) {
                        for (int k = 0; k < m_vocab.compressionCount; ++k) push(m_vocab.compressionBase + k, target);
                        m_stream.groupEnd.push_back(m_stream.size());
                    }
                } else {
                    image(s, target, -1);
                }
                ++imageIndex;
                break;
            }
        }
        if (examples && m_compress) m_pairBase += exampleImages / 2;
        push(m_vocab.eos, target);
    }

    TokenStream take() { return std::move(m_stream); }

private:
    const Tokenizer& m_tokenizer;
    const ModelConfig& m_config;
    const VocabLayout& m_vocab;
    const ImageCodeFunction& m_imageCodes;
    const AudioFeatureFunction& m_audioFeatures;
    bool m_compress;
    int m_pairBase = 0;
    TokenStream m_stream;
};

} // namespace

int imageCount(const Message& message)
{
    int images = 0;
    for (const Segment& s : message.segments)
        if (s.kind == SegmentKind::Image) ++images;
    return images;
}

int examplePairCount(const Message& message)
{
    if (message.role != Role::User) return 0;
    const int images = imageCount(message);
    return images >= 3 && images % 2 == 1 ? (images - 1) / 2 : 0;
}

TokenStream buildStream(const std::vector<Message>& messages, const Message* answer, const Tokenizer& tokenizer,
                        const ModelConfig& config, const ImageCodeFunction& imageCodes, bool compress,
                        const AudioFeatureFunction& audioFeatures)
{
    StreamBuilder builder(tokenizer, config, imageCodes, compress, audioFeatures);
    builder.push(config.vocab.bos, false);
    for (const Message& m : messages) builder.message(m, false, false);
    builder.push(config.vocab.assistant, false);
    if (answer) builder.message(*answer, true, true);
    return builder.take();
}

bool mayAttend(const TokenStream& stream, int t, int s)
{
    if (s > t) return false;
    const int g = stream.exampleGroup[static_cast<std::size_t>(s)];
    if (g < 0 || g >= static_cast<int>(stream.groupEnd.size())) return true;
    return t < stream.groupEnd[static_cast<std::size_t>(g)];
}

torch::Tensor attentionMask(const TokenStream& stream)
{
    const int t = stream.size();
    auto mask = torch::ones({t, t}, torch::kBool).tril();
    if (stream.groupEnd.empty()) return mask;
    auto acc = mask.accessor<bool, 2>();
    for (int s = 0; s < t; ++s) {
        const int g = stream.exampleGroup[static_cast<std::size_t>(s)];
        if (g < 0 || g >= static_cast<int>(stream.groupEnd.size())) continue;
        for (int q = stream.groupEnd[static_cast<std::size_t>(g)]; q < t; ++q) acc[q][s] = false;
    }
    return mask;
}

StreamBatch batchStreams(const std::vector<TokenStream>& streams, int padId)
{
    if (streams.empty()) throw ArgumentError("batchStreams: expected at least one stream, found none");
    int longest = 0;
    for (const auto& s : streams) longest = std::max(longest, s.size());
    const auto b = static_cast<int64_t>(streams.size());
    StreamBatch batch;
    batch.ids = torch::full({b, longest}, padId, torch::kLong);
    batch.positions = torch::arange(longest, torch::kLong).unsqueeze(0).repeat({b, 1});
    batch.mask = torch::zeros({b, 1, longest, longest}, torch::kBool);
    batch.lossMask = torch::zeros({b, longest}, torch::kFloat);
    batch.valid = torch::zeros({b, longest}, torch::kBool);
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto loss = batch.lossMask.accessor<float, 2>();
    auto valid = batch.valid.accessor<bool, 2>();
    for (int64_t r = 0; r < b; ++r) {
        const TokenStream& s = streams[static_cast<std::size_t>(r)];
        for (int i = 0; i < s.size(); ++i) {
            ids[r][i] = s.ids[static_cast<std::size_t>(i)];
            loss[r][i] = static_cast<float>(s.lossMask[static_cast<std::size_t>(i)]);
            valid[r][i] = true;
        }
        if (s.size() > 0) batch.mask[r][0].narrow(0, 0, s.size()).narrow(1, 0, s.size()).copy_(attentionMask(s));
        for (const auto& span : s.audioSpans) batch.audio.push_back({static_cast<int>(r), span.start, span.mel});
    }
    return batch;
}

} // namespace weft
