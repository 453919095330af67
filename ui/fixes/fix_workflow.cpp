#include "fix_workflow.h"

#include "compare/comparison_runner.h"
#include "diff/diff_style.h"
#include "diff/diff_view.h"
#include "fixes/fix_history.h"
#include "session/model_session.h"

#include <QFileInfo>
#include <QPushButton>
#include <QUndoStack>

namespace torchprep {

namespace {
QColor lastChangeColor()
{
    return QColor(0x2E, 0x7D, 0x32);
} // green: "this came with the last step"
} // namespace

FixWorkflow::FixWorkflow(WorkTracker *work, QObject *parent)
    : QObject(parent), history_(new FixHistory(work, this)), diff_(new DiffView(work))
{
    connect(history_, &FixHistory::sessionChanged, this, &FixWorkflow::onSessionChanged);
    connect(history_, &FixHistory::fixApplied, this, &FixWorkflow::fixApplied);
    connect(history_, &FixHistory::failed, this, [this](const QString &reason) {
        showDiffAfterFix_ = false;
        emit failed(reason);
    });
    connect(history_->undoStack(), &QUndoStack::indexChanged, this, &FixWorkflow::onStepsChanged);
    connect(diff_, &DiffView::compareRequested, this, &FixWorkflow::compareRequested);
}

// The view lives in the window's tabs, which delete it; it is only ours until placed there.
FixWorkflow::~FixWorkflow()
{
    if (!diff_->parent())
        delete diff_;
}

QUndoStack *FixWorkflow::undoStack() const
{
    return history_->undoStack();
}
bool FixWorkflow::busy() const
{
    return history_->busy();
}
QStringList FixWorkflow::keysOf(const QString &check) const
{
    return history_->keysOf(check);
}

void FixWorkflow::setOpened(std::shared_ptr<const ModelSession> session)
{
    opened_ = session;
    current_ = session;
    lastChange_.clear();
    showDiffAfterFix_ = false;
    history_->setCurrent(std::move(session), true);
    diffStale_ = true;
    if (diffShown_)
        refreshDiff();
    emit stepsChanged(undoStack()->index());
}

void FixWorkflow::setCurrent(std::shared_ptr<const ModelSession> session)
{
    current_ = session;
    history_->setCurrent(std::move(session), false);
}

bool FixWorkflow::fix(const QStringList &keys, const QString &label, bool showDiff,
                      std::shared_ptr<const FixResult> ready)
{
    const bool started = history_->fix(keys, label, std::move(ready));
    showDiffAfterFix_ = started && showDiff;
    return started;
}

// Re-validation keeps the loaded model; only a fix (and not its undo) makes another one.
bool FixWorkflow::fixed() const
{
    return opened_ && current_ && current_->model() != opened_->model();
}

LegendWidget::Row FixWorkflow::lastChangeKeyRow()
{
    return {Qt::white, lastChangeColor(), tr("Changed by the last step")};
}

QString FixWorkflow::fixesText() const
{
    const int steps = undoStack()->index();
    if (steps == 1)
        return tr("after “%1”").arg(undoStack()->text(0));
    return tr("after %1 fixes").arg(steps);
}

// A fix, an undo or a redo: outline what changed, hand the session on, redraw the diff later.
void FixWorkflow::onSessionChanged(std::shared_ptr<const ModelSession> session,
                                   const QString &message)
{
    if (current_ && session)
        lastChange_ = diffMarks(diffModelGraphs(current_->graph(), session->graph()),
                                session->graph(), true, lastChangeColor());
    else
        lastChange_.clear();
    current_ = session;
    diffStale_ = true; // redrawn once the undo stack has counted this step: onStepsChanged()
    emit sessionChanged(std::move(session), message);
}

void FixWorkflow::onStepsChanged()
{
    if (showDiffAfterFix_) {
        showDiffAfterFix_ = false;
        emit diffWanted();
    }
    if (diffStale_ && diffShown_)
        refreshDiff();
    diff_->compareButton()->setEnabled(fixed());
    emit stepsChanged(undoStack()->index());
}

void FixWorkflow::setDiffShown(bool shown)
{
    diffShown_ = shown;
    if (diffShown_ && diffStale_)
        refreshDiff();
}

void FixWorkflow::refreshDiff()
{
    diffStale_ = false;
    if (!opened_ || !current_) {
        diff_->showPlaceholder(
            tr("Open a model, then fix its findings (Edit ▸ Fix All): the opened model "
               "and the fixed one show here side by side."));
        return;
    }
    if (!fixed()) {
        diff_->showPlaceholder(
            tr("No fix applied yet.\n\nFix a finding (right-click it ▸ Fix) or all of them "
               "(Edit ▸ Fix All, Ctrl+Shift+F): the opened model and the fixed one then show "
               "here side by side, every change marked."));
        return;
    }
    const QString name = QFileInfo(QString::fromStdString(opened_->path())).fileName();
    diff_->setSessions(opened_, current_, name, name + QLatin1Char(' ') + fixesText());
}

bool FixWorkflow::exportDiffPicture(const QString &path, QString *error)
{
    if (!fixed()) {
        *error = tr("no fix is applied: there is no before/after to draw");
        return false;
    }
    if (diffStale_)
        refreshDiff();
    if (diff_->busy()) {
        *error = tr("the before/after graphs are still being laid out; try again in a moment");
        return false;
    }
    return diff_->exportPicture(path, error);
}

bool FixWorkflow::comparedPair(ComparedModel *a, ComparedModel *b) const
{
    if (!fixed() || busy())
        return false;
    const QString path = QString::fromStdString(opened_->path());
    *a = ComparedModel{path, path, opened_->model()};
    *b = ComparedModel{tr("%1 %2 (in the Studio)").arg(QFileInfo(path).fileName(), fixesText()),
                       {},
                       current_->model()};
    return true;
}

} // namespace torchprep
