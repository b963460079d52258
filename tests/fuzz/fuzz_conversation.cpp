// Fuzzes parseConversation (conversation.json files opened or dropped by the user). An
// accepted conversation keeps every media path inside its folder and serialises back to the
// same JSON after a second read.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "weft/conversation.h"

using namespace weft;
using fuzz::expect;

namespace {

constexpr const char* kTarget = "fuzz_conversation";
// Parsing only resolves paths lexically, so the folder need not exist.
const std::string kBase = "/weft-fuzz/conversations/c1";

void checkInvariants(const Conversation& conv, const ConversationLimits& limits) {
    expect(conv.messages.size() <= limits.maxMessages, kTarget, "message cap ignored");
    for (const Message& m : conv.messages) {
        expect(!m.segments.empty() && m.segments.size() <= limits.maxSegmentsPerMessage, kTarget,
               "segment count outside [1, cap]");
        for (const Segment& s : m.segments) {
            if (s.kind == SegmentKind::Text) {
                expect(s.text.size() <= limits.maxTextBytes, kTarget, "text cap ignored");
                continue;
            }
            expect(s.path.rfind(kBase + "/", 0) == 0, kTarget, "media path leaves the folder: " + s.path);
            expect(s.path.find("/../") == std::string::npos && s.path.find("/./") == std::string::npos, kTarget,
                   "media path is not normalised: " + s.path);
            expect(!s.retrieved || s.kind == SegmentKind::Image, kTarget, "retrieved flag on a non-image segment");
        }
    }
}

std::string serialized(const Conversation& conv) {
    const Result<std::string> text = serializeConversation(conv, kBase);
    expect(text.ok(), kTarget, "accepted conversation does not serialise: " + (text.ok() ? "" : text.error().message));
    return text.value();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Small caps let short inputs reach the limit checks too.
    ConversationLimits limits;
    limits.maxMessages = 8;
    limits.maxSegmentsPerMessage = 4;
    limits.maxTextBytes = 64;
    const Result<Conversation> r = parseConversation(text, kBase, limits);
    if (!r.ok()) {
        fuzz::expectRefusal(kTarget, r.error().code, r.error().message,
                            {ErrorCode::Format, ErrorCode::UnsupportedVersion, ErrorCode::LimitExceeded});
        return 0;
    }
    checkInvariants(r.value(), limits);
    const std::string first = serialized(r.value());
    const Result<Conversation> again = parseConversation(first, kBase, limits);
    expect(again.ok(), kTarget, "serialised conversation does not read back: " + (again.ok() ? "" : again.error().message));
    expect(serialized(again.value()) == first, kTarget, "conversation changed in a round trip:\n" + first);
    for (const Message& m : r.value().messages) {
        const Result<std::string> one = serializeMessage(m, kBase);
        expect(one.ok(), kTarget, "accepted message does not serialise");
    }
    return 0;
}
