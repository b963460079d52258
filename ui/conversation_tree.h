#pragma once
// A conversation with branches: every message is a node whose siblings are alternative
// versions (regenerated answers, edited-and-resent questions). The active path, root to
// leaf, is what the chat shows and what the engine sees.

#include <QDateTime>
#include <QString>

#include <map>
#include <vector>

#include "weft/message.h"

namespace weft::ui {

class ConversationTree {
public:
    static constexpr int kRoot = 0; ///< virtual root node; holds no message

    struct Node {
        int parent = -1;
        std::vector<int> children;
        int activeChild = -1;                 ///< index into children, -1 for a leaf
        weft::Message message;
        std::map<int, QString> altTexts;      ///< segment index -> description of that image
        int examplePairs = 0;                 ///< built as N before/after pairs + a query (its first 2N+1 images)
        QDateTime time;                       ///< when it was added (UTC); invalid in files from before it
    };

    ConversationTree();

    /// Node ids of the active path, root excluded, oldest first.
    std::vector<int> activePath() const;
    /// Messages of the active path up to and including `lastNodeId` (all when -1).
    std::vector<weft::Message> activeMessages(int lastNodeId = -1) const;
    /// Last node of the active path (kRoot when empty).
    int activeLeaf() const;

    /// Appends `message` below the active leaf and makes it active. Returns its id.
    int append(weft::Message message);
    /// Adds `message` as a new sibling of `nodeId` (a new branch) and makes it active.
    /// Returns its id, or -1 when nodeId is the root or unknown.
    int addSibling(int nodeId, weft::Message message);
    /// Adds a child below `parentId` without changing which branch is active elsewhere;
    /// makes the new child the active one of its parent. Returns its id, -1 on bad parent.
    int addChild(int parentId, weft::Message message);

    /// Makes every node from the root down to `nodeId` the active child of its parent, so that
    /// `nodeId` is on the active path. Does nothing for an unknown id.
    void activatePath(int nodeId);

    /// Number of alternatives at `nodeId`'s position (>= 1) and which one it is (0-based).
    int branchCount(int nodeId) const;
    int branchIndex(int nodeId) const;
    /// Activates the sibling `delta` steps away (clamped). Returns true if anything changed.
    bool switchBranch(int nodeId, int delta);

    bool isValid(int nodeId) const { return nodeId > kRoot && nodeId < static_cast<int>(m_nodes.size()); }
    const Node& node(int nodeId) const { return m_nodes.at(static_cast<std::size_t>(nodeId)); }
    Node& node(int nodeId) { return m_nodes.at(static_cast<std::size_t>(nodeId)); }
    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    bool isEmpty() const { return m_nodes.size() <= 1; }

    /// Rebuilds from raw nodes (used by the store). Returns false, leaving the tree empty,
    /// when parents/children are inconsistent (cycles, bad ids).
    bool assign(std::vector<Node> nodes);
    const std::vector<Node>& nodes() const { return m_nodes; }

    /// Plain text of every message in every branch (for search), lower-cased.
    QString searchText() const;

private:
    std::vector<Node> m_nodes;
};

} // namespace weft::ui
