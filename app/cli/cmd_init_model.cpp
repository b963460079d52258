// placeholder until its owner fills it in
#include "commands.h"
namespace weft::cli {
void registerInitModelCommand(CLI::App&, CliContext&) {}
}
