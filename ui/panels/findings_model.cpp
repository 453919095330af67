#include "findings_model.h"

#include "session/check_style.h"
#include "session/model_session.h"

#include <QFileInfo>

namespace torchprep {

FindingsModel::FindingsModel(QObject *parent) : QAbstractTableModel(parent) {}

void FindingsModel::setSession(std::shared_ptr<const ModelSession> session)
{
    beginResetModel();
    session_ = std::move(session);
    endResetModel();
}

QModelIndex FindingsModel::indexOfFinding(int finding) const
{
    return finding >= 0 && finding < rowCount() ? index(finding, 0) : QModelIndex();
}

int FindingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !session_ ? 0 : static_cast<int>(session_->report().findings.size());
}

int FindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !session_)
        return {};
    const Finding &f = session_->report().findings.at(index.row());
    if (role == FindingIndexRole)
        return index.row();
    if (role == Qt::DecorationRole && index.column() == CheckColumn)
        return checkColor(f.check);
    if (role == Qt::ToolTipRole) {
        QString tip = QString::fromStdString(f.message + "\n\nFix: " + f.fix);
        if (f.source.known())
            tip += QString::fromStdString("\n\n" + f.source.str());
        return tip;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case CheckColumn:
        return checkTitle(f.check);
    case ModuleColumn:
        return f.module.empty() ? tr("(model)") : QString::fromStdString(f.module);
    case OpColumn:
        return QString::fromStdString(f.op);
    case SourceColumn:
        if (!f.source.known())
            return tr("unknown");
        return QStringLiteral("%1:%2%3")
            .arg(QFileInfo(QString::fromStdString(f.source.file)).fileName())
            .arg(f.source.line)
            .arg(f.source.inferred ? QStringLiteral(" (inferred)") : QString());
    case MessageColumn:
        return QString::fromStdString(f.message);
    case FixColumn:
        return QString::fromStdString(f.fix);
    }
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *titles[] = {"Check", "Module", "Op", "Source", "Message", "Fix"};
    return tr(titles[section]);
}

} // namespace torchprep
