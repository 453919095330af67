// The module tree: the hierarchy with classes, parameters, findings and the Exclude boxes. It
// follows the selection (the selected node's module) and selects a module's first call when
// the user picks its row; a double-click asks to open or close the module in the graph.
#pragma once

#include "graph/model_graph.h"

#include <QTreeView>

#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class ModelSession;
class ModuleTreeModel;
class Selection;

class ModulesPanel : public QTreeView
{
    Q_OBJECT
  public:
    explicit ModulesPanel(Selection *selection, QWidget *parent = nullptr);

    ModuleTreeModel *treeModel() const { return model_; }

  signals:
    void toggleRequested(torchprep::NodeId call);
    // The user ticked or cleared an Exclude box: validate again without these module paths.
    void exclusionsChanged(const std::vector<std::string> &excluded);

  private:
    // The selection's session. A new graph resets the tree (opened one level deep); a
    // re-validation refreshes its counts.
    void setSession(std::shared_ptr<const ModelSession> session);
    void follow();
    // The first call of the module at `index`, kNoId for a module never called.
    NodeId firstCall(const QModelIndex &index) const;

    Selection *selection_;
    ModuleTreeModel *model_;
    std::shared_ptr<const ModelSession> session_;
    bool following_ = false; // the tree is moved by the selection: not the user's choice
};

} // namespace torchprep
