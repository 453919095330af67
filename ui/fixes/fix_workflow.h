// The fix workflow: the model as it was opened, the undo history of fixes, what the last step
// changed, and the Before / After view of the opened model beside the fixed one. The window
// shows whatever session sessionChanged() hands it and says when the Before / After tab shows.
#pragma once

#include "graph/legend_widget.h"
#include "graph/model_graph.h"
#include "graph/node_mark.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QUndoStack;

namespace torchprep {

class DiffView;
struct FixResult;
class FixHistory;
class ModelSession;
class WorkTracker;
struct ComparedModel;

class FixWorkflow : public QObject
{
    Q_OBJECT
  public:
    explicit FixWorkflow(WorkTracker *work, QObject *parent = nullptr);
    ~FixWorkflow() override;

    // A model just opened (null: closed): fixes start from it, the history starts afresh.
    void setOpened(std::shared_ptr<const ModelSession> session);
    // The session on screen was validated again (exclusions): the next fix starts from it.
    void setCurrent(std::shared_ptr<const ModelSession> session);

    // Fixes the findings named by `keys` (findingKey()s; empty: all) as one undo step, in the
    // background; fixApplied() follows. `showDiff`: open the Before / After tab when it lands
    // (bulk fixes change the model all over). False when nothing is open or a fix runs.
    // `ready`: the fix as the preview computed it (see FixHistory::fix).
    bool fix(const QStringList &keys, const QString &label, bool showDiff,
             std::shared_ptr<const FixResult> ready = {});
    // The findingKey()s of the current session's findings: all, or those of `check`.
    QStringList keysOf(const QString &check = {}) const;
    bool busy() const;

    // True once a fix is applied (and not undone): the model on screen is not the file's.
    bool fixed() const;
    std::shared_ptr<const ModelSession> opened() const { return opened_; }
    QUndoStack *undoStack() const;
    DiffView *diffView() const { return diff_; }
    // What the last fix (or undo) changed, outlined in the graph until the next one.
    const QHash<NodeId, NodeMark> &lastChange() const { return lastChange_; }
    // The key's row for lastChange().
    static LegendWidget::Row lastChangeKeyRow();
    // "after “Fix all (16 findings)”", "after 3 fixes": what the undo stack has applied.
    QString fixesText() const;

    // The window shows (true) or hides the Before / After tab: a shown tab is brought up to date.
    void setDiffShown(bool shown);
    // The tab's two graphs side by side with the key, PNG or SVG by suffix.
    bool exportDiffPicture(const QString &path, QString *error);
    // The opened model (A) and the fixed one (B), in memory, for a comparison; false when
    // nothing is fixed or a fix runs.
    bool comparedPair(ComparedModel *a, ComparedModel *b) const;

  signals:
    // A fix, an undo or a redo: show `session`; `message` says what changed.
    void sessionChanged(std::shared_ptr<const torchprep::ModelSession> session,
                        const QString &message);
    void fixApplied();
    void failed(const QString &reason);
    // The undo stack moved: fixed() and fixesText() may say something else now.
    void stepsChanged(int steps);
    // A bulk fix landed: the Before / After tab should show.
    void diffWanted();
    // The Before / After view's Compare Outputs button.
    void compareRequested();

  private:
    void onSessionChanged(std::shared_ptr<const ModelSession> session, const QString &message);
    void onStepsChanged();
    void refreshDiff();

    FixHistory *history_;
    DiffView *diff_;
    std::shared_ptr<const ModelSession> opened_;  // as loaded from the file: the diff's "before"
    std::shared_ptr<const ModelSession> current_; // on screen: the diff's "after"
    QHash<NodeId, NodeMark> lastChange_;
    bool diffShown_ = false;
    bool diffStale_ = false;        // the Before / After view shows an older state
    bool showDiffAfterFix_ = false; // a bulk fix is running: show its diff when it lands
};

} // namespace torchprep
