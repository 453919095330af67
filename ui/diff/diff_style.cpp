#include "diff_style.h"

#include <QObject>
#include <QStringList>

#include <map>
#include <set>

namespace torchprep {

namespace {

// How many changes of each kind, in the kinds' order.
std::map<DiffKind, int> kindCounts(const GraphDiff &diff)
{
    std::map<DiffKind, int> counts;
    for (const DiffEntry &e : diff.entries)
        ++counts[e.kind];
    return counts;
}

} // namespace

QColor diffColor(DiffKind kind)
{
    switch (kind) {
    case DiffKind::OpRewritten:
        return QColor(0x8E, 0x24, 0xAA); // purple, as the functional op it was
    case DiffKind::ReuseUnrolled:
        return QColor(0xEF, 0x6C, 0x00); // orange, as the reused module it was
    case DiffKind::ModuleAdded:
    case DiffKind::OpAdded:
        return QColor(0x2E, 0x7D, 0x32); // green
    case DiffKind::ModuleRemoved:
    case DiffKind::OpRemoved:
        return QColor(0xC6, 0x28, 0x28); // red
    case DiffKind::ClassChanged:
        return QColor(0x15, 0x65, 0xC0); // blue
    case DiffKind::CallsChanged:
        return QColor(0xB2, 0x8C, 0x00); // dark amber
    }
    return QColor(0x7F, 0x8C, 0x8D);
}

QString diffTitle(DiffKind kind)
{
    switch (kind) {
    case DiffKind::OpRewritten:
        return QObject::tr("Rewritten op");
    case DiffKind::ReuseUnrolled:
        return QObject::tr("Unrolled reuse");
    case DiffKind::ModuleAdded:
        return QObject::tr("Added module");
    case DiffKind::ModuleRemoved:
        return QObject::tr("Removed module");
    case DiffKind::ClassChanged:
        return QObject::tr("Class changed");
    case DiffKind::CallsChanged:
        return QObject::tr("Calls changed");
    case DiffKind::OpAdded:
        return QObject::tr("Added op");
    case DiffKind::OpRemoved:
        return QObject::tr("Removed op");
    }
    return QString::fromLatin1(diffKindName(kind));
}

QString diffCount(DiffKind kind, int count)
{
    const bool one = count == 1;
    QString what;
    switch (kind) {
    case DiffKind::OpRewritten:
        what = one ? QObject::tr("rewritten op") : QObject::tr("rewritten ops");
        break;
    case DiffKind::ReuseUnrolled:
        what = one ? QObject::tr("unrolled reuse") : QObject::tr("unrolled reuses");
        break;
    case DiffKind::ModuleAdded:
        what = one ? QObject::tr("added module") : QObject::tr("added modules");
        break;
    case DiffKind::ModuleRemoved:
        what = one ? QObject::tr("removed module") : QObject::tr("removed modules");
        break;
    case DiffKind::ClassChanged:
        what =
            one ? QObject::tr("module of another class") : QObject::tr("modules of another class");
        break;
    case DiffKind::CallsChanged:
        what = one ? QObject::tr("module called more or less often")
                   : QObject::tr("modules called more or less often");
        break;
    case DiffKind::OpAdded:
        what = one ? QObject::tr("added op") : QObject::tr("added ops");
        break;
    case DiffKind::OpRemoved:
        what = one ? QObject::tr("removed op") : QObject::tr("removed ops");
        break;
    }
    return QStringLiteral("%1 %2").arg(count).arg(what);
}

QHash<NodeId, NodeMark> diffMarks(const GraphDiff &diff, const ModelGraph &graph, bool afterSide,
                                  const QColor &color, std::vector<int> *rows)
{
    QHash<NodeId, NodeMark> marks;
    if (rows)
        rows->assign(graph.nodes.size(), -1);
    for (std::size_t row = 0; row < diff.entries.size(); ++row) {
        const DiffEntry &e = diff.entries[row];
        const std::vector<NodeId> &nodes = afterSide ? e.afterNodes : e.beforeNodes;
        const std::set<NodeId> own(nodes.begin(), nodes.end());
        for (NodeId n : nodes) {
            marks.insert(n, {color.isValid() ? color : diffColor(e.kind),
                             !own.count(graph.nodes[n].parentCall)});
            if (rows)
                (*rows)[n] = static_cast<int>(row);
        }
    }
    return marks;
}

QString diffSummary(const GraphDiff &diff)
{
    if (diff.entries.empty())
        return QObject::tr("<b>No changes:</b> both graphs run the same modules and ops.");
    QStringList parts;
    for (const auto &[kind, count] : kindCounts(diff))
        parts << QStringLiteral("<span style='color:%1'>■</span> %2")
                     .arg(diffColor(kind).name(), diffCount(kind, count));
    const int n = static_cast<int>(diff.entries.size());
    return (n == 1 ? QObject::tr("<b>1 change:</b> ") : QObject::tr("<b>%1 changes:</b> ").arg(n)) +
           parts.join(QStringLiteral(", "));
}

QVector<LegendWidget::Row> diffKeyRows(const GraphDiff &diff)
{
    QVector<LegendWidget::Row> rows;
    for (const auto &[kind, count] : kindCounts(diff)) {
        QColor fill = diffColor(kind);
        fill.setAlpha(60);
        rows.append(
            {fill, diffColor(kind), QStringLiteral("%1 (%2)").arg(diffTitle(kind)).arg(count)});
    }
    return rows;
}

} // namespace torchprep
