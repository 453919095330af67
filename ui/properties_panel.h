// What the selected box is: kind, module, class, parameters, inputs and outputs with their
// types, the source line, and every finding on it (or inside it, for a collapsed module).
#pragma once

#include "model_graph.h"

#include <QTextBrowser>

#include <memory>

namespace torchprep {

class ModelSession;

class PropertiesPanel : public QTextBrowser
{
    Q_OBJECT
public:
    explicit PropertiesPanel(QWidget *parent = nullptr);

    void setSession(std::shared_ptr<const ModelSession> session);
    void showNode(NodeId node);

private:
    std::shared_ptr<const ModelSession> session_;
};

} // namespace torchprep
