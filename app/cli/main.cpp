// weft-cli entry point: builds the command tree and runs the chosen subcommand.
#include <exception>
#include <iostream>

#include "commands.h"

int main(int argc, char** argv)
{
    CLI::App app{"weft-cli: headless Weft (reply, info, init-model, world, train, eval, bench, codec)"};
    app.require_subcommand(1);
    weft::cli::CliContext ctx;
    weft::cli::registerInfoCommand(app, ctx);
    weft::cli::registerInitModelCommand(app, ctx);
    weft::cli::registerReplyCommand(app, ctx);
    weft::cli::registerWorldCommand(app, ctx);
    weft::cli::registerTrainCommand(app, ctx);
    weft::cli::registerEvalCommand(app, ctx);
    weft::cli::registerBenchCommand(app, ctx);
    weft::cli::registerCodecCommand(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        // Commands return Results; anything reaching here is a bug, but never crash on it.
        std::cerr << "weft-cli: " << e.what() << "\n";
        return 1;
    }
    return ctx.exitCode;
}
