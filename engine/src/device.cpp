#include "device.h"

#include <thread>

#include "errors.h"

namespace weft {

torch::Device resolveDevice(Device requested)
{
    switch (requested) {
    case Device::Cpu:
        return torch::Device(torch::kCPU);
    case Device::Cuda:
        if (!torch::cuda::is_available())
            throw ArgumentError("device: expected a CUDA GPU, found none (libtorch without CUDA or no GPU)");
        return torch::Device(torch::kCUDA, 0);
    case Device::Auto:
        break;
    }
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

void configureThreads(int threads)
{
    if (threads < 0)
        throw ArgumentError("threads: expected 0 (every core) or a positive count, found " + std::to_string(threads));
    int count = threads;
    if (count == 0) {
        // torch defaults to a single intra-op thread on some builds; use every core.
        count = static_cast<int>(std::thread::hardware_concurrency());
        if (count <= 0) count = 1;
    }
    if (at::get_num_threads() != count) at::set_num_threads(count);
}

std::string deviceName(const torch::Device& device)
{
    if (device.is_cuda()) return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
    return "cpu";
}

} // namespace weft
