// Owns what the graph view shows: the current session, which module calls are expanded,
// and the laid-out graph per expansion state (cached). Layouts run in a worker; a request
// made while one runs is queued and only the latest is computed.
#pragma once

#include "model_graph.h"

#include <QFont>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>

#include <memory>
#include <set>

namespace torchprep {

class ModelSession;
struct GraphLayout;

class GraphController : public QObject
{
    Q_OBJECT
public:
    explicit GraphController(QObject *parent = nullptr);
    ~GraphController() override;

    // A new model resets the expansion to a readable default; a re-validated one keeps it.
    void setSession(std::shared_ptr<const ModelSession> session, bool keepExpansion);
    // A new model shown with exactly these calls open (the before/after view opens both sides alike).
    void setSession(std::shared_ptr<const ModelSession> session, std::set<NodeId> expanded);
    void clear();
    std::shared_ptr<const ModelSession> session() const { return session_; }
    std::shared_ptr<const GraphLayout> layout() const { return layout_; }
    const std::set<NodeId> &expanded() const { return expanded_; }
    bool busy() const { return watcher_.isRunning(); }
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
    void busyChanged(bool busy);

private:
    void apply(std::set<NodeId> expanded);
    void startLayout();

    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const GraphLayout> layout_;
    std::set<NodeId> expanded_;
    QHash<QString, std::shared_ptr<const GraphLayout>> cache_;
    QFutureWatcher<std::shared_ptr<const GraphLayout>> watcher_;
    bool pending_ = false;
    int generation_ = 0; // bumped whenever cached layouts stop matching the model
    int runningGeneration_ = 0;
    QFont font_;
};

} // namespace torchprep
