#include "ui/retrieved_source.h"

#include <set>
#include <string>

namespace weft::ui {
namespace {

// The answer's ancestors, oldest first (the bound guards against a corrupt tree).
std::vector<int> ancestorsOf(const ConversationTree& tree, int nodeId)
{
    std::vector<int> chain;
    for (int id = tree.node(nodeId).parent; tree.isValid(id) && chain.size() < std::size_t(tree.nodeCount());
         id = tree.node(id).parent)
        chain.insert(chain.begin(), id);
    return chain;
}

// The first image segment of `nodeId` whose path is `path`, -1 when none.
int imageWithPath(const ConversationTree& tree, int nodeId, const std::string& path)
{
    const auto& segments = tree.node(nodeId).message.segments;
    for (std::size_t i = 0; i < segments.size(); ++i)
        if (segments[i].kind == weft::SegmentKind::Image && segments[i].path == path)
            return static_cast<int>(i);
    return -1;
}

} // namespace

RetrievedSource findRetrievedSource(const ConversationTree& tree, int answerNodeId, std::size_t segment)
{
    if (!tree.isValid(answerNodeId) || segment >= tree.node(answerNodeId).message.segments.size())
        return {};
    const weft::Segment& image = tree.node(answerNodeId).message.segments[segment];
    if (image.kind != weft::SegmentKind::Image || !image.retrieved || image.path.empty())
        return {};
    const std::vector<int> earlier = ancestorsOf(tree, answerNodeId);
    // By index first: the same file may appear in two messages (a picture dragged back in).
    int index = 0;
    for (int id : earlier) {
        const auto& segments = tree.node(id).message.segments;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            if (segments[i].kind != weft::SegmentKind::Image)
                continue;
            if (index++ == image.retrievedFrom && segments[i].path == image.path)
                return {RetrievedSource::Place::Earlier, id, static_cast<int>(i)};
        }
    }
    for (int id : earlier)
        if (const int i = imageWithPath(tree, id, image.path); i >= 0)
            return {RetrievedSource::Place::Earlier, id, i};
    for (int id = 1; id < tree.nodeCount(); ++id)
        if (const int i = imageWithPath(tree, id, image.path); id != answerNodeId && i >= 0)
            return {RetrievedSource::Place::OtherBranch, id, i};
    return {};
}

QStringList galleryPaths(const ConversationTree& tree, const std::vector<weft::Message>& shown)
{
    std::set<std::string> seen;
    for (const auto& m : shown)
        for (const auto& s : m.segments)
            if (s.kind == weft::SegmentKind::Image)
                seen.insert(s.path);
    QStringList paths;
    for (int id = 1; id < tree.nodeCount(); ++id)
        for (const auto& s : tree.node(id).message.segments)
            if (s.kind == weft::SegmentKind::Image && !s.path.empty() && seen.insert(s.path).second)
                paths << QString::fromStdString(s.path);
    return paths;
}

} // namespace weft::ui
