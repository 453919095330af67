#include "divergence_colours.h"

#include "base/report_text.h"
#include "session/counted.h"

#include <QObject>

#include <algorithm>
#include <cmath>

namespace torchprep {

QString sqnrText(double sqnrDb)
{
    if (std::isinf(sqnrDb) && sqnrDb > 0)
        return QObject::tr("identical");
    if (std::isnan(sqnrDb))
        return QObject::tr("not a number");
    if (sqnrDb >= 100) // float32 rounding: nothing a person would call a difference
        return QObject::tr("≈ identical (%1 dB)").arg(sqnrDb, 0, 'f', 0);
    return QObject::tr("%1 dB")
        .arg(sqnrDb, 0, 'f', 1)
        .replace(QLatin1Char('-'), QStringLiteral("−"));
}

QString maxDiffText(double maxAbsDiff, double tolerance)
{
    if (maxAbsDiff == 0)
        return QObject::tr("0 (identical)");
    const QString number =
        QString::fromStdString(threeSignificant(maxAbsDiff)); // as the CLI prints it
    return maxAbsDiff <= tolerance ? QObject::tr("%1 (float rounding)").arg(number) : number;
}

QVector<QColor> divergenceScale()
{
    return {QColor(0xd6, 0x27, 0x28), QColor(0xff, 0x98, 0x00), QColor(0xff, 0xe0, 0x4b),
            QColor(0x8b, 0xc3, 0x4a), QColor(0x4c, 0xaf, 0x50)};
}

QColor divergenceColour(const LayerComparison &layer, double tolerance)
{
    const QVector<QColor> scale = divergenceScale();
    const double db = layer.metrics.sqnrDb;
    if (std::isinf(db) && db > 0)
        return scale.back();
    if (layer.metrics.nonFiniteMismatches > 0 || std::isnan(db))
        return scale.front();
    const double t = std::clamp(db / kIdenticalDb, 0.0, 1.0);
    if (layer.metrics.maxAbsDiff <= tolerance)
        return scale.back();
    // Between the scale's stops.
    const double at = t * (scale.size() - 1);
    const int i = std::min(static_cast<int>(at), static_cast<int>(scale.size()) - 2);
    const double f = at - i;
    const QColor a = scale[i], b = scale[i + 1];
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * f,
                            a.greenF() + (b.greenF() - a.greenF()) * f,
                            a.blueF() + (b.blueF() - a.blueF()) * f);
}

QHash<NodeId, QColor> divergenceFills(const ComparisonReport &report, const ModelGraph &graph,
                                      bool graphIsA)
{
    QHash<NodeId, QColor> fills;
    for (const LayerComparison &layer : report.layers) {
        if (!layer.compared)
            continue;
        const ModuleInfo *module = graph.findModule(graphIsA ? layer.aModule : layer.module);
        if (!module || layer.call < 0 || layer.call >= static_cast<int>(module->calls.size()))
            continue;
        QColor fill = divergenceColour(layer, report.tolerance);
        fill.setAlpha(150);
        fills.insert(module->calls[static_cast<std::size_t>(layer.call)], fill);
    }
    return fills;
}

QString pairingWarning(const ComparisonReport &report)
{
    int paired = 0, onlyA = 0, onlyB = 0;
    for (const LayerComparison &layer : report.layers) {
        if (layer.match == "new")
            ++onlyB;
        else if (layer.match == "removed")
            ++onlyA;
        else
            ++paired;
    }
    const int all = static_cast<int>(report.layers.size());
    if (all == 0 || paired * 2 >= all)
        return {};
    return QObject::tr("only %1 of %2 layers could be paired with a layer of the other model (%3 "
                       "are only in A, "
                       "%4 only in B): these models are not versions of one another")
        .arg(paired)
        .arg(all)
        .arg(onlyA)
        .arg(onlyB);
}

} // namespace torchprep
