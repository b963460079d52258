#include "weft/message.h"

namespace weft {

std::string Message::joinedText() const {
    std::string out;
    for (const Segment& s : segments) {
        if (s.kind != SegmentKind::Text) continue;
        if (!out.empty()) out += ' ';
        out += s.text;
    }
    return out;
}

} // namespace weft
