// placeholder until its owner fills it in
#include "commands.h"
namespace weft::cli {
void registerTrainCommand(CLI::App&, CliContext&) {}
}
