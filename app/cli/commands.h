#pragma once
// Each weft-cli subcommand lives in its own cmd_*.cpp and registers itself here.
// A command's callback stores its exit status in `exitCode` (0 = success).

#include <CLI/CLI.hpp>

namespace weft::cli {

struct CliContext {
    int exitCode = 0;
};

void registerInfoCommand(CLI::App& app, CliContext& ctx);
void registerInitModelCommand(CLI::App& app, CliContext& ctx);
void registerReplyCommand(CLI::App& app, CliContext& ctx);
void registerWorldCommand(CLI::App& app, CliContext& ctx);
void registerTrainCommand(CLI::App& app, CliContext& ctx);
void registerEvalCommand(CLI::App& app, CliContext& ctx);
void registerBenchCommand(CLI::App& app, CliContext& ctx);
void registerCodecCommand(CLI::App& app, CliContext& ctx);

} // namespace weft::cli
