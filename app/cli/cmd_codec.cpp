// weft-cli codec roundtrip: encodes each image with the model's image codec and decodes it
// again, so the codec can be checked from outside (the patch dictionary is exact on Shapes
// World; other pictures come back as the nearest world patches).
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "weft/media.h"
#include "weft/model.h"

namespace weft::cli {
namespace {

struct CodecArgs {
    std::vector<std::string> images;
    std::string outDir;
    std::string model;
};

int runRoundTrip(const CodecArgs& a)
{
    const std::string dir = a.model.empty() ? Model::defaultModelDirectory() : a.model;
    auto loaded = Model::load(dir);
    if (!loaded) {
        std::cerr << "weft-cli codec: " << dir << ": " << loaded.error().message << "\n";
        return 1;
    }
    const Model& model = *loaded.value();
    std::error_code ec;
    std::filesystem::create_directories(a.outDir, ec);
    if (ec) {
        std::cerr << "weft-cli codec: cannot create " << a.outDir << ": " << ec.message() << "\n";
        return 1;
    }
    int failed = 0;
    for (const auto& path : a.images) {
        // One line per failing file; the rest still run (as weft-cli reply does).
        auto fail = [&](const std::string& why) {
            std::cerr << path << ": " << why << "\n";
            ++failed;
        };
        auto image = loadImageFile(path);
        if (!image) { fail(image.error().message); continue; }
        auto codes = model.encodeImage(image.value());
        if (!codes) { fail(codes.error().message); continue; }
        auto back = model.decodeImage(codes.value());
        if (!back) { fail(back.error().message); continue; }
        const auto out = (std::filesystem::path(a.outDir) / (std::filesystem::path(path).stem().string() + ".png")).string();
        auto saved = saveImagePng(back.value(), out);
        if (!saved) { fail(saved.error().message); continue; }
        std::cout << out << "\n";
    }
    return failed == 0 ? 0 : 1;
}

} // namespace

void registerCodecCommand(CLI::App& app, CliContext& ctx)
{
    auto args = std::make_shared<CodecArgs>();
    auto* cmd = app.add_subcommand("codec", "Check a model's image codec");
    cmd->require_subcommand(1);
    auto* rt = cmd->add_subcommand("roundtrip", "Encode and decode each image; write DIR/<input file stem>.png");
    rt->add_option("images", args->images, "images to round-trip (PNG, JPEG, WebP, ...)")->required();
    rt->add_option("--out", args->outDir, "output folder")->required();
    rt->add_option("--model", args->model, "model folder (default: the embedded model)");
    rt->callback([args, &ctx] { ctx.exitCode = runRoundTrip(*args); });
}

} // namespace weft::cli
