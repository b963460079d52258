#include "device.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "errors.h"

namespace weft {
namespace {

// libtorch does not pass its thread count on to OpenBLAS, whose own pthread pool starts one
// thread per core (or OPENBLAS_NUM_THREADS). Looked up at run time so that the engine does
// not link a particular BLAS; with another BLAS the symbols are absent and nothing happens.
// count 0 restores the pool's start-up size.
void setBlasThreads(int count)
{
    using SetThreads = void (*)(int);
    using GetThreads = int (*)();
    static const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    static const auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    static const int startUp = get ? get() : 0;
    if (!set) return;
    const int wanted = count > 0 ? count : startUp;
    if (wanted > 0 && (!get || get() != wanted)) set(wanted);
}

} // namespace

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
    // An explicit count bounds the BLAS pool too: with `threads = 1` on shared cores, two
    // OpenBLAS threads spent ~15 % of a decode profile in sched_yield waiting for each other
    // and made the tiny per-token products several times slower (docs/PERFORMANCE.md).
    // 0 gives the pool back its start-up size in case an earlier call lowered it.
    setBlasThreads(threads);
}

std::string deviceName(const torch::Device& device)
{
    if (device.is_cuda()) return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
    return "cpu";
}

} // namespace weft
