// Fixes with undo: each fix is a command on a QUndoStack holding the session before and the
// session after; undo shows the before session again, redo the after. The window shows
// whatever sessionChanged() hands it.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QUndoStack;

namespace torchprep {

class FixRunner;
class ModelSession;
struct FixResult;

class FixController : public QObject
{
    Q_OBJECT
public:
    explicit FixController(QObject *parent = nullptr);
    ~FixController() override;

    QUndoStack *undoStack() const { return stack_; }
    bool busy() const;

    // The session fixes start from (the one on screen); a new model clears the history.
    void setCurrent(std::shared_ptr<const ModelSession> session, bool newModel);
    // Fixes the findings named by `keys` (empty: all) in the current session, as one undo step.
    bool fix(const QStringList &keys, const QString &label);
    // The findingKey()s of the current session's findings: all, or those of `check`.
    QStringList keysOf(const QString &check = {}) const;

signals:
    void busyChanged(bool busy);
    // Show `session`; `message` says what changed (for the status bar).
    void sessionChanged(std::shared_ptr<const torchprep::ModelSession> session, const QString &message);
    void fixApplied();
    void failed(const QString &reason);

private:
    void onFinished(const FixResult &result);

    QUndoStack *stack_;
    FixRunner *runner_;
    std::shared_ptr<const ModelSession> current_;
};

} // namespace torchprep
