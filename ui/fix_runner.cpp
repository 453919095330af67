#include "fix_runner.h"

#include "counted.h"
#include "errors.h"
#include "graph_builder.h"
#include "model_session.h"
#include "torch_model.h"
#include "validator.h"

#include <QtConcurrent/QtConcurrentRun>

#include <map>

namespace torchprep {

FixResult applyFixes(std::shared_ptr<const ModelSession> current, const std::vector<std::string> &keys)
{
    FixResult result;
    result.before = current;
    try {
        if (!current || !current->model())
            throw InputError("no model is loaded to fix");
        std::shared_ptr<TorchModel> copy = current->model()->copy();
        PrepareOptions options;
        options.excludedModules = current->excludedModules();
        options.onlyFindings = keys;
        PrepareResult prepared = prepareModel(*copy, options);
        for (const PassLog &pass : prepared.passes)
            result.changes.insert(result.changes.end(), pass.changes.begin(), pass.changes.end());
        ModelGraph graph = buildModelGraph(*copy);
        ValidationReport report = validateGraph(graph, prepared.checkOptions);
        result.after = std::make_shared<ModelSession>(std::move(graph), std::move(report),
                                                      current->excludedModules(), std::move(copy));
    } catch (const InputError &e) {
        result.error = QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        result.error = QString::fromStdString(firstLine(e.what()));
    } catch (...) {
        result.error = QStringLiteral("unknown error while fixing the model");
    }
    return result;
}

QString describeChanges(const std::vector<PreparedChange> &changes)
{
    if (changes.empty())
        return QObject::tr("Nothing changed.");
    // Group by kind, keeping the pipeline's order of first appearance.
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
        QString what = kind == "unroll_reuse"
                           ? counted(list.size(), QObject::tr("reuse unrolled"), QObject::tr("reuses unrolled"))
                       : kind == "linear_to_layer"
                           ? counted(list.size(), QObject::tr("layer rewritten"), QObject::tr("layers rewritten"))
                           : counted(list.size(), QObject::tr("module added"), QObject::tr("modules added"));
        QStringList shown = list.mid(0, 3);
        if (list.size() > 3)
            shown << QStringLiteral("…");
        parts << what + QStringLiteral(": ") + shown.join(QStringLiteral(", "));
    }
    return parts.join(QStringLiteral("; "));
}

FixRunner::FixRunner(QObject *parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<FixResult>::finished, this, [this] {
        const FixResult result = watcher_.result();
        emit busyChanged(false);
        if (!result.error.isEmpty())
            emit failed(result.error);
        else
            emit finished(result);
    });
}

FixRunner::~FixRunner() { watcher_.waitForFinished(); }

bool FixRunner::busy() const { return watcher_.isRunning(); }

void FixRunner::run(std::shared_ptr<const ModelSession> current, const QStringList &keys, const QString &label)
{
    if (watcher_.isRunning())
        watcher_.waitForFinished(); // callers check busy(); this only guards misuse
    std::vector<std::string> list;
    for (const QString &k : keys)
        list.push_back(k.toStdString());
    emit busyChanged(true);
    watcher_.setFuture(QtConcurrent::run([current, list, label] {
        FixResult result = applyFixes(current, list);
        result.label = label;
        return result;
    }));
}

} // namespace torchprep
