#include "fix_history.h"

#include "checks/finding.h"
#include "fixes/fix_step.h"
#include "session/background_work.h"
#include "session/model_session.h"

#include <QUndoCommand>
#include <QUndoStack>

#include <functional>

namespace torchprep {

namespace {

using Show = std::function<void(std::shared_ptr<const ModelSession>, const QString &)>;

class FixCommand : public QUndoCommand
{
  public:
    FixCommand(const FixResult &result, Show show)
        : before_(result.before), after_(result.after), message_(describeChanges(result.changes)),
          show_(std::move(show))
    {
        setText(result.label);
    }
    void undo() override { show_(before_, QObject::tr("Undid: %1").arg(text())); }
    void redo() override { show_(after_, message_); }

  private:
    std::shared_ptr<const ModelSession> before_;
    std::shared_ptr<const ModelSession> after_;
    QString message_;
    Show show_;
};

} // namespace

FixHistory::FixHistory(WorkTracker *work, QObject *parent)
    : QObject(parent), stack_(new QUndoStack(this)),
      job_(new Job(work, tr("fixing the model"), this))
{
}

FixHistory::~FixHistory() = default;

bool FixHistory::busy() const
{
    return job_->running();
}

void FixHistory::setCurrent(std::shared_ptr<const ModelSession> session, bool newModel)
{
    current_ = std::move(session);
    if (newModel) {
        job_->cancel(); // a fix still running belongs to the model that was open
        stack_->clear();
    }
}

bool FixHistory::fix(const QStringList &keys, const QString &label,
                     std::shared_ptr<const FixResult> ready)
{
    if (!current_ || !current_->model())
        return false;
    std::vector<std::string> list;
    for (const QString &k : keys)
        list.push_back(k.toStdString());
    const std::shared_ptr<const ModelSession> current = current_;
    if (ready && ready->before != current)
        ready.reset(); // previewed on another session: computed afresh
    // Through the job either way: the fix lands as every fix does, counted by the tracker.
    return job_->start(
        [current, list, label, ready] {
            FixResult result = ready ? *ready : applyFixes(current, list);
            result.label = label;
            return result;
        },
        [this](const FixResult &result) { onFixed(result); },
        [this](const QString &reason) { emit failed(reason); }, tr("Fixing"));
}

QStringList FixHistory::keysOf(const QString &check) const
{
    QStringList keys;
    if (!current_)
        return keys;
    for (const Finding &f : current_->report().findings)
        if (check.isEmpty() || QString::fromStdString(f.check) == check)
            keys << QString::fromStdString(findingKey(f));
    return keys;
}

void FixHistory::onFixed(const FixResult &result)
{
    // Pushing runs redo(), which shows the fixed session.
    stack_->push(new FixCommand(
        result, [this](std::shared_ptr<const ModelSession> s, const QString &message) {
            current_ = s;
            emit sessionChanged(std::move(s), message);
        }));
    emit fixApplied();
}

} // namespace torchprep
