#pragma once
// Loss curves as a PNG, drawn from metrics.jsonl (no plotting library on the target machines).

#include <string>
#include <vector>

#include "train_log.h"

namespace weft::train {

/// Draws one panel per (stage, key) pair found in `keys` (e.g. "loss") with log-scaled y,
/// and writes a PNG. Throws IoError when the file cannot be written.
void plotMetrics(const std::vector<MetricPoint>& points, const std::vector<std::string>& keys,
                 const std::string& pngPath);

} // namespace weft::train
