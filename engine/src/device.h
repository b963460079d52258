#pragma once
// The one place that decides where tensors live and how many threads torch uses.

#include <string>

#include <torch/torch.h>

#include "weft/model.h"

namespace weft {

/// Maps a requested Device to a torch device. Auto picks CUDA when libtorch was built with
/// it and a GPU is present, else CPU. Throws ArgumentError when Cuda is requested but not
/// available. Thread-safe.
torch::Device resolveDevice(Device requested);

/// Sets torch's intra-op thread count. `threads` > 0: as given, for the intra-op pool and for
/// OpenBLAS's pool (when libtorch runs on OpenBLAS). 0: use every core the
/// fastest way: matrix products already run on every core in OpenBLAS's thread pool, so the
/// OpenMP intra-op pool gets 1 thread (its spinning idle workers would starve BLAS), or every
/// core when OMP_WAIT_POLICY=passive is set in the environment. Process-wide; call before
/// heavy work. Throws ArgumentError for a negative count.
void configureThreads(int threads);

/// "cpu" or "cuda:N", as ModelInfo::device reports it.
std::string deviceName(const torch::Device& device);

} // namespace weft
