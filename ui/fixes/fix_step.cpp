#include "fix_step.h"

#include "checks/check_catalogue.h"
#include "session/counted.h"
#include "session/model_session.h"

#include <QObject>
#include <QStringList>

#include <map>

namespace torchprep {

FixResult applyFixes(std::shared_ptr<const ModelSession> current,
                     const std::vector<std::string> &keys)
{
    PrepareOptions options;
    options.excludedModules = current->excludedModules();
    options.allowedOps = current->analysed().checkOptions().allowedOps;
    options.onlyFindings = keys;
    PreparedModel prepared = current->analysed().prepared(options);
    FixResult result;
    result.before = std::move(current);
    result.changes = prepared.changes();
    result.after = std::make_shared<const ModelSession>(std::move(prepared.analysed));
    return result;
}

QString describeChanges(const std::vector<PreparedChange> &changes)
{
    if (changes.empty())
        return QObject::tr("Nothing changed.");
    // Group by pass, keeping the pipeline's order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, QStringList> modules;
    for (const PreparedChange &c : changes) {
        if (!modules.count(c.kind))
            order.push_back(c.kind);
        modules[c.kind] << QString::fromStdString(c.module);
    }
    QStringList parts;
    for (const std::string &kind : order) {
        const QStringList &list = modules[kind];
        const PassEntry *pass = findPass(kind);
        const QString what =
            pass ? counted(list.size(), QObject::tr(pass->changeOne.c_str()),
                           QObject::tr(pass->changeMany.c_str()))
                 : counted(list.size(), QObject::tr("change"), QObject::tr("changes"));
        QStringList shown = list.mid(0, 3);
        if (list.size() > 3)
            shown << QStringLiteral("…");
        parts << what + QStringLiteral(": ") + shown.join(QStringLiteral(", "));
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace torchprep
