// What the selected node is: kind, module, class, parameters, inputs and outputs with their
// types, the source line, and every finding on it (or inside it, for a collapsed module).
// It follows the window's selection.
#pragma once

#include "model_graph.h"

#include <QTextBrowser>

namespace torchprep {

class ModelSession;
class Selection;

class PropertiesPanel : public QTextBrowser
{
    Q_OBJECT
public:
    explicit PropertiesPanel(Selection *selection, QWidget *parent = nullptr);

private:
    void showNode(const ModelSession &session, NodeId node);

    Selection *selection_;
};

} // namespace torchprep
