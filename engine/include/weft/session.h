#pragma once
// Per-chat state (KV cache, image cache) over a shared Model. One Session per conversation;
// a Session is not thread-safe, but different Sessions over one Model may run concurrently.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "weft/message.h"
#include "weft/model.h"

namespace weft {

struct ReplyOptions {
    std::uint64_t seed = 0;
    float temperature = 0.0f;       ///< 0 = greedy (argmax); otherwise softmax temperature
    int topK = 0;                   ///< 0 = off
    float topP = 1.0f;              ///< nucleus threshold; 1 = off
    float guidanceScale = 1.0f;     ///< classifier-free guidance for image tokens; 1 = off
    int maxTextTokens = 96;         ///< cap on generated text tokens
    /// X-Prompt compression of in-context example pairs. Off by default: weft-tiny applies
    /// example pairs about twice as often without it (24% against 12.5%, its card); a prompt that
    /// does not fit the context still has earlier messages' pairs left out (ContextNotice).
    bool compressExamples = false;
};

enum class ReplyPhase { Encoding, Text, Image, Retrieval };

/// Every callback runs on the thread that called reply(); returning false asks to stop
/// (the reply then fails with Cancelled).
struct ReplyCallbacks {
    std::function<bool(ReplyPhase phase, int step, int total)> progress;
    std::function<bool(const std::string& delta)> textDelta;
    std::function<bool(const Image& image)> imageDone;
};

/// What reply() had to leave out so that a conversation fits the model's context
/// (transformer.context_length tokens, prompt plus room for the longest answer). The policy,
/// in order: (1) earlier user messages that carry in-context example pairs keep only their
/// query image and text, oldest first, as few as needed; (2) then the oldest turns are left
/// out, whole turns (a user message and what follows it), as few as needed. The message
/// being answered is never shortened. All zero when nothing was left out.
struct ContextNotice {
    int contextTokens = 0;     ///< the model's context length, tokens
    int promptTokens = 0;      ///< tokens of the prompt that was used
    int compressedMessages = 0; ///< earlier messages whose example pairs were left out
    int compressedPairs = 0;    ///< example pairs (before/after images) left out in them
    int droppedMessages = 0;    ///< oldest messages left out entirely

    bool empty() const noexcept { return compressedPairs == 0 && droppedMessages == 0; }
};

/// An answer plus what was left out of the conversation to produce it.
struct ReplyOutcome {
    Message message;
    ContextNotice context;
};

class Session {
public:
    explicit Session(std::shared_ptr<const Model> model);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Answers the last user message of `messages` (earlier ones are context). Image and
    /// audio segments must hold decoded media. Returns the assistant message (text,
    /// generated images at the model's size, or a retrieved earlier image with
    /// `retrieved` set) with meta filled in. Blocking. `cancel` is polled between tokens;
    /// when raised the call returns Cancelled within one token. Fails with InvalidArgument
    /// when the last message is not a user message, LimitExceeded when the last user message
    /// alone cannot fit the context. A longer conversation is shortened by the policy of
    /// ContextNotice (use replyWithNotice to learn what was left out). Same seed, input and options
    /// give the same output bit for bit on one machine.
    Result<Message> reply(const std::vector<Message>& messages, const ReplyOptions& options = {},
                          const ReplyCallbacks& callbacks = {}, const std::atomic<bool>* cancel = nullptr);

    /// Same as reply(), and also reports what the context-overflow policy (see ContextNotice)
    /// left out, so that the caller can tell the user. Blocking; same failures as reply().
    Result<ReplyOutcome> replyWithNotice(const std::vector<Message>& messages, const ReplyOptions& options = {},
                                         const ReplyCallbacks& callbacks = {},
                                         const std::atomic<bool>* cancel = nullptr);

    /// Images outside the conversation that retrieval may also return (the user's gallery).
    void setGallery(std::vector<Image> images);

    const Model& model() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace weft
