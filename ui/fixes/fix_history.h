// Fixes with undo: each fix runs as a background job and lands as a command on a QUndoStack
// holding the session before and the session after; undo shows the before session again, redo
// the after. Whoever shows sessions follows sessionChanged().
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QUndoStack;

namespace torchprep {

class Job;
class ModelSession;
class WorkTracker;
struct FixResult;

class FixHistory : public QObject
{
    Q_OBJECT
  public:
    explicit FixHistory(WorkTracker *work, QObject *parent = nullptr);
    ~FixHistory() override;

    QUndoStack *undoStack() const { return stack_; }
    bool busy() const;

    // The session fixes start from (the one on screen); a new model clears the history and
    // drops a fix still running.
    void setCurrent(std::shared_ptr<const ModelSession> session, bool newModel);
    // Fixes the findings named by `keys` (empty: all) in the current session, as one undo step.
    // `ready`: the same fix already computed (the preview's), landed instead of computed again
    // when it was made from the current session. False (nothing started) when there is no model
    // or a fix runs.
    bool fix(const QStringList &keys, const QString &label,
             std::shared_ptr<const FixResult> ready = {});
    // The findingKey()s of the current session's findings: all, or those of `check`.
    QStringList keysOf(const QString &check = {}) const;

  signals:
    // Show `session`; `message` says what changed (for the status bar).
    void sessionChanged(std::shared_ptr<const torchprep::ModelSession> session,
                        const QString &message);
    void fixApplied();
    void failed(const QString &reason);

  private:
    void onFixed(const FixResult &result);

    QUndoStack *stack_;
    Job *job_;
    std::shared_ptr<const ModelSession> current_;
};

} // namespace torchprep
