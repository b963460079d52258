// placeholder until its owner fills it in
#include "commands.h"
namespace weft::cli {
void registerReplyCommand(CLI::App&, CliContext&) {}
}
