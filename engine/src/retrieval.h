#pragma once
// Retrieval helpers without torch. A model answers "show me the image with … again" with
// `ret`; with a retrieval head the request's words are matched against each candidate's codes
// (NetworkImpl::retrievalScores), and without one the model draws the picture it means and
// the earlier picture nearest to that drawing is returned, unchanged however rough the
// drawing is.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "weft/message.h"

namespace weft {

class Tokenizer;

/// The request a retrieval answers: the token ids of the text of the last user message (its
/// text segments in order). Empty when that message has no text or there is no user message.
/// Thread-safe for a const tokenizer; throws what Tokenizer::encode throws.
std::vector<int> requestTokens(const std::vector<Message>& messages, const Tokenizer& tokenizer);

/// The codes of the first `count` images (at most all of them) one after another (row after
/// row), ready to be viewed as a [count, cells] tensor for NetworkImpl::retrievalScores: a
/// conversation's candidates are its first images. Pure, never throws beyond allocation.
std::vector<std::int64_t> concatenatedCodes(const std::vector<std::vector<int>>& images, std::size_t count);

/// Index of the candidate whose codes differ from `drawn` in the fewest cells (cells compared
/// by position, over the shorter of the two lists); ties go to the earliest candidate. -1 when
/// `candidates` is empty. Pure, thread-safe, never throws.
int nearestImage(const std::vector<int>& drawn, const std::vector<std::vector<int>>& candidates);

} // namespace weft
