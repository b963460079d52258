#include "train_log.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "errors.h"

namespace weft::train {

void appendMetric(const std::string& path, const MetricPoint& point)
{
    nlohmann::json j;
    j["stage"] = point.stage;
    j["step"] = point.step;
    j["seconds"] = point.seconds;
    for (const auto& [k, v] : point.values)
        j[k] = v;
    std::ofstream out(path, std::ios::app);
    if (!out)
        throw IoError("cannot append to metrics file " + path);
    out << j.dump() << '\n';
    if (!out)
        throw IoError("write to metrics file " + path + " failed");
}

std::vector<MetricPoint> readMetrics(const std::string& path)
{
    std::vector<MetricPoint> points;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object() || !j.contains("stage") || !j.contains("step"))
            continue; // a torn last line after a kill must not stop a resume
        MetricPoint p;
        p.stage = j.value("stage", std::string());
        p.step = j.value("step", 0LL);
        p.seconds = j.value("seconds", 0.0);
        for (auto it = j.begin(); it != j.end(); ++it)
            if (it->is_number() && it.key() != "step" && it.key() != "seconds")
                p.values[it.key()] = it->get<double>();
        points.push_back(std::move(p));
    }
    return points;
}

void logInfo(const LogCallback& log, const std::string& message)
{
    if (log)
        log(LogLevel::Info, message);
}

void logWarning(const LogCallback& log, const std::string& message)
{
    if (log)
        log(LogLevel::Warning, message);
}

} // namespace weft::train
