#pragma once
// Logging hook: the engine never prints; it reports through a callback the host supplies.

#include <functional>
#include <string>

namespace weft {

enum class LogLevel { Debug, Info, Warning, Error };

/// Called from whichever thread the engine is running on; must be thread-safe.
using LogCallback = std::function<void(LogLevel level, const std::string& message)>;

} // namespace weft
