// weft-cli world: draw a caption, parse images back to captions, sample task cases as
// conversation folders (the input of `weft-cli reply`).
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "weft/audio.h"
#include "weft/conversation.h"
#include "weft/media.h"
#include "weft/world/caption.h"
#include "weft/world/image_parser.h"
#include "weft/world/render.h"
#include "weft/world/tasks.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;

struct DrawArgs {
    std::string caption;
    std::string output;
    int scale = 1;
};

struct ParseArgs {
    std::vector<std::string> images;
};

struct SampleArgs {
    std::string task;
    std::uint64_t seed = 1;
    std::string out;
    std::string split = "test";
};

int runDraw(const DrawArgs& a)
{
    std::string reason;
    const auto scene = world::parseCaption(a.caption, &reason);
    if (!scene) {
        std::cerr << "weft-cli world draw: invalid caption: " << reason << "\n";
        return 1;
    }
    for (const auto& cell : scene->cells)
        if (cell.kind == world::Cell::Kind::Creature) {
            std::cerr << "weft-cli world draw: a creature's pattern is not in text, so a caption with a creature "
                         "cannot be drawn\n";
            return 1;
        }
    const auto saved = saveImagePng(world::render(*scene, a.scale), a.output);
    if (!saved) {
        std::cerr << a.output << ": " << saved.error().message << "\n";
        return 1;
    }
    return 0;
}

int runParse(const ParseArgs& a)
{
    int status = 0;
    for (const auto& path : a.images) {
        const auto image = loadImageFile(path);
        if (!image) {
            std::cerr << path << ": " << image.error().message << "\n";
            status = 1;
            continue;
        }
        std::cout << world::caption(world::parseImage(image.value())) << "\n";
    }
    return status;
}

// The case of `a` for task `kind`; prints why and returns nothing when it cannot be made.
std::optional<world::TaskCase> generateCase(const SampleArgs& a, world::TaskKind kind)
{
    if (a.split != "train" && a.split != "test") {
        std::cerr << "weft-cli world sample: expected --split train or test, found '" << a.split << "'\n";
        return std::nullopt;
    }
    try {
        std::mt19937_64 rng(a.seed);
        return world::generateTask(kind, rng, a.split == "test" ? world::Split::Test : world::Split::Train);
    } catch (const std::exception& e) {
        std::cerr << "weft-cli world sample: " << e.what() << "\n";
        return std::nullopt;
    }
}

// Writes every image (PNG) and sound (16-bit WAV) of `messages` into `dir` and appends the
// messages to `conversation` with their segments pointing at those files. Prints why and
// returns false when a file cannot be written.
bool writeMedia(std::vector<Message> messages, const fs::path& dir, Conversation& conversation)
{
    int index = 0, sounds = 0;
    for (auto& message : messages) {
        for (auto& segment : message.segments) {
            if (segment.kind == SegmentKind::Text)
                continue;
            const bool image = segment.kind == SegmentKind::Image;
            const fs::path file =
                dir / (image ? "image_" + std::to_string(index++) + ".png" : "sound_" + std::to_string(sounds++) + ".wav");
            const auto saved = image ? saveImagePng(segment.image, file.string()) : saveAudioWav(segment.audio, file.string());
            if (!saved) {
                std::cerr << file.string() << ": " << saved.error().message << "\n";
                return false;
            }
            segment.path = file.string();
        }
        conversation.messages.push_back(std::move(message));
    }
    return true;
}

// expected.json of the case; writes expected.png into `dir` when the case expects an image.
// Prints why and returns nothing when that image cannot be written.
std::optional<nlohmann::json> expectedJson(const world::TaskCase& tc, const SampleArgs& a, const fs::path& dir)
{
    nlohmann::json expected = {{"task", static_cast<int>(tc.kind)},
                               {"task_name", world::taskName(tc.kind)},
                               {"variant", tc.variant},
                               {"seed", a.seed},
                               {"split", a.split}};
    if (!tc.detail.empty())
        expected["detail"] = tc.detail;
    if (tc.examples > 0)
        expected["examples"] = tc.examples;
    if (!tc.expectedText.empty())
        expected["text"] = tc.expectedText;
    if (tc.expectedScene) {
        const fs::path file = dir / "expected.png";
        const auto saved = saveImagePng(world::render(*tc.expectedScene), file.string());
        if (!saved) {
            std::cerr << file.string() << ": " << saved.error().message << "\n";
            return std::nullopt;
        }
        expected["image"] = "expected.png";
        expected["caption"] = world::caption(*tc.expectedScene);
    }
    if (tc.expectedRetrievedIndex >= 0)
        expected["retrieved_from"] = tc.expectedRetrievedIndex;
    if (!tc.namedCells.empty())
        expected["named_cells"] = tc.namedCells;
    return expected;
}

