// MainWindow's menus and actions, recent files, exports and the fix commands: the wiring of what
// the user can ask for, kept apart from the window's parts and their wiring (main_window.cpp).
#include "main_window.h"

#include "checks/finding.h"
#include "compare/comparison_panel.h"
#include "compare/comparison_runner.h"
#include "diff/diff_window.h"
#include "fixes/fix_preview.h"
#include "fixes/fix_workflow.h"
#include "fixes/onnx_export_job.h"
#include "fixes/prepared_export_job.h"
#include "graph/graph_pane.h"
#include "graph/graph_view.h"
#include "graph/search_bar.h"
#include "panels/findings_panel.h"
#include "panels/report_export.h"
#include "session/background_work.h"
#include "session/check_style.h"
#include "session/counted.h"
#include "session/model_inputs.h"
#include "session/model_loader.h"
#include "session/model_session.h"
#include "session/ops_library_settings.h"
#include "window/preferences_dialog.h"
#include "window/shapes_flow.h"
#include "window/shortcuts_page.h"
#include "window/start_page.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

namespace torchprep {

namespace {
constexpr int kMaxRecent = 8;
const char *kRecentKey = "recentFiles";
} // namespace

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::chooseAndOpen);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open Two Models as a &Diff…"), this, [this] {
        const QString dir = QSettings().value("lastDir").toString();
        const QString filter = tr("TorchScript models (*.pt *.pth);;All files (*)");
        const QString before =
            QFileDialog::getOpenFileName(this, tr("Diff: the first model (before)"), dir, filter);
        if (before.isEmpty())
            return;
        const QString after = QFileDialog::getOpenFileName(
            this, tr("Diff: the second model (after)"), QFileInfo(before).absolutePath(), filter);
        if (!after.isEmpty())
            openDiff(before, after);
    });
    modelActions_ << file->addAction(tr("&Close"), QKeySequence::Close, this,
                                     &MainWindow::closeModel);
    file->addSeparator();
    QMenu *exports = file->addMenu(tr("&Export"));
    modelActions_ << exports->menuAction();
    exports->addAction(tr("Graph as &PNG…"), this, [this] {
        exportWithDialog(tr("Export graph as PNG"), tr("PNG image (*.png)"), "png",
                         &MainWindow::exportPng);
    });
    exports->addAction(tr("Graph as &SVG…"), this, [this] {
        exportWithDialog(tr("Export graph as SVG"), tr("SVG image (*.svg)"), "svg",
                         &MainWindow::exportSvg);
    });
    exports->addAction(tr("&Before / After as Picture…"), this, [this] {
        exportWithDialog(tr("Export the before/after picture"),
                         tr("PNG image (*.png);;SVG image (*.svg)"), "png",
                         &MainWindow::exportDiffPicture);
    });
    exports->addAction(tr("Findings as &JSON…"), this, [this] {
        exportWithDialog(tr("Export findings as JSON"), tr("JSON (*.json)"), "json",
                         &MainWindow::exportFindingsJson);
    });
    exports->addAction(tr("Findings as &Markdown report…"), this, [this] {
        exportWithDialog(tr("Export findings report"), tr("Markdown (*.md)"), "md",
                         &MainWindow::exportReport);
    });
    file->addSeparator();
    modelActions_ << file->addAction(tr("Export &Prepared Model…"), this,
                                     [this] { exportPreparedWithDialog(); });
    modelActions_ << file->addAction(tr("Export P&ython Source…"), this, [this] {
        if (!session_) {
            showError(tr("Export Python source"), tr("Open a model first."));
            return;
        }
        const QString base = QFileInfo(QString::fromStdString(session_->path())).completeBaseName();
        const QString chosen = QFileDialog::getSaveFileName(
            this, tr("Export Python source (STEM.py and STEM_state_dict.pt)"),
            base + QStringLiteral("_prepared.py"), tr("Python source (*.py)"));
        if (chosen.isEmpty())
            return;
        QString error;
        const QFileInfo info(chosen);
        if (exportPythonSource(info.absolutePath(), info.completeBaseName(), &error))
            statusBar()->showMessage(tr("Proving and writing %1.py and %1_state_dict.pt in %2…")
                                         .arg(info.completeBaseName(), info.absolutePath()));
        else
            showError(tr("Export Python source"),
                      tr("Could not write %1: %2").arg(chosen, error.toHtmlEscaped()));
    });
    modelActions_ << file->addAction(tr("Export &ONNX…"), this, [this] {
        if (session_ && rememberedInputs(QString::fromStdString(session_->path())).isEmpty()) {
            showError(tr("Export ONNX"),
                      tr("The exporter runs the model: describe its inputs first, then export."));
            describeInputs();
            return;
        }
        if (!session_)
            return;
        const QString base = QFileInfo(QString::fromStdString(session_->path())).completeBaseName();
        QString path = QFileDialog::getSaveFileName(
            this, tr("Export ONNX (opset 17; checked, proven in ONNX Runtime)"),
            base + QStringLiteral(".onnx"), tr("ONNX models (*.onnx)"));
        if (path.isEmpty())
            return;
        if (QFileInfo(path).suffix().isEmpty())
            path += QStringLiteral(".onnx");
        QString error;
        if (exportOnnx(path, 17, &error))
            statusBar()->showMessage(tr("Exporting %1 to ONNX…").arg(QFileInfo(path).fileName()));
        else
            showError(tr("Export ONNX"),
                      tr("Could not export %1: %2").arg(path, error.toHtmlEscaped()));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = fixes_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    edit->addAction(undo);
    QAction *redo = fixes_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    edit->addAction(redo);
    edit->addSeparator();
    modelActions_ << edit->addAction(tr("&Fix Selected Finding"),
                                     QKeySequence(Qt::CTRL | Qt::Key_F2), this,
                                     &MainWindow::fixSelected);
    modelActions_ << edit->addAction(tr("Fix All of This &Kind"), this,
                                     &MainWindow::fixAllOfSelectedKind);
    modelActions_ << edit->addAction(tr("Fix &All"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
                                     this, &MainWindow::fixAll);
    edit->addSeparator();
    edit->addAction(tr("Undo &History"), this, [this] {
        QDockWidget *d = findChild<QDockWidget *>("historyDock");
        d->show();
        d->raise();
    });
    edit->addSeparator();
    edit->addAction(tr("&Preferences…"), QKeySequence::Preferences, this, [this] {
        auto *dialog = new PreferencesDialog(rememberedOpsLibraries(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const QStringList failed = setOpsLibraries(dialog->libraries());
            if (!failed.isEmpty())
                showError(tr("Operator libraries"),
                          failed.join(QStringLiteral("<br>")).toHtmlEscaped());
        });
        dialog->open();
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Before / After"), QKeySequence(Qt::CTRL | Qt::Key_D), this, [this] {
        if (diffShown())
            showGraph();
        else
            showDiff();
    });
    view->addSeparator();
    GraphView *graph = pane_->view();
    view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, graph, &GraphView::zoomIn);
    QAction *zoomIn2 = new QAction(this); // Ctrl+= as well: '+' needs Shift on most layouts
    zoomIn2->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Equal));
    connect(zoomIn2, &QAction::triggered, graph, &GraphView::zoomIn);
    addAction(zoomIn2);
    view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, graph, &GraphView::zoomOut);
    view->addAction(tr("&Actual Size"), QKeySequence(Qt::CTRL | Qt::Key_0), graph,
                    &GraphView::resetZoom);
    view->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_9), graph,
                    &GraphView::fitToWindow);
    view->addSeparator();
    view->addAction(tr("&Expand All Modules"), pane_, &GraphPane::expandAll);
    view->addAction(tr("&Collapse All Modules"), pane_, &GraphPane::collapseAll);
    view->addSeparator();
    QAction *key = view->addAction(tr("Colour &Key"), pane_, &GraphPane::setKeyVisible);
    key->setCheckable(true);
    key->setChecked(QSettings().value("showKey", true).toBool());
    pane_->setKeyVisible(key->isChecked());
    connect(key, &QAction::toggled, this, [](bool on) { QSettings().setValue("showKey", on); });
    divergenceAction_ =
        view->addAction(tr("Colour by &Divergence"), this, &MainWindow::setDivergenceShown);
    divergenceAction_->setCheckable(true);
    divergenceAction_->setEnabled(false);
    divergenceAction_->setToolTip(
        tr("After a per-layer comparison: each compared layer's box coloured by its SQNR"));
    view->addSeparator();
    view->addAction(tr("&Find…"), QKeySequence::Find, search_, &SearchBar::activate);
    view->addAction(tr("Find &Next"), QKeySequence::FindNext, search_, &SearchBar::next);
    view->addAction(tr("Find &Previous"), QKeySequence::FindPrevious, search_,
                    &SearchBar::previous);
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    modelActions_ << tools->addAction(tr("Describe &Inputs…"), QKeySequence(Qt::CTRL | Qt::Key_I),
                                      this, &MainWindow::describeInputs);
    modelActions_.back()->setToolTip(
        tr("What forward takes: for the tensor shapes and the comparisons"));
    modelActions_ << tools->addAction(tr("&Compare with Another Model…"), this, [this] {
        const QString path =
            session_
                ? QFileDialog::getOpenFileName(this, tr("Compare with model"),
                                               QSettings().value("lastDir").toString(),
                                               tr("TorchScript models (*.pt *.pth);;All files (*)"))
                : QString();
        if (!session_)
            showError(tr("Compare models"), tr("Open a model first: it is the reference (A)."));
        else if (!path.isEmpty())
            compareWith(path);
    });
    compareFixedAction_ =
        tools->addAction(tr("Compare with the &Fixed Model"), this, &MainWindow::compareWithFixed);
    compareFixedAction_->setToolTip(
        tr("Run the opened model and the fixed one on the same inputs"));
    compareFixedAction_->setEnabled(false);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, this,
                    [this] { showShortcutsPage(menuBar(), this); });
    help->addAction(tr("&About TorchPrep Studio"), this, [this] {
        QMessageBox::about(
            this, tr("About TorchPrep Studio"),
            tr("<h3>TorchPrep Studio %1</h3><p>Shows a TorchScript model's graph and "
               "where it breaks the quantization guidelines: reused modules, "
               "functional ops, non-tensor I/O, dynamic control flow and "
               "input-dependent constructors.</p><p>Double-click a module to open "
               "or close it; click a finding to go to it.</p>")
                .arg(QStringLiteral(TORCHPREP_VERSION)));
    });
}

