// MainWindow's menus and actions, recent files and the fix commands: the wiring of what
// the user can ask for, kept apart from the window's parts and their wiring (main_window.cpp).
#include "main_window.h"

#include "compare/comparison_panel.h"
#include "compare/comparison_runner.h"
#include "diff/diff_window.h"
#include "fixes/fix_workflow.h"
#include "graph/graph_pane.h"
#include "graph/graph_view.h"
#include "graph/search_bar.h"
#include "panels/findings_panel.h"
#include "session/background_work.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "session/ops_library_settings.h"
#include "window/fix_commands.h"
#include "window/model_exports.h"
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
        const QString filter = tr("Models (*.pt *.pth *.pt2);;All files (*)");
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
        exports_->withDialog(tr("Export graph as PNG"), tr("PNG image (*.png)"), "png",
                             &ModelExports::png);
    });
    exports->addAction(tr("Graph as &SVG…"), this, [this] {
        exports_->withDialog(tr("Export graph as SVG"), tr("SVG image (*.svg)"), "svg",
                             &ModelExports::svg);
    });
    exports->addAction(tr("&Before / After as Picture…"), this, [this] {
        exports_->withDialog(tr("Export the before/after picture"),
                             tr("PNG image (*.png);;SVG image (*.svg)"), "png",
                             &ModelExports::diffPicture);
    });
    exports->addAction(tr("Findings as &JSON…"), this, [this] {
        exports_->withDialog(tr("Export findings as JSON"), tr("JSON (*.json)"), "json",
                             &ModelExports::findingsJson);
    });
    exports->addAction(tr("Findings as &Markdown report…"), this, [this] {
        exports_->withDialog(tr("Export findings report"), tr("Markdown (*.md)"), "md",
                             &ModelExports::report);
    });
    file->addSeparator();
    modelActions_ << file->addAction(tr("Export &Prepared Model…"), exports_,
                                     [this] { exports_->preparedWithDialog(); });
    modelActions_ << file->addAction(tr("Export P&ython Source…"), exports_,
                                     &ModelExports::pythonWithDialog);
    modelActions_ << file->addAction(tr("Export &ONNX…"), exports_, &ModelExports::onnxWithDialog);
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
                                     QKeySequence(Qt::CTRL | Qt::Key_F2), fixCommands_,
                                     &FixCommands::fixSelected);
    modelActions_ << edit->addAction(tr("Fix All of This &Kind"), fixCommands_,
                                     &FixCommands::fixAllOfSelectedKind);
    modelActions_ << edit->addAction(tr("Fix &All"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
                                     fixCommands_, &FixCommands::fixAll);
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
        QFileDialog::getOpenFileName(this, tr("Open model"), dir,
                                     tr("Models (*.pt *.pth *.pt2);;TorchScript models (*.pt "
                                        "*.pth);;torch.export programs (*.pt2);;All files (*)"));
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
