// The module hierarchy as a tree: name, findings in the subtree, a checkbox per module that
// excludes it (and its subtree) from the checks, parameter count and class, in that order so
// what a user acts on is seen first in a narrow dock.
#pragma once

#include "graph/model_graph.h"

#include <QAbstractItemModel>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace torchprep {

class ModelSession;

class ModuleTreeModel : public QAbstractItemModel
{
    Q_OBJECT
  public:
    enum Column {
        NameColumn,
        FindingsColumn,
        ExcludeColumn,
        ParamsColumn,
        ClassColumn,
        ColumnCount
    };
    static constexpr int ModuleIdRole = Qt::UserRole + 1;

    explicit ModuleTreeModel(QObject *parent = nullptr);

    // A new graph resets the tree; the same graph re-validated only refreshes counts.
    void setSession(std::shared_ptr<const ModelSession> session);
    QModelIndex indexOfModule(ModuleId module, int column = 0) const;
    std::vector<std::string> excludedModules() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  signals:
    // The user ticked or cleared an exclusion; excludedModules() already reflects it.
    void exclusionsChanged();

  private:
    const ModuleInfo &module(const QModelIndex &index) const;

    std::shared_ptr<const ModelSession> session_;
    std::vector<std::vector<int>> findingsBelow_; // per module: finding indexes in its subtree
    std::set<std::string> excluded_;
};

} // namespace torchprep
