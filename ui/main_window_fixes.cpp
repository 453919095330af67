// MainWindow's fix workflow: fixing findings as undo steps, the Before / After tab showing the
// opened model beside the fixed one, outlining what the last step changed in the graph, and
// comparing the opened model's outputs with the fixed model's.
#include "main_window.h"

#include "comparison_panel.h"
#include "counted.h"
#include "diff_view.h"
#include "diff_window.h"
#include "finding.h"
#include "findings_model.h"
#include "fix_controller.h"
#include "graph_scene.h"
#include "legend_widget.h"
#include "model_session.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>

namespace torchprep {

namespace {

QColor lastChangeColor() { return QColor(0x2E, 0x7D, 0x32); } // green: "this came with the last step"

// "after “Fix all (16 findings)”", "after 3 fixes": what the undo stack has applied.
QString fixesText(const QUndoStack &stack)
{
    const int steps = stack.index();
    if (steps == 1)
        return QObject::tr("after “%1”").arg(stack.text(0));
    return QObject::tr("after %1 fixes").arg(steps);
}

// The docks each tab wants the first time it is shown: the before/after view needs the width.
const char *const kGraphOnlyDocks[] = {"modulesDock", "propertiesDock", "sourceDock", "findingsDock", "historyDock"};

} // namespace

void MainWindow::wireFixes()
{
    connect(fixes_, &FixController::busyChanged, this, [this](bool busy) {
        fixing_ = busy;
        if (busy)
            statusBar()->showMessage(tr("Fixing…"));
        updateBusy();
    });
    connect(fixes_, &FixController::sessionChanged, this, &MainWindow::onFixedSessionChanged);
    connect(fixes_, &FixController::fixApplied, this, &MainWindow::fixApplied);
    connect(fixes_, &FixController::failed, this, [this](const QString &reason) {
        showDiffAfterFix_ = false;
        showError(tr("Cannot fix"), reason.toHtmlEscaped());
    });
    connect(fixes_->undoStack(), &QUndoStack::indexChanged, this, &MainWindow::updateFixedState);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
    connect(diffView_, &DiffView::compareRequested, this, &MainWindow::compareWithFixed);
    // Only the progress bar: the status bar's account of the fix must stay.
    connect(diffView_, &DiffView::busyChanged, this, [this] { progress_->setVisible(busy()); });
}

// Re-validation keeps the loaded model; only a fix (and not its undo) makes another one.
bool MainWindow::fixed() const { return opened_ && session_ && session_->model() != opened_->model(); }

// A fix, an undo or a redo: show the new session, outline what changed, refresh the diff.
void MainWindow::onFixedSessionChanged(std::shared_ptr<const ModelSession> session, const QString &message)
{
    if (session_ && session)
        setLastChange(diffMarks(diffModelGraphs(session_->graph(), session->graph()), session->graph(), true,
                                lastChangeColor()));
    else
        setLastChange({});
    setSession(std::move(session), false, false);
    diffStale_ = true; // redrawn once the undo stack has counted this step: updateFixedState()
    // After the new layout, whose own message would hide this one.
    connect(this, &MainWindow::layoutApplied, this, [this, message] {
        const QString hint = fixed() && tabs_->currentWidget() != diffView_
                                 ? tr("  —  Before / After (Ctrl+D) shows every change")
                                 : QString();
        statusBar()->showMessage(message + hint, 15000);
    }, Qt::SingleShotConnection);
}

// What the graph outlines as changed by the last step, and the legend row that explains it.
void MainWindow::setLastChange(QHash<NodeId, NodeMark> marks)
{
    lastChange_ = std::move(marks);
    QVector<LegendWidget::Row> rows = LegendWidget::checkRows();
    if (!lastChange_.isEmpty())
        rows.append({Qt::white, lastChangeColor(), tr("Changed by the last step")});
    legend_->setRows(rows);
}

// The undo stack moved (a fix, undo, redo, or a new model): titles, actions and the diff follow.
void MainWindow::updateFixedState()
{
    const int steps = fixes_->undoStack()->index();
    if (showDiffAfterFix_) {
        showDiffAfterFix_ = false;
        showDiff();
    } else if (diffStale_ && tabs_->currentWidget() == diffView_) {
        refreshDiff();
    }
    tabs_->setTabText(tabs_->indexOf(diffView_),
                      steps == 0 ? tr("Before / After")
                                 : steps == 1 ? tr("Before / After (1 fix)") : tr("Before / After (%1 fixes)").arg(steps));
    if (compareFixedAction_)
        compareFixedAction_->setEnabled(fixed());
    diffView_->compareButton()->setEnabled(fixed());
}

void MainWindow::refreshDiff()
{
    diffStale_ = false;
    if (!opened_ || !session_) {
        diffView_->showPlaceholder(tr("Open a model, then fix its findings (Edit ▸ Fix All): the opened model "
                                      "and the fixed one show here side by side."));
        return;
    }
    if (!fixed()) {
        diffView_->showPlaceholder(tr("No fix applied yet.\n\nFix a finding (right-click it ▸ Fix) or all of them "
                                      "(Edit ▸ Fix All, Ctrl+Shift+F): the opened model and the fixed one then show "
                                      "here side by side, every change marked."));
        return;
    }
    const QString name = QFileInfo(QString::fromStdString(opened_->path())).fileName();
    diffView_->setSessions(opened_, session_, name, name + QLatin1Char(' ') + fixesText(*fixes_->undoStack()));
}

// Each tab keeps its own arrangement of docks: the before/after view starts without the
// graph's side panels, and whatever the user arranges in either tab is kept for it.
void MainWindow::onTabChanged(int index)
{
    if (index == shownTab_)
        return;
    (shownTab_ == 0 ? graphDocks_ : diffDocks_) = saveState();
    const QByteArray &entering = index == 0 ? graphDocks_ : diffDocks_;
    if (!entering.isEmpty()) {
        restoreState(entering);
    } else if (tabs_->widget(index) == diffView_) {
        for (const char *name : kGraphOnlyDocks)
            if (auto *dock = findChild<QDockWidget *>(QLatin1String(name)))
                dock->hide();
    }
    shownTab_ = index;
    if (tabs_->currentWidget() == diffView_ && diffStale_)
        refreshDiff();
}

QByteArray MainWindow::graphDockState() { return shownTab_ == 0 ? saveState() : graphDocks_; }

void MainWindow::showDiff()
{
    tabs_->setCurrentWidget(diffView_); // refreshes a stale diff
    if (diffStale_)
        refreshDiff();
}

void MainWindow::showGraph() { tabs_->setCurrentIndex(0); }

bool MainWindow::compareWithFixed()
{
    if (!fixed() || comparison_->busy() || fixes_->busy())
        return false;
    showComparisonDock();
    const QString path = QString::fromStdString(opened_->path());
    comparison_->setModels(ComparedModel{path, path, opened_->model()},
                           ComparedModel{tr("%1 %2 (in the Studio)")
                                             .arg(QFileInfo(path).fileName(), fixesText(*fixes_->undoStack())),
                                         {}, session_->model()});
    return comparison_->run();
}

DiffWindow *MainWindow::openDiff(const QString &before, const QString &after)
{
    auto *window = new DiffWindow; // deletes itself when closed
    window->show();
    window->openPair(before, after);
    return window;
}

bool MainWindow::exportDiffPicture(const QString &path, QString *error)
{
    if (!fixed()) {
        *error = tr("no fix is applied: there is no before/after to draw");
        return false;
    }
    if (diffStale_)
        refreshDiff();
    if (diffView_->busy()) {
        *error = tr("the before/after graphs are still being laid out; try again in a moment");
        return false;
    }
    return diffView_->exportPicture(path, error);
}

QStringList MainWindow::selectedFindingKeys(QString *check) const
{
    QStringList keys;
    if (!session_)
        return keys;
    const QModelIndexList rows = findingsTable_->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows) {
        const Finding &f = session_->report().findings.at(row.data(FindingsModel::FindingIndexRole).toInt());
        keys << QString::fromStdString(findingKey(f));
        if (check && check->isEmpty())
            *check = QString::fromStdString(f.check);
    }
    return keys;
}