// Writes the case as a conversation folder: media files, conversation.json, expected.json.
int runSample(const SampleArgs& a)
{
    const auto kind = world::taskFromName(a.task);
    if (!kind) {
        std::cerr << "weft-cli world sample: expected a task number 1..13 or name, found '" << a.task << "'\n";
        return 1;
    }
    const auto tc = generateCase(a, *kind);
    if (!tc)
        return 1;
    std::error_code ec;
    fs::create_directories(a.out, ec);
    const fs::path dir = fs::absolute(a.out, ec);
    if (ec) {
        std::cerr << a.out << ": cannot create the folder: " << ec.message() << "\n";
        return 1;
    }
    Conversation conversation;
    conversation.title = std::string("Shapes World task ") + std::to_string(static_cast<int>(*kind)) + " (" +
                         world::taskName(*kind) + ")";
    if (!writeMedia(tc->messages, dir, conversation))
        return 1;
    const auto json = serializeConversation(conversation, dir.string());
    if (!json) {
        std::cerr << "weft-cli world sample: " << json.error().message << "\n";
        return 1;
    }
    const auto expected = expectedJson(*tc, a, dir);
    if (!expected)
        return 1;
    for (const auto& [name, text] : {std::pair<std::string, std::string>{"conversation.json", json.value()},
                                     {"expected.json", expected->dump(2) + "\n"}}) {
        const auto written = writeFileAtomic((dir / name).string(), text);
        if (!written) {
            std::cerr << (dir / name).string() << ": " << written.error().message << "\n";
            return 1;
        }
    }
    std::cout << (dir / "conversation.json").string() << "\n";
    return 0;
}

} // namespace

void registerWorldCommand(CLI::App& app, CliContext& ctx)
{
    auto* world = app.add_subcommand("world", "Shapes World: draw captions, parse images, sample task cases");
    world->require_subcommand(1);

    auto draw = std::make_shared<DrawArgs>();
    auto* drawCmd = world->add_subcommand("draw", "Render a canonical caption to a PNG (64x64 times --scale)");
    drawCmd->add_option("caption", draw->caption, "Caption, e.g. \"a small red circle in the center on a green background\"")
        ->required();
    drawCmd->add_option("-o,--output", draw->output, "Output PNG file")->required();
    drawCmd->add_option("--scale", draw->scale, "Integer upscale factor (nearest neighbour)")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    drawCmd->callback([draw, &ctx] { ctx.exitCode = runDraw(*draw); });

    auto parse = std::make_shared<ParseArgs>();
    auto* parseCmd = world->add_subcommand("parse", "Print the canonical caption of each image, in order");
    parseCmd->add_option("images", parse->images, "Image files (any size; resized to 64x64)")->required();
    parseCmd->callback([parse, &ctx] { ctx.exitCode = runParse(*parse); });

    auto sample = std::make_shared<SampleArgs>();
    auto* sampleCmd = world->add_subcommand("sample", "Write a generated task case as a conversation folder");
    sampleCmd->add_option("--task", sample->task, "Task number 1..13 or name (generate, describe, ..., sound, spoken)")->required();
    sampleCmd->add_option("--seed", sample->seed, "Random seed")->capture_default_str();
    sampleCmd->add_option("--out", sample->out, "Output folder (conversation.json, PNGs, WAVs, expected.json)")->required();
    sampleCmd->add_option("--split", sample->split, "train or test (held-out creatures)")->capture_default_str();
    sampleCmd->callback([sample, &ctx] { ctx.exitCode = runSample(*sample); });
}

} // namespace weft::cli
