#include "ui/conversation_tree.h"

#include <algorithm>

namespace weft::ui {

ConversationTree::ConversationTree()
{
    m_nodes.emplace_back();
}

std::vector<int> ConversationTree::activePath() const
{
    std::vector<int> path;
    int current = kRoot;
    // The bound guards against a corrupt tree looping forever.
    while (path.size() < m_nodes.size()) {
        const Node& n = m_nodes[static_cast<std::size_t>(current)];
        if (n.activeChild < 0 || n.activeChild >= static_cast<int>(n.children.size()))
            break;
        current = n.children[static_cast<std::size_t>(n.activeChild)];
        path.push_back(current);
    }
    return path;
}

std::vector<weft::Message> ConversationTree::activeMessages(int lastNodeId) const
{
    std::vector<weft::Message> out;
    for (int id : activePath()) {
        out.push_back(node(id).message);
        if (id == lastNodeId)
            break;
    }
    return out;
}

int ConversationTree::activeLeaf() const
{
    const auto path = activePath();
    return path.empty() ? kRoot : path.back();
}

int ConversationTree::addChild(int parentId, weft::Message message)
{
    if (parentId < 0 || parentId >= static_cast<int>(m_nodes.size()))
        return -1;
    Node n;
    n.parent = parentId;
    n.message = std::move(message);
    m_nodes.push_back(std::move(n));
    const int id = static_cast<int>(m_nodes.size()) - 1;
    Node& parent = m_nodes[static_cast<std::size_t>(parentId)];
    parent.children.push_back(id);
    parent.activeChild = static_cast<int>(parent.children.size()) - 1;
    return id;
}

void ConversationTree::activatePath(int nodeId)
{
    for (int id = nodeId; isValid(id);) {
        Node& parent = m_nodes[static_cast<std::size_t>(m_nodes[static_cast<std::size_t>(id)].parent)];
        const auto it = std::find(parent.children.begin(), parent.children.end(), id);
        if (it == parent.children.end())
            return;
        parent.activeChild = static_cast<int>(it - parent.children.begin());
        id = m_nodes[static_cast<std::size_t>(id)].parent;
    }
}

int ConversationTree::append(weft::Message message)
{
    return addChild(activeLeaf(), std::move(message));
}

int ConversationTree::addSibling(int nodeId, weft::Message message)
{
    if (!isValid(nodeId))
        return -1;
    return addChild(node(nodeId).parent, std::move(message));
}

int ConversationTree::branchCount(int nodeId) const
{
    if (!isValid(nodeId))
        return 1;
    return static_cast<int>(node(node(nodeId).parent).children.size());
}

int ConversationTree::branchIndex(int nodeId) const
{
    if (!isValid(nodeId))
        return 0;
    const auto& siblings = node(node(nodeId).parent).children;
    return static_cast<int>(std::find(siblings.begin(), siblings.end(), nodeId) - siblings.begin());
}

bool ConversationTree::switchBranch(int nodeId, int delta)
{
    if (!isValid(nodeId))
        return false;
    Node& parent = node(node(nodeId).parent);
    const int count = static_cast<int>(parent.children.size());
    const int target = std::clamp(branchIndex(nodeId) + delta, 0, count - 1);
    if (target == parent.activeChild)
        return false;
    parent.activeChild = target;
    return true;
}

bool ConversationTree::assign(std::vector<Node> nodes)
{
    const int count = static_cast<int>(nodes.size());
    bool ok = count >= 1 && nodes[0].parent == -1;
    // Every non-root node must be listed exactly once as a child of its parent, which
    // rules out cycles and dangling ids.
    std::vector<int> seen(static_cast<std::size_t>(std::max(count, 0)), 0);
    for (int i = 0; ok && i < count; ++i) {
        const Node& n = nodes[static_cast<std::size_t>(i)];
        if (n.activeChild < -1 || n.activeChild >= static_cast<int>(n.children.size()))
            ok = false;
        for (int c : n.children) {
            if (c <= 0 || c >= count || nodes[static_cast<std::size_t>(c)].parent != i || seen[static_cast<std::size_t>(c)]++) {
                ok = false;
                break;
            }
        }
        if (i > 0 && (n.parent < 0 || n.parent >= count))
            ok = false;
    }
    for (int i = 1; ok && i < count; ++i)
        ok = seen[static_cast<std::size_t>(i)] == 1;
    m_nodes.clear();
    if (!ok) {
        m_nodes.emplace_back();
        return false;
    }
    m_nodes = std::move(nodes);
    return true;
}

QString ConversationTree::searchText() const
{
    QString text;
    for (const Node& n : m_nodes) {
        for (const auto& s : n.message.segments) {
            if (s.kind == weft::SegmentKind::Text)
                text += QString::fromStdString(s.text) + QLatin1Char('\n');
        }
        for (const auto& [index, alt] : n.altTexts) {
            Q_UNUSED(index);
            text += alt + QLatin1Char('\n');
        }
    }
    return text.toLower();
}

} // namespace weft::ui
