#include "retrieval.h"

#include <algorithm>
#include <cstddef>

#include "tokenizer.h"

namespace weft {

std::vector<int> requestTokens(const std::vector<Message>& messages, const Tokenizer& tokenizer)
{
    const auto last =
        std::find_if(messages.rbegin(), messages.rend(), [](const Message& m) { return m.role == Role::User; });
    std::vector<int> ids;
    if (last == messages.rend())
        return ids;
    for (const Segment& s : last->segments)
        if (s.kind == SegmentKind::Text) {
            const auto pieces = tokenizer.encode(s.text);
            ids.insert(ids.end(), pieces.begin(), pieces.end());
        }
    return ids;
}

std::vector<std::int64_t> concatenatedCodes(const std::vector<std::vector<int>>& images, std::size_t count)
{
    std::vector<std::int64_t> flat;
    for (std::size_t i = 0; i < std::min(count, images.size()); ++i)
        flat.insert(flat.end(), images[i].begin(), images[i].end());
    return flat;
}

int nearestImage(const std::vector<int>& drawn, const std::vector<std::vector<int>>& candidates)
{
    int best = -1;
    std::size_t fewest = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& codes = candidates[i];
        const std::size_t cells = std::min(codes.size(), drawn.size());
        std::size_t differing = 0;
        for (std::size_t c = 0; c < cells; ++c) differing += codes[c] != drawn[c];
        // Strictly fewer: an equally near later candidate does not replace an earlier one.
        if (best < 0 || differing < fewest) {
            best = static_cast<int>(i);
            fewest = differing;
        }
    }
    return best;
}

} // namespace weft
