// weft-cli reply: answers the last user turn of each conversation file with one model load.
// Each input is independent: a failure is reported as `FILE: reason` and the rest still run.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "weft/conversation.h"
#include "weft/media.h"
#include "weft/model.h"
#include "weft/session.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;

struct ReplyArgs {
    std::vector<std::string> inputs;
    std::string out;
    std::string model;
    std::uint64_t seed = 0;
    float temperature = 0.0f;
    int topK = 0;
    float topP = 1.0f;
    float guidance = 1.0f;
    int maxTextTokens = 96;
    bool compress = false;
    int threads = 0;
};

std::string oneLine(std::string s)
{
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

struct Failure {
    std::string reason;
};

template <class T>
T orFail(Result<T> r)
{
    if (!r) throw Failure{r.error().message};
    return std::move(r).value();
}

void orFail(const Result<void>& r)
{
    if (!r) throw Failure{r.error().message};
}

// Writes the reply's media beside reply.json and points the segments at those files, so that
// serializeMessage stores paths relative to the reply folder.
void placeMedia(Message& message, const fs::path& folder)
{
    int generated = 0, retrieved = 0;
    for (Segment& s : message.segments) {
        if (s.kind != SegmentKind::Image) continue;
        if (s.retrieved) {
            ++retrieved;
            std::error_code ec;
            if (!s.path.empty() && fs::is_regular_file(s.path, ec)) {
                const fs::path source(s.path);
                const fs::path target = folder / ("retrieved-" + std::to_string(retrieved) + source.extension().string());
                fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
                if (ec) throw Failure{"cannot copy the retrieved image '" + s.path + "': " + ec.message()};
                s.path = target.string();
                continue;
            }
            // A gallery image or one held only in memory: store its pixels.
            const fs::path target = folder / ("retrieved-" + std::to_string(retrieved) + ".png");
            orFail(saveImagePng(s.image, target.string()));
            s.path = target.string();
            continue;
        }
        ++generated;
        const fs::path target = folder / ("image-" + std::to_string(generated) + ".png");
        orFail(saveImagePng(s.image, target.string()));
        s.path = target.string();
    }
}

void replyToFile(const std::string& input, Session& session, const ReplyOptions& options, const fs::path& outRoot)
{
    Conversation conversation = orFail(readConversationFile(input));
    orFail(loadConversationMedia(conversation));
    auto& messages = conversation.messages;
    if (messages.empty()) throw Failure{"expected at least one user message, found none"};
    // An answered conversation has nothing to answer; guessing which turn was meant would
    // silently drop the answers after it (DESIGN.md: reply answers the last user turn).
    if (messages.back().role != Role::User)
        throw Failure{"the last message is the assistant's, so there is nothing to answer (expected a user message last)"};

    ReplyOutcome outcome = orFail(session.replyWithNotice(messages, options));
    Message& answer = outcome.message;
    if (!outcome.context.empty()) {
        // The answer is still written; the user learns it saw a shortened conversation.
        const ContextNotice& c = outcome.context;
        std::cerr << input << ": the conversation exceeds the model's context of " << c.contextTokens
                  << " tokens; left out: " << c.compressedPairs << " example pair(s) in " << c.compressedMessages
                  << " earlier message(s), and the " << c.droppedMessages << " oldest message(s)\n";
    }
    const fs::path folder = outRoot / fs::path(input).stem();
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw Failure{"cannot create '" + folder.string() + "': " + ec.message()};
    placeMedia(answer, folder);
    const std::string json = orFail(serializeMessage(answer, folder.string()));
    orFail(writeFileAtomic((folder / "reply.json").string(), json));
}

int runReply(const ReplyArgs& a)
{
    const std::string modelDir = a.model.empty() ? Model::defaultModelDirectory() : a.model;
    if (modelDir.empty()) {
        std::cerr << "weft-cli reply: no model folder given and no embedded model found (use --model DIR)\n";
        return 1;
    }
    LoadOptions load;
    load.threads = a.threads;
    auto model = Model::load(modelDir, load);
    if (!model) {
        std::cerr << modelDir << ": " << oneLine(model.error().message) << "\n";
        return 1;
    }
    ReplyOptions options;
    options.seed = a.seed;
    options.temperature = a.temperature;
    options.topK = a.topK;
    options.topP = a.topP;
    options.guidanceScale = a.guidance;
    options.maxTextTokens = a.maxTextTokens;
    options.compressExamples = a.compress;

    int failures = 0;
    for (const std::string& input : a.inputs) {
        try {
            // A fresh session per file: conversations must not share cached state.
            Session session(model.value());
            replyToFile(input, session, options, a.out);
        } catch (const Failure& f) {
            ++failures;
            std::cerr << input << ": " << oneLine(f.reason) << "\n";
        } catch (const std::exception& e) {
            ++failures;
            std::cerr << input << ": " << oneLine(e.what()) << "\n";
        }
    }
    return failures == 0 ? 0 : 1;
}

} // namespace

void registerReplyCommand(CLI::App& app, CliContext& ctx)
{
    auto* cmd = app.add_subcommand("reply", "Answer the last user turn of each conversation file");
    auto a = std::make_shared<ReplyArgs>();
    cmd->add_option("inputs", a->inputs, "Conversation files (weft-conversation JSON)")->required();
    cmd->add_option("--out", a->out, "Output folder: OUT/<input stem>/reply.json")->required();
    cmd->add_option("--model", a->model, "Model folder (default: the embedded model)");
    cmd->add_option("--seed", a->seed, "Sampling seed")->capture_default_str();
    cmd->add_option("--temperature", a->temperature, "Softmax temperature; 0 = greedy")
        ->capture_default_str()
        ->check(CLI::Range(0.0f, 100.0f));
    cmd->add_option("--top-k", a->topK, "Keep the k most likely tokens; 0 = off")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--top-p", a->topP, "Nucleus threshold in (0, 1]; 1 = off")->capture_default_str()->check(CLI::Range(1e-6f, 1.0f));
    cmd->add_option("--guidance", a->guidance, "Classifier-free guidance scale for images; 1 = off")
        ->capture_default_str()
        ->check(CLI::Range(0.0f, 100.0f));
    cmd->add_option("--max-text-tokens", a->maxTextTokens, "Cap on generated text tokens")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd->add_flag("--compress,!--no-compress", a->compress,
                  "Compress in-context example pairs (X-Prompt); off by default, as weft-tiny's card recommends");
    cmd->add_option("--threads", a->threads, "CPU threads; 0 = every core")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->callback([&ctx, a] { ctx.exitCode = runReply(*a); });
}

} // namespace weft::cli
