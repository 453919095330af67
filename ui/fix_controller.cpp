#include "fix_controller.h"

#include "finding.h"
#include "fix_runner.h"
#include "model_session.h"

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

FixController::FixController(QObject *parent)
    : QObject(parent), stack_(new QUndoStack(this)), runner_(new FixRunner(this))
{
    connect(runner_, &FixRunner::busyChanged, this, &FixController::busyChanged);
    connect(runner_, &FixRunner::finished, this, &FixController::onFinished);
    connect(runner_, &FixRunner::failed, this, &FixController::failed);
}

FixController::~FixController() = default;

bool FixController::busy() const { return runner_->busy(); }

void FixController::setCurrent(std::shared_ptr<const ModelSession> session, bool newModel)
{
    current_ = std::move(session);
    if (newModel)
        stack_->clear();
}

bool FixController::fix(const QStringList &keys, const QString &label)
{
    if (!current_ || !current_->model() || runner_->busy())
        return false;
    runner_->run(current_, keys, label);
    return true;
}

QStringList FixController::keysOf(const QString &check) const
{
    QStringList keys;
    if (!current_)
        return keys;
    for (const Finding &f : current_->report().findings)
        if (check.isEmpty() || QString::fromStdString(f.check) == check)
            keys << QString::fromStdString(findingKey(f));
    return keys;
}

void FixController::onFinished(const FixResult &result)
{
    // Pushing runs redo(), which shows the fixed session.
    stack_->push(new FixCommand(result, [this](std::shared_ptr<const ModelSession> s, const QString &message) {
        current_ = s;
        emit sessionChanged(std::move(s), message);
    }));
    emit fixApplied();
}

} // namespace torchprep
