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

/// Sets torch's intra-op thread count: `threads` > 0 as given, 0 = every core
/// (std::thread::hardware_concurrency). Process-wide; call before heavy work. Throws
/// ArgumentError for a negative count.
void configureThreads(int threads);

/// "cpu" or "cuda:N", as ModelInfo::device reports it.
std::string deviceName(const torch::Device& device);

} // namespace weft
