// What the selected node is: kind, module, class, parameters, its arguments by name and value
// (`alpha = 1`, a tensor's shape once recorded), its results, the source line, and every
// finding on it (or inside it, for a collapsed module). It follows the window's selection.
#pragma once

#include "graph/model_graph.h"

#include <QTextBrowser>

#include <memory>

namespace torchprep {

class ModelSession;
class Selection;
struct SessionShapes;

class PropertiesPanel : public QTextBrowser
{
    Q_OBJECT
  public:
    explicit PropertiesPanel(Selection *selection, QWidget *parent = nullptr);

    // Tensor shapes to show (used while they are the selected session's graph's); null: none.
    void setShapes(std::shared_ptr<const SessionShapes> shapes);
    // What the Studio's Fix creates for finding `finding` of `session` (FixPreview), shown under
    // that finding beside the checks' text for a fix by hand.
    void setFixPreview(const ModelSession *session, int finding, const QString &text);

  private:
    void refresh();
    void showNode(const ModelSession &session, NodeId node);
    // A value as a person reads it: a constant's value, a list of constants, a tensor's shape.
    QString valueText(const ModelGraph &graph, ValueId value) const;

    Selection *selection_;
    std::shared_ptr<const SessionShapes> shapes_;
    bool shapesUsable_ = false; // shapes_ belong to the graph being shown
    const ModelSession *previewSession_ = nullptr;
    int previewFinding_ = -1;
    QString preview_;
};

} // namespace torchprep
