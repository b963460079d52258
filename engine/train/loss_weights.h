#pragma once
// Which tokens of a training stream the transformer learns, and how hard: the loss weights
// (TokenStream::lossMask) a trainer sets on top of the answer's.

#include <vector>

#include "token_stream.h"
#include "weft/message.h"

namespace weft::train {

/// Sets loss weight 1 on the codes and closing eoi of the after image of every in-context
/// example pair but the first in `messages` (the stream built from them, `codesPerImage` codes
/// per image), so a k = 3 prompt also teaches k = 1 and 2; the first pair's after image follows
/// no example and stays unweighted. Images the stream lacks are skipped; never throws.
void markExampleTargets(TokenStream& stream, const std::vector<Message>& messages, int codesPerImage);

/// Sets loss weight `weight` (1..255) on every target image code that differs from the code
/// of the same cell in the image just before it in the stream. `imageCodes` holds the
/// stream's images in order (as its encoder returned them). Codes that are not targets
/// (weight 0) stay untouched; the first image has nothing before it. Never throws.
void weightChangedCodes(TokenStream& stream, const std::vector<std::vector<int>>& imageCodes, int weight);

} // namespace weft::train
