// Owns what a graph pane shows: the current session, which module calls are expanded, and the
// laid-out graph per expansion state (cached). Layouts run as a background job; a request made
// while one runs is queued and only the latest is computed. The scene follows layoutReady().
#pragma once

#include "graph/model_graph.h"

#include <QFont>
#include <QHash>
#include <QObject>

#include <memory>
#include <set>

namespace torchprep {

class Job;
class ModelSession;
class WorkTracker;
struct GraphLayout;

class GraphController : public QObject
{
    Q_OBJECT
  public:
    explicit GraphController(WorkTracker *work, QObject *parent = nullptr);
    ~GraphController() override;

    // Another graph opens at a readable default; a re-validation of the same graph (the same
    // nodes, other findings) keeps the expansion and the cached layouts.
    void setSession(std::shared_ptr<const ModelSession> session);
    // A graph shown with exactly these calls open (the before/after view opens both sides alike).
    void setSession(std::shared_ptr<const ModelSession> session, std::set<NodeId> expanded);
    void clear();
    std::shared_ptr<const ModelSession> session() const { return session_; }
    std::shared_ptr<const GraphLayout> layout() const { return layout_; }
    // True when the layout on hand is the one for the current expansion.
    bool layoutIsCurrent() const;
    const std::set<NodeId> &expanded() const { return expanded_; }
    bool busy() const;
    void setFont(const QFont &font);
    // What a new model opens with: whole levels of modules, while the graph stays readable.
    static std::set<NodeId> readableExpansion(const ModelGraph &graph);

    void setExpanded(NodeId call, bool expanded);
    void toggle(NodeId call);
    // Opens every call enclosing `node` so it gets its own box (or group).
    void reveal(NodeId node);
    void reveal(const std::vector<NodeId> &nodes);
    void expandAll();
    void collapseAll();

  signals:
    void layoutReady(std::shared_ptr<const torchprep::GraphLayout> layout);
    void cleared();
    void layoutFailed(const QString &reason);

  private:
    void apply(std::set<NodeId> expanded);
    void startLayout();
    void onLaidOut(std::shared_ptr<const GraphLayout> result);

    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const GraphLayout> layout_;
    std::set<NodeId> expanded_;
    QHash<QString, std::shared_ptr<const GraphLayout>> cache_;
    Job *job_;
    bool pending_ = false;
    int generation_ = 0; // bumped whenever cached layouts stop matching the model
    int runningGeneration_ = 0;
    QFont font_;
};

} // namespace torchprep
