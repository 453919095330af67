// Tensor shapes for the graph on show: one forward run of the session's model on the inputs
// described for its file (the core's recordValueShapes, on a background job). Shapes belong to
// one graph: another graph (another model, a fix, an undo) needs its own run.
#pragma once

#include "graph/model_graph.h"
#include "session/model_inputs.h"
#include "torchscript/value_shapes.h"

#include <QObject>
#include <QString>

#include <memory>

namespace torchprep {

class LatestJob;
class ModelSession;
class WorkTracker;

// The shapes recorded for one graph, and the inputs they were recorded on.
struct SessionShapes
{
    std::shared_ptr<const ModelGraph> graph;
    ValueShapes shapes;
    ModelInputs inputs;

    // True when these are the shapes of `session`'s graph.
    bool belongTo(const ModelSession &session) const;
};

class ShapeRecorder : public QObject
{
    Q_OBJECT
  public:
    explicit ShapeRecorder(WorkTracker *work, QObject *parent = nullptr);
    ~ShapeRecorder() override;

    bool busy() const;
    // Records `session`'s shapes on `inputs`; recorded() or failed() follows. A recording still
    // running is dropped (its session is no longer the one on show) and this one follows it.
    void record(std::shared_ptr<const ModelSession> session, const ModelInputs &inputs);
    // Nothing running or waiting reports any more.
    void cancel();

  signals:
    void recorded(std::shared_ptr<const torchprep::SessionShapes> shapes);
    void failed(const QString &reason);

  private:
    LatestJob *job_;
};

} // namespace torchprep
