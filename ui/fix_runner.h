// Applies the preparer's fixes off the GUI thread: copies the current model, runs the preparer
// on the copy with only the given findings, rebuilds and re-validates the graph. The current
// model is never modified; the result is a new session plus what the preparer changed.
#pragma once

#include "prepare/preparer.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace torchprep {

class ModelSession;

struct FixResult
{
    std::shared_ptr<const ModelSession> before;
    std::shared_ptr<const ModelSession> after;
    std::vector<PreparedChange> changes; // every pass's changes, in pipeline order
    QString label;                       // "Fix reused_module layer1.0.relu", for the history
    QString error;                       // non-empty: nothing was applied
};

// The synchronous step the worker runs; public for tests and scripts.
FixResult applyFixes(std::shared_ptr<const ModelSession> current, const std::vector<std::string> &keys);

// "3 modules added: layer1.0.module_add, ...": the status bar's account of `changes`.
QString describeChanges(const std::vector<PreparedChange> &changes);

class FixRunner : public QObject
{
    Q_OBJECT
public:
    explicit FixRunner(QObject *parent = nullptr);
    ~FixRunner() override;

    bool busy() const;
    // Fixes the findings named by `keys` (findingKey()s; empty: all) in `current`'s model.
    void run(std::shared_ptr<const ModelSession> current, const QStringList &keys, const QString &label);

signals:
    void busyChanged(bool busy);
    void finished(const torchprep::FixResult &result);
    void failed(const QString &reason);

private:
    QFutureWatcher<FixResult> watcher_;
};

} // namespace torchprep
