#pragma once
// Retrieval by drawing: a model answers "show me the image with … again" with `ret` and then
// draws the picture it means; the answer is the earlier picture nearest to that drawing, so
// it comes back unchanged however rough the drawing is.

#include <vector>

namespace weft {

/// Index of the candidate whose codes differ from `drawn` in the fewest cells (cells compared
/// by position, over the shorter of the two lists); ties go to the earliest candidate. -1 when
/// `candidates` is empty. Pure, thread-safe, never throws.
int nearestImage(const std::vector<int>& drawn, const std::vector<std::vector<int>>& candidates);

} // namespace weft
