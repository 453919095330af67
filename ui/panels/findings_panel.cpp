#include "findings_panel.h"

#include "panels/findings_model.h"
#include "session/list_table.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QHeaderView>
#include <QScopedValueRollback>
#include <QStyledItemDelegate>

#include <algorithm>

namespace torchprep {

namespace {
// A module path's end says which one it is: elided in the middle, not at its end.
class MiddleElidingDelegate : public QStyledItemDelegate
{
  public:
    using QStyledItemDelegate::QStyledItemDelegate;

  protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideMiddle;
    }
};
} // namespace

FindingsPanel::FindingsPanel(Selection *selection, QWidget *parent)
    : QTableView(parent), selection_(selection), model_(new FindingsModel(this))
{
    setModel(model_);
    setUpListTable(this, QAbstractItemView::ExtendedSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    setColumnWidth(FindingsModel::CheckColumn, 150);
    setColumnWidth(FindingsModel::ModuleColumn, 150);
    setColumnWidth(FindingsModel::OpColumn, 90);
    setColumnWidth(FindingsModel::SourceColumn, 130);
    setColumnWidth(FindingsModel::MessageColumn, 420);
    setItemDelegateForColumn(FindingsModel::ModuleColumn, new MiddleElidingDelegate(this));
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { choose(current); });
    connect(this, &QTableView::clicked, this, &FindingsPanel::choose); // again: go there once more
    connect(selection_, &Selection::sessionChanged, this, &FindingsPanel::setSession);
    connect(selection_, &Selection::changed, this, [this](Selection::Origin origin) {
        if (origin != Selection::Origin::Findings)
            follow();
    });
}

void FindingsPanel::setSession(std::shared_ptr<const ModelSession> session)
{
    model_->setSession(std::move(session));
}

std::vector<int> FindingsPanel::selectedFindings() const
{
    std::vector<int> findings;
    for (const QModelIndex &row : selectionModel()->selectedRows())
        findings.push_back(row.data(FindingsModel::FindingIndexRole).toInt());
    std::sort(findings.begin(), findings.end());
    return findings;
}

void FindingsPanel::choose(const QModelIndex &index)
{
    if (!following_ && index.isValid())
        selection_->selectFinding(index.data(FindingsModel::FindingIndexRole).toInt(),
                                  Selection::Origin::Findings);
}

// The chosen finding as the current row; else the selected node's findings, the first in view.
void FindingsPanel::follow()
{
    const QScopedValueRollback<bool> quiet(following_, true);
    if (selection_->finding() >= 0) {
        const QModelIndex row = model_->indexOfFinding(selection_->finding());
        selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect |
                                                   QItemSelectionModel::Rows);
        scrollTo(row);
        return;
    }
    const std::shared_ptr<const ModelSession> &session = selection_->session();
    if (!session || selection_->node() == kNoId)
        return;
    clearSelection();
    const std::vector<int> &own = session->findingsOf(selection_->node());
    for (int f : own)
        selectionModel()->select(model_->indexOfFinding(f),
                                 QItemSelectionModel::Select | QItemSelectionModel::Rows);
    if (!own.empty())
        scrollTo(model_->indexOfFinding(own.front()));
}

} // namespace torchprep
