// Tensor shapes for whatever the window shows: for each session on screen it finds the inputs
// described for its file, records the shapes in the background (or asks for the inputs, once
// per file, in the bar above the graph), and hands them to whoever draws them. Shapes recorded
// for a graph are kept while it may come back (an undo), so going back costs no run.
#pragma once

#include "session/model_inputs.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QWidget;

namespace torchprep {

class InputsBar;
class ModelSession;
class ShapeRecorder;
class WorkTracker;
struct SessionShapes;

class ShapesFlow : public QObject
{
    Q_OBJECT
  public:
    ShapesFlow(WorkTracker *work, QObject *parent = nullptr);
    ~ShapesFlow() override;

    // The bar that asks for the inputs; the window places it above the graph.
    InputsBar *bar() const { return bar_; }
    // The session on show (null: none): its shapes, or a run, or the question.
    void setSession(std::shared_ptr<const ModelSession> session);
    // The shapes of the session on show, null until recorded.
    std::shared_ptr<const SessionShapes> shapes() const { return shapes_; }
    // The inputs described for the session's file (empty when none).
    ModelInputs inputs() const;
    // Describes the inputs of the session's file (remembered) and records its shapes on them.
    void setInputs(const ModelInputs &inputs);
    // Asks for the inputs in a dialog over `parent`; accepted, they are set as by setInputs().
    void describe(QWidget *parent);

  signals:
    // New shapes for the session on show (null: none).
    void shapesChanged(std::shared_ptr<const torchprep::SessionShapes> shapes);
    // The inputs of the session's file changed (also: another file is on show).
    void inputsChanged(const torchprep::ModelInputs &inputs);
    // The shapes could not be recorded: one line.
    void failed(const QString &reason);

  private:
    void show(std::shared_ptr<const SessionShapes> shapes);
    QString filePath() const;

    ShapeRecorder *recorder_;
    InputsBar *bar_;
    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const SessionShapes> shapes_;
    std::vector<std::shared_ptr<const SessionShapes>> kept_; // the last few graphs' shapes
};

} // namespace torchprep
