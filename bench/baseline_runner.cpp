#include "baseline_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace weft::bench {
namespace {

// Single-quoted for /bin/sh.
std::string quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct CommandOutput {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs a shell command; stdout is read through the pipe, stderr goes to a temporary file so
// that a failing script's message can be reported.
CommandOutput runCommand(const std::string& command)
{
    CommandOutput result;
    char errPath[] = "/tmp/weft-bench-err-XXXXXX";
    const int fd = mkstemp(errPath);
    if (fd < 0) return result;
    close(fd);
    FILE* pipe = popen((command + " 2>" + quote(errPath)).c_str(), "r");
    if (pipe) {
        std::array<char, 4096> buffer{};
        std::size_t n = 0;
        while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
        const int status = pclose(pipe);
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::ifstream err(errPath);
    std::string line;
    while (std::getline(err, line)) result.err += (result.err.empty() ? "" : " ") + line;
    std::filesystem::remove(errPath);
    return result;
}

std::vector<int> intList(const nlohmann::json& j, const char* key)
{
    return j.contains(key) ? j.at(key).get<std::vector<int>>() : std::vector<int>{};
}

} // namespace

std::string defaultBaselineScript()
{
    return WEFT_BENCH_BASELINE_SCRIPT;
}

bool pythonHasTorch(const std::string& python)
{
    return runCommand(quote(python) + " -c 'import torch' >/dev/null").status == 0;
}

BaselineResult runBaseline(const std::string& python, const std::string& script, const std::string& modelDirectory,
                           const BenchWork& work, int repeats, int threads)
{
    BaselineResult result;
    if (!std::filesystem::exists(script)) {
        result.reason = "baseline script " + script + " not found";
        return result;
    }
    if (!pythonHasTorch(python)) {
        result.reason = python + " cannot import torch (install Debian's python3-torch)";
        return result;
    }
    char workPath[] = "/tmp/weft-bench-work-XXXXXX";
    const int fd = mkstemp(workPath);
    if (fd < 0) {
        result.reason = "cannot create a temporary work file";
        return result;
    }
    close(fd);
    {
        std::ofstream f(workPath);
        f << workToJson(work);
    }
    std::string command = quote(python) + " " + quote(script) + " --model " + quote(modelDirectory) + " --work " +
                          quote(workPath) + " --repeats " + std::to_string(repeats);
    // The engine's configureThreads bounds OpenBLAS's pool as well; the baseline gets the
    // same bound the way a Python user would set it (before torch loads OpenBLAS).
    if (threads > 0)
        command = "OPENBLAS_NUM_THREADS=" + std::to_string(threads) + " " + command + " --threads " + std::to_string(threads);
    const CommandOutput run = runCommand(command);
    std::filesystem::remove(workPath);
    if (run.status != 0) {
        result.reason = "baseline failed (exit " + std::to_string(run.status) + "): " + run.err;
        return result;
    }
    try {
        const auto j = nlohmann::json::parse(run.out);
        for (const auto& [key, value] : j.items())
            if (value.is_number() && key != "threads") result.metrics.push_back({key, value.get<double>()});
        result.imageCodes = intList(j, "image_codes");
        result.imageGuidedCodes = intList(j, "image_guided_codes");
        if (j.contains("torch_version")) result.torchVersion = j.at("torch_version").get<std::string>();
        result.available = true;
    } catch (const std::exception& e) {
        result.reason = std::string("baseline printed no valid JSON: ") + e.what();
    }
    return result;
}

std::vector<double> baselineLogits(const std::string& python, const std::string& script,
                                   const std::string& modelDirectory, const std::vector<int>& ids)
{
    std::string list;
    for (int id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    const CommandOutput run = runCommand(quote(python) + " " + quote(script) + " --model " + quote(modelDirectory) +
                                         " --logits --ids " + list);
    if (run.status != 0) throw std::runtime_error("baseline.py --logits failed: " + run.err);
    return nlohmann::json::parse(run.out).at("logits").get<std::vector<double>>();
}

} // namespace weft::bench
