// Every finding of the current validation as a table: check, module, op, source, message, fix.
#pragma once

#include <QAbstractTableModel>

#include <memory>

namespace torchprep {

class ModelSession;

class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT
  public:
    enum Column {
        CheckColumn,
        ModuleColumn,
        OpColumn,
        SourceColumn,
        MessageColumn,
        FixColumn,
        ColumnCount
    };
    static constexpr int FindingIndexRole = Qt::UserRole + 1;

    explicit FindingsModel(QObject *parent = nullptr);

    void setSession(std::shared_ptr<const ModelSession> session);
    // The row showing report().findings[index].
    QModelIndex indexOfFinding(int finding) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    std::shared_ptr<const ModelSession> session_;
};

} // namespace torchprep
