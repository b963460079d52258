#pragma once
// Chat messages: a role plus an ordered list of segments (text, image, audio).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weft/media.h"

namespace weft {

enum class Role { User, Assistant };

enum class SegmentKind { Text, Image, Audio };

/// One piece of a message. For image/audio segments `path` is the file it came from
/// (absolute once a conversation has been read) and the decoded media may be held too.
struct Segment {
    SegmentKind kind = SegmentKind::Text;
    std::string text;          ///< Text segments
    std::string path;          ///< Image/Audio segments: file path (may be empty for in-memory media)
    Image image;               ///< Image segments: decoded pixels (may be empty until loaded)
    AudioClip audio;           ///< Audio segments: decoded samples (may be empty until loaded)
    bool retrieved = false;    ///< Image returned by retrieval rather than generated
    /// For retrieved images: the candidate retrieval returned, an index among the images of the
    /// conversation it answered (in order, retrieved ones included) and then the gallery
    /// (Session::setGallery); -1 when unknown. Conversation files keep it as "retrieved_from".
    int retrievedFrom = -1;

    static Segment makeText(std::string t) { Segment s; s.kind = SegmentKind::Text; s.text = std::move(t); return s; }
    static Segment makeImage(Image img, std::string p = {}) { Segment s; s.kind = SegmentKind::Image; s.image = std::move(img); s.path = std::move(p); return s; }
    static Segment makeAudio(AudioClip a, std::string p = {}) { Segment s; s.kind = SegmentKind::Audio; s.audio = std::move(a); s.path = std::move(p); return s; }
};

/// Provenance of an assistant message, enough to reproduce it.
struct MessageMeta {
    std::string modelId;          ///< config name, e.g. "weft-tiny"
    std::string modelHash;        ///< sha256 of model.safetensors, hex
    std::uint64_t seed = 0;
    std::map<std::string, double> options; ///< temperature, top_k, top_p, guidance_scale, ...
    double seconds = 0.0;         ///< wall time of the reply
    std::string device;           ///< where it ran ("cpu", "cuda:0"); empty when not recorded
    int threads = 0;              ///< intra-op threads it ran with; 0 when not recorded
};

struct Message {
    Role role = Role::User;
    std::vector<Segment> segments;
    std::optional<MessageMeta> meta; ///< assistant messages produced by the engine carry it

    /// Concatenation of the text segments separated by single spaces.
    std::string joinedText() const;
};

} // namespace weft
