#pragma once
// Precompiled header for the engine's torch translation units.
#include <torch/torch.h>
