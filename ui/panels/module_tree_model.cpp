#include "module_tree_model.h"

#include "session/check_style.h"
#include "session/model_session.h"

#include <QLocale>

#include <algorithm>

namespace torchprep {

ModuleTreeModel::ModuleTreeModel(QObject *parent) : QAbstractItemModel(parent) {}

void ModuleTreeModel::setSession(std::shared_ptr<const ModelSession> session)
{
    // A re-validation carries a copy of the same graph: keep the tree's expanded rows.
    const bool sameGraph = session_ && session && session_->sameGraph(*session);
    if (sameGraph)
        emit layoutAboutToBeChanged();
    else
        beginResetModel();
    session_ = std::move(session);
    findingsBelow_.assign(session_ ? session_->graph().modules.size() : 0, {});
    excluded_.clear();
    if (session_) {
        const ModelGraph &graph = session_->graph();
        excluded_.insert(session_->excludedModules().begin(), session_->excludedModules().end());
        const auto &findings = session_->report().findings;
        for (int i = 0; i < static_cast<int>(findings.size()); ++i) {
            const ModuleInfo *owner = graph.findModule(findings[i].module);
            for (ModuleId m = owner ? owner->id : 0; m != kNoId; m = graph.modules[m].parent)
                findingsBelow_[m].push_back(i);
        }
    }
    if (sameGraph)
        emit layoutChanged(); // ids are stable, so every persistent index stays valid
    else
        endResetModel();
}

QModelIndex ModuleTreeModel::indexOfModule(ModuleId id, int column) const
{
    if (!session_ || id == kNoId)
        return {};
    if (id == 0)
        return createIndex(0, column, quintptr(0));
    const auto &siblings = session_->graph().modules[session_->graph().modules[id].parent].children;
    const int row =
        static_cast<int>(std::find(siblings.begin(), siblings.end(), id) - siblings.begin());
    return createIndex(row, column, quintptr(id));
}

std::vector<std::string> ModuleTreeModel::excludedModules() const
{
    return {excluded_.begin(), excluded_.end()};
}

const ModuleInfo &ModuleTreeModel::module(const QModelIndex &index) const
{
    return session_->graph().modules.at(index.internalId());
}

QModelIndex ModuleTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!session_ || column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row == 0 ? createIndex(0, column, quintptr(0)) : QModelIndex();
    const auto &children = module(parent).children;
    return row < static_cast<int>(children.size())
               ? createIndex(row, column, quintptr(children[row]))
               : QModelIndex();
}

QModelIndex ModuleTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return indexOfModule(module(child).parent);
}

int ModuleTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!session_)
        return 0;
    if (!parent.isValid())
        return 1;
    return parent.column() == 0 ? static_cast<int>(module(parent).children.size()) : 0;
}

int ModuleTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ModuleTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !session_)
        return {};
    const ModuleInfo &m = module(index);
    const std::vector<int> &below = findingsBelow_[m.id];
    if (role == ModuleIdRole)
        return m.id;
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(m.className + (m.path.empty() ? "" : "\n" + m.path));
    if (role == Qt::CheckStateRole && index.column() == ExcludeColumn && m.id != 0)
        return excluded_.count(m.path) ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::DecorationRole && index.column() == FindingsColumn && !below.empty())
        return checkColor(session_->report().findings[below.front()].check);
    if (role == Qt::TextAlignmentRole &&
        (index.column() == ParamsColumn || index.column() == FindingsColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return m.id == 0 ? tr("(model)") : QString::fromStdString(m.name);
    case ClassColumn:
        return QString::fromStdString(m.typeName);
    case ParamsColumn:
        return QLocale().toString(static_cast<qlonglong>(m.parameterCount));
    case FindingsColumn:
        return below.empty() ? QVariant() : QVariant(static_cast<int>(below.size()));
    }
    return {};
}

bool ModuleTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || role != Qt::CheckStateRole || index.column() != ExcludeColumn ||
        index.internalId() == 0)
        return false;
    const std::string &path = module(index).path;
    if (value.toInt() == Qt::Checked)
        excluded_.insert(path);
    else
        excluded_.erase(path);
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit exclusionsChanged();
    return true;
}

Qt::ItemFlags ModuleTreeModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractItemModel::flags(index);
    if (index.isValid() && index.column() == ExcludeColumn && index.internalId() != 0)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant ModuleTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char *titles[] = {"Module", "Findings", "Exclude", "Params", "Class"};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole && section == ExcludeColumn)
        return tr("Leave this module and its subtree out of every check (--exclude)");
    if (role == Qt::ToolTipRole && section == FindingsColumn)
        return tr("Findings in the module and below it");
    return {};
}

} // namespace torchprep
