#include "changes_model.h"

#include "checks/finding.h"
#include "diff/diff_style.h"
#include "graph/graph_diff.h"

#include <QFileInfo>

namespace torchprep {

ChangesModel::ChangesModel(QObject *parent) : QAbstractTableModel(parent) {}

void ChangesModel::setDiff(std::shared_ptr<const GraphDiff> diff)
{
    beginResetModel();
    diff_ = std::move(diff);
    endResetModel();
}

int ChangesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !diff_ ? 0 : static_cast<int>(diff_->entries.size());
}

int ChangesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChangesModel::data(const QModelIndex &index, int role) const
{
    if (!diff_ || !index.isValid() || index.row() >= rowCount())
        return {};
    const DiffEntry &e = diff_->entries[index.row()];
    if (role == EntryIndexRole)
        return index.row();
    if (role == Qt::DecorationRole && index.column() == KindColumn)
        return diffColor(e.kind);
    if (role == Qt::ToolTipRole && index.column() == SourceColumn)
        return QString::fromStdString(e.source.str());
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case KindColumn:
        return diffTitle(e.kind);
    case ModuleColumn:
        return QString::fromStdString(displayPath(e.module));
    case WhatColumn:
        return QString::fromStdString(e.summary).replace(QStringLiteral(" -> "),
                                                         QStringLiteral(" → "));
    case SourceColumn:
        return e.source.known()
                   ? QStringLiteral("%1:%2")
                         .arg(QFileInfo(QString::fromStdString(e.source.file)).fileName())
                         .arg(e.source.line)
                   : QString();
    }
    return {};
}

QVariant ChangesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KindColumn:
        return tr("Change");
    case ModuleColumn:
        return tr("Module");
    case WhatColumn:
        return tr("What");
    case SourceColumn:
        return tr("Source");
    }
    return {};
}

} // namespace torchprep
