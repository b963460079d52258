#pragma once
// Where a retrieved image of an answer came from (GILL-style retrieval returns an earlier
// image instead of drawing one), and which images of a conversation retrieval may return
// beside the ones the engine is shown. Pure functions over a ConversationTree; any thread.

#include <QStringList>

#include "ui/conversation_tree.h"

namespace weft::ui {

struct RetrievedSource {
    enum class Place {
        None,          ///< not found in the conversation (e.g. a copy from outside its folder)
        Earlier,       ///< an earlier message of the answer's own branch (shown above it)
        OtherBranch,   ///< a message of another branch (the gallery; not on screen with it)
    };
    Place place = Place::None;
    int nodeId = -1;       ///< the message holding the source image
    int segment = -1;      ///< that image's segment index in the message
};

/// The source of image segment `segment` of answer `answerNodeId`. The answer's earlier
/// messages (its ancestors, the conversation the engine saw) are searched first, by
/// `retrievedFrom` (an index among their images, in order) when it names an image with the
/// same path, then by path; then every other message of the tree, by path. Place::None when
/// the segment is not a retrieved image or nothing matches.
RetrievedSource findRetrievedSource(const ConversationTree& tree, int answerNodeId, std::size_t segment);

/// The image files of the conversation that lie outside `shown` (the messages sent to the
/// engine): images of its other branches, oldest node first, each path once. This is the
/// gallery Session::setGallery gets, so that retrieval can also return them.
QStringList galleryPaths(const ConversationTree& tree, const std::vector<weft::Message>& shown);

} // namespace weft::ui