void MainWindow::chooseAndOpen()
{
    const QString dir = QSettings().value("lastDir").toString();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open TorchScript model"), dir,
                                     tr("TorchScript models (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty()) {
        QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
        openModel(path);
    }
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent)
        recentMenu_
            ->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") +
                            QDir::toNativeSeparators(QFileInfo(path).absolutePath()),
                        this, [this, path] { openModel(path); })
            ->setToolTip(path);
    start_->setRecent(recent);
    if (recent.isEmpty())
        recentMenu_->addAction(tr("(none)"))->setEnabled(false);
    else {
        recentMenu_->addSeparator();
        recentMenu_->addAction(tr("Clear List"), this, [this] {
            QSettings().remove(kRecentKey);
            rebuildRecentMenu();
        });
    }
    recentMenu_->setToolTipsVisible(true);
}

void MainWindow::exportWithDialog(const QString &title, const QString &filter,
                                  const QString &suffix,
                                  bool (MainWindow::*write)(const QString &, QString *))
{
    if (!session_) {
        showError(title, tr("Open a model first."));
        return;
    }
    const QString base = QFileInfo(QString::fromStdString(session_->path())).completeBaseName();
    QString path = QFileDialog::getSaveFileName(this, title, base + '.' + suffix, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += '.' + suffix;
    QString error;
    if ((this->*write)(path, &error))
        statusBar()->showMessage(tr("Wrote %1").arg(path), 4000);
    else
        showError(title, tr("Could not write %1: %2").arg(path, error));
}

bool MainWindow::exportPng(const QString &path, QString *error)
{
    return pane_->exportPicture(path, {}, error);
}

bool MainWindow::exportSvg(const QString &path, QString *error)
{
    return pane_->exportPicture(path, windowTitle(), error);
}

bool MainWindow::exportFindingsJson(const QString &path, QString *error)
{
    if (!session_) {
        *error = tr("no model is open");
        return false;
    }
    return writeFindingsJson(*session_, path, error);
}

bool MainWindow::exportPreparedModel(const QString &path, QString *error)
{
    if (!session_) {
        *error = tr("no model is open");
        return false;
    }
    return prepared_->startTorchScript(session_, fixes_->opened(),
                                       rememberedInputs(QString::fromStdString(session_->path())),
                                       path, error);
}

bool MainWindow::exportPythonSource(const QString &dir, const QString &stem, QString *error)
{
    if (!session_) {
        *error = tr("no model is open");
        return false;
    }
    return prepared_->startPython(session_, fixes_->opened(),
                                  rememberedInputs(QString::fromStdString(session_->path())), dir,
                                  stem, error);
}

// Asks where, offering a name the export accepts (never the opened file's), and starts the
// export; false when nothing started (cancelled, or refused with a message).
bool MainWindow::exportPreparedWithDialog()
{
    const QString title = tr("Export prepared model");
    if (!session_) {
        showError(title, tr("Open a model first."));
        return false;
    }
    const QFileInfo opened(QString::fromStdString(session_->path()));
    if (fixes_->fixed() && rememberedInputs(opened.absoluteFilePath()).isEmpty()) {
        // The proof needs inputs: ask for them, and go on once they are described.
        const std::shared_ptr<const ModelSession> asked = session_;
        connect(
            shapes_, &ShapesFlow::inputsChanged, this,
            [this, asked](const ModelInputs &inputs) {
                if (session_ == asked && !inputs.isEmpty())
                    exportPreparedWithDialog();
            },
            Qt::SingleShotConnection);
        statusBar()->showMessage(
            tr("Describe the model's inputs: the fixed model is proven equal to the opened "
               "one on them before it is written"),
            8000);
        shapes_->describe(this);
        return false;
    }
    QString path = QFileDialog::getSaveFileName(
        this, title, opened.absoluteDir().filePath(opened.completeBaseName() + "_prepared.pt"),
        tr("TorchScript models (*.pt)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".pt");
    QString error;
    if (!exportPreparedModel(path, &error)) {
        showError(title, tr("Could not write %1: %2").arg(path, error));
        return false;
    }
    statusBar()->showMessage(tr("Proving and writing %1…").arg(path));
    return true;
}

bool MainWindow::exportOnnx(const QString &path, int opset, QString *error)
{
    if (!session_) {
        *error = tr("no model is open");
        return false;
    }
    return onnx_->start(session_, rememberedInputs(QString::fromStdString(session_->path())), path,
                        opset, error);
}

bool MainWindow::exportReport(const QString &path, QString *error)
{
    if (!session_) {
        *error = tr("no model is open");
        return false;
    }
    return writeFindingsMarkdown(*session_, path, error);
}

bool MainWindow::exportDiffPicture(const QString &path, QString *error)
{
    return fixes_->exportDiffPicture(path, error);
}

// The window shows once both files are read; a file that cannot be read gets one line here
// and no window at all.
DiffWindow *MainWindow::openDiff(const QString &before, const QString &after)
{
    auto *window = new DiffWindow; // deletes itself when closed
    connect(window, &DiffWindow::loaded, window, &QWidget::show);
    connect(window, &DiffWindow::failed, this, [this, window](const QString &line) {
        showError(tr("Cannot show the diff"), line.toHtmlEscaped());
        // Once the other file's load has ended: deleting now would wait for it on the GUI thread.
        if (window->busy())
            connect(window->work(), &WorkTracker::idle, window, &QObject::deleteLater,
                    Qt::SingleShotConnection);
        else
            window->deleteLater();
    });
    statusBar()->showMessage(tr("Reading %1 and %2 for the diff…")
                                 .arg(QFileInfo(before).fileName(), QFileInfo(after).fileName()),
                             5000);
    window->openPair(before, after);
    return window;
}

bool MainWindow::compareWithFixed()
{
    ComparedModel a, b;
    if (comparison_->busy() || !fixes_->comparedPair(&a, &b))
        return false;
    showComparisonDock();
    comparison_->setModels(a, b);
    return comparison_->run();
}

void MainWindow::showFindingsMenu(const QPoint &pos)
{
    QString check;
    if (selectedFindingKeys(&check).isEmpty())
        return;
    QMenu menu;
    menu.addAction(tr("Fix"), this, &MainWindow::fixSelected);
    menu.addAction(tr("Fix All of This Kind (%1)").arg(checkTitle(check.toStdString())), this,
                   &MainWindow::fixAllOfSelectedKind);
    menu.addAction(tr("Fix All"), this, &MainWindow::fixAll);
    menu.exec(findings_->viewport()->mapToGlobal(pos));
}

QStringList MainWindow::selectedFindingKeys(QString *check) const
{
    QStringList keys;
    if (!session_)
        return keys;
    for (int index : findings_->selectedFindings()) {
        const Finding &f = session_->report().findings.at(index);
        keys << QString::fromStdString(findingKey(f));
        if (check && check->isEmpty())
            *check = QString::fromStdString(f.check);
    }
    return keys;
}

// Refused while another model loads: the fix would land on the wrong model's history.
bool MainWindow::fixFindings(const QStringList &keys, const QString &label)
{
    return session_ && !loader_->busy() && fixes_->fix(keys, label, false);
}

bool MainWindow::fixSelected()
{
    const QStringList keys = selectedFindingKeys();
    if (keys.isEmpty()) {
        statusBar()->showMessage(tr("Select a finding to fix."), 4000);
        return false;
    }
    const int row = findings_->selectedFindings().front();
    const Finding &f = session_->report().findings.at(row);
    const QString label =
        keys.size() == 1
            ? tr("Fix %1 in %2")
                  .arg(checkTitle(f.check).toLower(), QString::fromStdString(displayPath(f.module)))
            : tr("Fix %1").arg(counted(keys.size(), tr("finding"), tr("findings")));
    // One finding: Fix lands what its preview already computed, when it has.
    const auto ready =
        keys.size() == 1 ? fixPreview_->resultFor(session_, keys.front().toStdString()) : nullptr;
    const bool started = session_ && !loader_->busy() && fixes_->fix(keys, label, false, ready);
    if (started && keys.size() == 1)
        fixRow_ = row;
    return started;
}

// Bulk fixes change the model all over: their result opens in the Before / After tab.
bool MainWindow::fixAll()
{
    if (!session_ || session_->report().findings.empty() || loader_->busy())
        return false;
    const auto count = static_cast<long long>(session_->report().findings.size());
    return fixes_->fix({}, tr("Fix all (%1)").arg(counted(count, tr("finding"), tr("findings"))),
                       true);
}

bool MainWindow::fixAllOfSelectedKind()
{
    QString check;
    if (selectedFindingKeys(&check).isEmpty()) {
        statusBar()->showMessage(tr("Select a finding to fix all of its kind."), 4000);
        return false;
    }
    if (loader_->busy())
        return false;
    const QStringList keys = fixes_->keysOf(check);
    return fixes_->fix(keys,
                       tr("Fix all: %1 (%2)")
                           .arg(checkTitle(check.toStdString()).toLower(),
                                counted(keys.size(), tr("finding"), tr("findings"))),
                       true);
}

} // namespace torchprep

namespace torchprep {

void MainWindow::describeInputs()
{
    if (!session_) {
        showError(tr("Describe inputs"), tr("Open a model first."));
        return;
    }
    shapes_->describe(this);
}

void MainWindow::setModelInputs(const ModelInputs &inputs)
{
    shapes_->setInputs(inputs);
}

QStringList MainWindow::setOpsLibraries(const QStringList &paths)
{
    rememberOpsLibraries(paths);
    return loadOpsLibraries(paths);
}

} // namespace torchprep
