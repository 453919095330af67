// The before/after view's changes as a table: kind, module, what happened, source line. One
// row per diff entry, in the changed model's execution order.
#pragma once

#include <QAbstractTableModel>

#include <memory>

namespace torchprep {

struct GraphDiff;

class ChangesModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column { KindColumn, ModuleColumn, WhatColumn, SourceColumn, ColumnCount };
    static constexpr int EntryIndexRole = Qt::UserRole + 1;

    explicit ChangesModel(QObject *parent = nullptr);

    void setDiff(std::shared_ptr<const GraphDiff> diff);
    const GraphDiff *diff() const { return diff_.get(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    std::shared_ptr<const GraphDiff> diff_;
};

} // namespace torchprep
