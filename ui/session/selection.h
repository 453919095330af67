// The window's one current selection: a node of the session on screen and, when the user chose a
// finding, that finding. It belongs to one session: a session showing another graph (another
// model, a fix, an undo) clears it, so a node id never outlives the graph it names; a
// re-validation of the same graph keeps the node and drops the finding (its index changed).
// The graph, the findings table, the module tree, the properties and the source panel all
// follow it; whoever chose says so, so that panel is not moved under the user's hand.
#pragma once

#include "graph/model_graph.h"

#include <QObject>

#include <memory>

namespace torchprep {

class ModelSession;

class Selection : public QObject
{
    Q_OBJECT
  public:
    enum class Origin {
        Graph,    // a box clicked in the graph
        Findings, // a row of the findings table
        Modules,  // a row of the module tree
        Other,    // search, comparison plot, a script or test
        Session,  // a new session kept or cleared it: follow, but move nothing into view
    };

    using QObject::QObject;

    void setSession(std::shared_ptr<const ModelSession> session);
    const std::shared_ptr<const ModelSession> &session() const { return session_; }

    // kNoId when nothing is selected; always a node of session() otherwise.
    NodeId node() const { return node_; }
    // Index into session()->report().findings, -1 when no finding was chosen.
    int finding() const { return finding_; }

    // Selects `node` (kNoId: nothing). Ids that are no node of the session select nothing.
    void selectNode(NodeId node, Origin origin);
    // Selects finding `index` and the node it is shown on (kNoId for a finding about the whole
    // model). Out-of-range indexes select nothing.
    void selectFinding(int index, Origin origin);
    void clear();

  signals:
    // Another session is on screen (null: none), before changed() says what that did to the
    // selection: the panels that show a session follow this, never the window.
    void sessionChanged(const std::shared_ptr<const torchprep::ModelSession> &session);
    // Every selection request, also one that chose the same again ("go there once more").
    void changed(torchprep::Selection::Origin origin);

  private:
    std::shared_ptr<const ModelSession> session_;
    NodeId node_ = kNoId;
    int finding_ = -1;
};

} // namespace torchprep