bool MainWindow::fixFindings(const QStringList &keys, const QString &label)
{
    if (!session_ || busy())
        return false;
    return fixes_->fix(keys, label);
}

bool MainWindow::fixSelected()
{
    const QStringList keys = selectedFindingKeys();
    if (keys.isEmpty()) {
        statusBar()->showMessage(tr("Select a finding to fix."), 4000);
        return false;
    }
    const Finding &f = session_->report().findings.at(
        findingsTable_->selectionModel()->selectedRows().front().data(FindingsModel::FindingIndexRole).toInt());
    const QString label = keys.size() == 1 ? tr("Fix %1 %2").arg(QString::fromStdString(f.check),
                                                                   QString::fromStdString(displayPath(f.module)))
                                           : tr("Fix %1").arg(counted(keys.size(), tr("finding"), tr("findings")));
    return fixFindings(keys, label);
}

// Bulk fixes change the model all over: their result opens in the Before / After tab.
bool MainWindow::fixAll()
{
    if (!session_ || session_->report().findings.empty())
        return false;
    showDiffAfterFix_ =
        fixFindings({}, tr("Fix all (%1)").arg(counted(static_cast<long long>(session_->report().findings.size()),
                                                        tr("finding"), tr("findings"))));
    return showDiffAfterFix_;
}

bool MainWindow::fixAllOfSelectedKind()
{
    QString check;
    if (selectedFindingKeys(&check).isEmpty()) {
        statusBar()->showMessage(tr("Select a finding to fix all of its kind."), 4000);
        return false;
    }
    const QStringList keys = fixes_->keysOf(check);
    showDiffAfterFix_ = fixFindings(keys, tr("Fix all %1 (%2)").arg(check, counted(keys.size(), tr("finding"), tr("findings"))));
    return showDiffAfterFix_;
}

} // namespace torchprep
