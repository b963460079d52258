#include "device.h"

#include <cstdlib>
#include <string>
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
        // Every core works either way: this libtorch runs its GEMMs in OpenBLAS's own pthread
        // pool, which always uses every core. Its intra-op pool is OpenMP, whose idle workers
        // spin (OMP_WAIT_POLICY=active by default) and then starve the BLAS threads: measured
        // on the 2-core machine, a 300-token prefill of weft-tiny took 3.8 s with 2 intra-op
        // threads and 0.17 s with 1, and a training step 12 s against 3.4 s. With a passive
        // wait policy both pools can use every core (3.0 s per training step).
        count = 1;
        const char* policy = std::getenv("OMP_WAIT_POLICY");
        if (policy && (std::string(policy) == "passive" || std::string(policy) == "PASSIVE")) {
            count = static_cast<int>(std::thread::hardware_concurrency());
            if (count <= 0) count = 1;
        }
    }
    if (at::get_num_threads() != count) at::set_num_threads(count);
}

std::string deviceName(const torch::Device& device)
{
    if (device.is_cuda()) return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
    return "cpu";
}

} // namespace weft
