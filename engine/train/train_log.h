#pragma once
// Training progress records: appended to <run>/metrics.jsonl (one JSON object per line) so
// that an interrupted run keeps its history and a resumed run continues it.

#include <map>
#include <string>
#include <vector>

#include "weft/log.h"

namespace weft::train {

struct MetricPoint {
    std::string stage;   ///< "codec", "lm", ...
    long long step = 0;
    double seconds = 0;  ///< wall time since the stage started (cumulative over resumes)
    std::map<std::string, double> values;
};

/// Appends one line to `path` (creating it); throws IoError on failure. Not thread-safe.
void appendMetric(const std::string& path, const MetricPoint& point);
/// Reads every line of a metrics file; malformed lines are skipped. Missing file: empty.
std::vector<MetricPoint> readMetrics(const std::string& path);

/// Calls `log` (if set) with an Info message.
void logInfo(const LogCallback& log, const std::string& message);
/// Calls `log` (if set) with a Warning message.
void logWarning(const LogCallback& log, const std::string& message);

} // namespace weft::train
