#include "modules_panel.h"

#include "panels/module_tree_model.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QHeaderView>
#include <QScopedValueRollback>

namespace torchprep {

ModulesPanel::ModulesPanel(Selection *selection, QWidget *parent)
    : QTreeView(parent), selection_(selection), model_(new ModuleTreeModel(this))
{
    setModel(model_);
    setUniformRowHeights(true);
    // Names, findings, the Exclude boxes and sizes come first at their full width; the class
    // takes what is left, so nothing a user acts on scrolls out of view in a narrow dock.
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(ModuleTreeModel::ClassColumn, QHeaderView::Interactive);
    header()->setMinimumSectionSize(36);
    setAlternatingRowColors(true);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (const NodeId call = firstCall(current); !following_ && call != kNoId)
                    selection_->selectNode(call, Selection::Origin::Modules);
            });
    connect(this, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const NodeId call = firstCall(index); call != kNoId)
            emit toggleRequested(call);
    });
    connect(model_, &ModuleTreeModel::exclusionsChanged, this,
            [this] { emit exclusionsChanged(model_->excludedModules()); });
    connect(selection_, &Selection::sessionChanged, this, &ModulesPanel::setSession);
    connect(selection_, &Selection::changed, this, [this](Selection::Origin origin) {
        if (origin != Selection::Origin::Modules)
            follow();
    });
}

void ModulesPanel::setSession(std::shared_ptr<const ModelSession> session)
{
    const bool sameGraph = session_ && session && session_->sameGraph(*session);
    session_ = session;
    model_->setSession(std::move(session));
    if (session_ && !sameGraph)
        expandToDepth(1);
}

NodeId ModulesPanel::firstCall(const QModelIndex &index) const
{
    if (!session_ || !index.isValid())
        return kNoId;
    const ModuleInfo &m =
        session_->graph().modules.at(index.data(ModuleTreeModel::ModuleIdRole).toInt());
    return m.calls.empty() ? kNoId : m.calls.front();
}

// The selected node's module (a call's callee, an op's owner) as the current row.
void ModulesPanel::follow()
{
    if (!session_ || selection_->node() == kNoId || selection_->session() != session_)
        return;
    const GraphNode &n = session_->graph().nodes.at(selection_->node());
    const QModelIndex module =
        model_->indexOfModule(n.kind == NodeKind::ModuleCall ? n.callee : n.owner);
    const QScopedValueRollback<bool> quiet(following_, true);
    setCurrentIndex(module);
    scrollTo(module);
}

} // namespace torchprep
