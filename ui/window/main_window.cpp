#include "main_window.h"

#include "compare/comparison_panel.h"
#include "compare/divergence_colours.h"
#include "diff/diff_view.h"
#include "fixes/fix_preview.h"
#include "fixes/fix_workflow.h"
#include "graph/graph_pane.h"
#include "graph/graph_view.h"
#include "graph/search_bar.h"
#include "panels/findings_panel.h"
#include "panels/modules_panel.h"
#include "panels/properties_panel.h"
#include "panels/source_panel.h"
#include "session/background_work.h"
#include "session/counted.h"
#include "session/model_inputs.h"
#include "session/model_loader.h"
#include "session/model_session.h"
#include "session/ops_library_settings.h"
#include "session/selection.h"
#include "window/fix_commands.h"
#include "window/inputs_bar.h"
#include "window/model_exports.h"
#include "window/shapes_flow.h"
#include "window/start_page.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QUndoView>

#include <utility>

namespace torchprep {

namespace {
// The docks each tab wants the first time it is shown: the before/after view needs the width.
const char *const kGraphOnlyDocks[] = {"modulesDock", "propertiesDock", "sourceDock",
                                       "findingsDock", "historyDock"};
// The panel with the keyboard is outlined: a user moving with Tab sees where they are.
const char *const kFocusOutline = "QAbstractScrollArea { border: 1px solid #c8ccd0; }"
                                  "QAbstractScrollArea:focus { border: 2px solid #1e88e5; }";
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), work_(new WorkTracker(this)), selection_(new Selection(this)),
      loader_(new ModelLoader(work_, this)), fixes_(new FixWorkflow(work_, this)),
      pane_(new GraphPane(GraphPane::Kind::Model, work_)), search_(new SearchBar(selection_)),
      findings_(new FindingsPanel(selection_)), modules_(new ModulesPanel(selection_)),
      properties_(new PropertiesPanel(selection_)), source_(new SourcePanel(selection_)),
      comparison_(new ComparisonPanel(work_)), shapes_(new ShapesFlow(work_, this)),
      exports_(new ModelExports(work_, selection_, pane_, fixes_, shapes_, this)),
      fixPreview_(new FixPreview(work_, this)),
      fixCommands_(new FixCommands(selection_, findings_, fixes_, fixPreview_, loader_, this)),
      start_(new StartPage), central_(new QStackedWidget), tabs_(new QTabWidget),
      progress_(new QProgressBar), summary_(new QLabel)
{
    setWindowTitle(tr("TorchPrep Studio"));
    setAcceptDrops(true); // anywhere: the graph and the panels leave drops to the window
    pane_->addAbove(search_);
    pane_->addAbove(shapes_->bar());
    pane_->setMarkKey(FixWorkflow::lastChangeKeyRow());
    search_->hide();
    tabs_->setDocumentMode(true);
    tabs_->addTab(pane_, tr("Graph"));
    tabs_->addTab(fixes_->diffView(), tr("Before / After"));
    tabs_->setTabToolTip(1,
                         tr("The opened model beside the fixed one, every change marked (Ctrl+D)"));
    central_->addWidget(start_);
    central_->addWidget(tabs_);
    setCentralWidget(central_);
    const QList<QWidget *> panels = {pane_->view(), findings_, modules_, properties_};
    for (QWidget *panel : panels)
        panel->setStyleSheet(QString::fromLatin1(kFocusOutline));

    progress_->setRange(0, 0);
    progress_->setMaximumWidth(160);
    progress_->hide();
    statusBar()->addPermanentWidget(summary_);
    statusBar()->addPermanentWidget(progress_);

    buildDocks();
    buildActions();
    wireWork();
    wireSelection();
    wireFixes();

    connect(loader_, &ModelLoader::opened, this, &MainWindow::onOpened);
    connect(loader_, &ModelLoader::revalidated, this,
            [this](std::shared_ptr<const ModelSession> s) {
                fixes_->setCurrent(s);
                showSession(std::move(s));
            });
    connect(
        loader_, &ModelLoader::failed, this, [this](const QString &path, const QString &reason) {
            start_->setLoading({});
            statusBar()->showMessage(tr("Could not open %1").arg(path), 6000);
            showError(tr("Cannot open model"),
                      tr("<b>%1</b><br><br>%2")
                          .arg(QFileInfo(path).fileName().toHtmlEscaped(), reason.toHtmlEscaped()));
            emit openFailed(reason);
        });
    connect(pane_, &GraphPane::laidOut, this, &MainWindow::onLaidOut);
    connect(modules_, &ModulesPanel::exclusionsChanged, this,
            [this](const std::vector<std::string> &excluded) {
                if (session_)
                    loader_->revalidate(session_, excluded);
            });
    connect(modules_, &ModulesPanel::toggleRequested, pane_, &GraphPane::toggle);
    connect(search_, &SearchBar::matchRequested, this, &MainWindow::revealNode);
    connect(search_, &SearchBar::matchesChanged, pane_, &GraphPane::setHighlights);
    connect(start_, &StartPage::openRequested, this, &MainWindow::chooseAndOpen);
    connect(start_, &StartPage::recentChosen, this, &MainWindow::openModel);

    // Tensor shapes: from the inputs described for the file, to the edges and the properties;
    // the comparison runs on the same inputs and remembers what is typed there.
    connect(shapes_, &ShapesFlow::shapesChanged, pane_, &GraphPane::setShapes);
    connect(shapes_, &ShapesFlow::shapesChanged, properties_, &PropertiesPanel::setShapes);
    connect(shapes_, &ShapesFlow::inputsChanged, comparison_, [this](const ModelInputs &inputs) {
        if (!inputs.isEmpty())
            comparison_->setInputs(inputs);
    });
    connect(shapes_, &ShapesFlow::failed, this, [this](const QString &reason) {
        statusBar()->showMessage(tr("No tensor shapes: %1").arg(reason), 8000);
    });
    connect(comparison_, &ComparisonPanel::inputsEdited, this, [this](const ModelInputs &inputs) {
        if (session_ && !(inputs == shapes_->inputs()))
            shapes_->setInputs(inputs);
    });
    connect(comparison_, &ComparisonPanel::describeRequested, this, &MainWindow::describeInputs);
    connect(comparison_, &ComparisonPanel::finished, this, &MainWindow::showDivergence);
    connect(exports_, &ModelExports::status, statusBar(), &QStatusBar::showMessage);
    connect(exports_, &ModelExports::failed, this, &MainWindow::showError);
    connect(fixCommands_, &FixCommands::status, statusBar(), &QStatusBar::showMessage);

    QSettings settings;
    restoreGeometry(settings.value("geometry").toByteArray());
    restoreState(settings.value("windowState").toByteArray());
    if (!settings.contains("geometry")) {
        resize(1400, 900);
        QTimer::singleShot(0, this, [this] { // docks take sizes only once laid out
            resizeDocks({findChild<QDockWidget *>("modulesDock"),
                         findChild<QDockWidget *>("propertiesDock")},
                        {width() / 4, width() / 4}, Qt::Horizontal);
            resizeDocks(
                {findChild<QDockWidget *>("findingsDock"), findChild<QDockWidget *>("sourceDock")},
                {width() * 3 / 5, width() * 2 / 5}, Qt::Horizontal);
            resizeDocks({findChild<QDockWidget *>("findingsDock")}, {height() / 4}, Qt::Vertical);
        });
    }
    rebuildRecentMenu();
    updateSummary();
    updateActions();
    const QStringList failed = loadOpsLibraries(rememberedOpsLibraries());
    if (!failed.isEmpty())
        statusBar()->showMessage(
            tr("Operator library not loaded: %1").arg(failed.join(QStringLiteral("; "))), 10000);
}

MainWindow::~MainWindow() = default;

DiffView *MainWindow::diffView() const
{
    return fixes_->diffView();
}

void MainWindow::buildDocks()
{
    auto dock = [this](const QString &title, const QString &name, QWidget *widget,
                       Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    dock(tr("Modules"), "modulesDock", modules_, Qt::LeftDockWidgetArea);
    QDockWidget *findings =
        dock(tr("Findings"), "findingsDock", findings_, Qt::BottomDockWidgetArea);
    dock(tr("Properties"), "propertiesDock", properties_, Qt::RightDockWidgetArea);
    // Source lines are wide: beside the findings, under the whole width of the window.
    QDockWidget *src = dock(tr("Source"), "sourceDock", source_, Qt::BottomDockWidgetArea);
    splitDockWidget(findings, src, Qt::Horizontal);
    QDockWidget *compare =
        dock(tr("Comparison"), "comparisonDock", comparison_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(findings, compare);
    compare->hide();
    auto *history = new QUndoView(fixes_->undoStack());
    history->setEmptyLabel(tr("<opened model>"));
    dock(tr("History"), "historyDock", history, Qt::LeftDockWidgetArea)->hide();
}

// One tracker for the window: the progress bar while anything runs, and a loader's or a fix's
// "…" in the status bar until the work it started is done.
void MainWindow::wireWork()
{
    connect(work_, &WorkTracker::busyChanged, progress_, &QWidget::setVisible);
    connect(work_, &WorkTracker::started, this, [this](const QString &what) {
        if (what.isEmpty())
            return;
        busyMessage_ = what + QStringLiteral("…");
        statusBar()->showMessage(busyMessage_);
    });
    connect(work_, &WorkTracker::idle, this, [this] {
        if (!busyMessage_.isEmpty() && statusBar()->currentMessage() == busyMessage_)
            statusBar()->clearMessage();
        busyMessage_.clear();
    });
}

// The graph follows every choice made elsewhere; the user's clicks in the graph choose too.
void MainWindow::wireSelection()
{
    connect(pane_, &GraphPane::nodeSelected, this,
            [this](NodeId node) { selection_->selectNode(node, Selection::Origin::Graph); });
    connect(selection_, &Selection::changed, this, [this](Selection::Origin origin) {
        if (origin == Selection::Origin::Graph || origin == Selection::Origin::Session)
            return;
        if (selection_->node() != kNoId)
            pane_->reveal({selection_->node()});
        else if (selection_->finding() >= 0)
            statusBar()->showMessage(tr("This finding concerns the model as a whole."), 4000);
    });
    // A chosen finding: what Fix would create, in the properties, before the user fixes it.
    connect(selection_, &Selection::changed, this, [this] {
        if (selection_->session() && selection_->finding() >= 0)
            fixPreview_->preview(selection_->session(), selection_->finding());
    });
    connect(fixPreview_, &FixPreview::previewed, properties_, &PropertiesPanel::setFixPreview);
    connect(comparison_, &ComparisonPanel::moduleActivated, this, [this](const QString &path) {
        DiffView *diff = fixes_->diffView();
        if (diffShown() && diff->hasContent()) {
            if (!diff->selectModule(path))
                statusBar()->showMessage(tr("%1 is in neither graph.").arg(path), 4000);
            return;
        }
        const ModuleInfo *m = session_ ? session_->graph().findModule(path.toStdString()) : nullptr;
        if (m && !m->calls.empty())
            revealNode(m->calls.front());
        else
            statusBar()->showMessage(tr("%1 is not in the open model.").arg(path), 4000);
    });
}

void MainWindow::wireFixes()
{
    connect(fixes_, &FixWorkflow::sessionChanged, this,
            [this](std::shared_ptr<const ModelSession> session, const QString &message) {
                showSession(std::move(session));
                // After the new layout, whose own message would hide this one.
                connect(
                    pane_, &GraphPane::laidOut, this,
                    [this, message] {
                        const QString hint =
                            fixes_->fixed() && !diffShown()
                                ? tr("  —  Before / After (Ctrl+D) shows every change")
                                : QString();
                        statusBar()->showMessage(message + hint, 15000);
                    },
                    Qt::SingleShotConnection);
            });
    connect(fixes_, &FixWorkflow::fixApplied, this, &MainWindow::fixApplied);
    connect(fixes_, &FixWorkflow::failed, this,
            [this](const QString &reason) { showError(tr("Cannot fix"), reason.toHtmlEscaped()); });
    connect(fixes_, &FixWorkflow::stepsChanged, this, &MainWindow::updateFixedState);
    connect(fixes_, &FixWorkflow::diffWanted, this, &MainWindow::showDiff);
    connect(fixes_, &FixWorkflow::compareRequested, this, &MainWindow::compareWithFixed);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::onTabChanged);
}

void MainWindow::openModel(const QString &path)
{
    if (loader_->busy()) {
        statusBar()->showMessage(tr("Still loading; try again in a moment."), 3000);
        return;
    }
    confirmDiscard([this, path] { loadModel(path); });
}

void MainWindow::loadModel(const QString &path)
{
    if (loader_->busy())
        return;
    loadingPath_ = QFileInfo(path).absoluteFilePath();
    if (!session_)
        start_->setLoading(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    loader_->open(path);
}

bool MainWindow::hasUnexportedFixes() const
{
    return fixes_->fixed() && !fixes_->undoStack()->isClean();
}

// Fixes live only in memory until exported: another model or closing would drop them.
void MainWindow::confirmDiscard(const std::function<void()> &then)
{
    if (!hasUnexportedFixes()) {
        then();
        return;
    }
    const QString name = QFileInfo(QString::fromStdString(fixes_->opened()->path())).fileName();
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Fixes not exported"),
        tr("<b>The fixes to %1 are not exported.</b><br><br>They live only in the Studio "
           "(%2): the file on disk is unchanged. Export the prepared model first, or drop "
           "the fixes?")
            .arg(name.toHtmlEscaped(), fixes_->fixesText().toHtmlEscaped()),
        QMessageBox::Discard | QMessageBox::Cancel, this);
    QPushButton *exportFirst =
        box->addButton(tr("Export Prepared Model…"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("discardFixesBox"));
    box->setWindowModality(Qt::WindowModal);
    connect(box, &QMessageBox::finished, this, [this, box, exportFirst, then] {
        if (box->clickedButton() == exportFirst) {
            // Once written (proven), the fixes are on disk: go on; a failed proof stops here.
            if (exports_->preparedWithDialog())
                connect(
                    exports_, &ModelExports::preparedExported, this,
                    [this, then](bool written) {
                        if (written && !hasUnexportedFixes())
                            then();
                    },
                    Qt::SingleShotConnection);
        } else if (box->standardButton(box->clickedButton()) == QMessageBox::Discard) {
            then();
        }
    });
    box->open();
    emit discardAsked();
}

// Another model: nothing of the last one stays (its fixes, its comparison, its selection).
void MainWindow::onOpened(std::shared_ptr<const ModelSession> session)
{
    start_->setLoading({});
    addRecent(loadingPath_);
    comparison_->reset();
    fixes_->setOpened(session);
    showSession(session);
    setWindowTitle(tr("%1 — TorchPrep Studio")
                       .arg(QFileInfo(QString::fromStdString(session->path())).fileName()));
    statusBar()->showMessage(tr("Opened %1").arg(loadingPath_), 4000);
    emit modelOpened();
}

void MainWindow::closeModel()
{
    confirmDiscard([this] {
        session_.reset();
        comparison_->reset();
        fixes_->setOpened(nullptr);
        pane_->clear();
        pane_->setOverlay({});
        selection_->setSession(nullptr); // the findings, module tree and search follow it
        shapes_->setSession(nullptr);
        central_->setCurrentWidget(start_);
        setWindowTitle(tr("TorchPrep Studio"));
        updateSummary();
        updateActions();
    });
}

void MainWindow::showSession(std::shared_ptr<const ModelSession> session)
{
    const bool sameGraph = session_ && session && session_->sameGraph(*session);
    session_ = std::move(session);
    central_->setCurrentWidget(tabs_);
    selection_->setSession(session_); // the findings, module tree and search follow it
    if (!sameGraph)
        pane_->setOverlay({}); // a comparison's colours name another graph's nodes
    pane_->setSession(session_, fixes_->lastChange());
    shapes_->setSession(session_);
    updateSummary();
    updateActions();
}

void MainWindow::onLaidOut()
{
    statusBar()->showMessage(pane_->layoutSummary(), 5000);
    emit layoutApplied();
}

bool MainWindow::busy() const
{
    return work_->busy();
}

void MainWindow::revealNode(NodeId node)
{
    if (session_ && node != kNoId)
        selection_->selectNode(node, Selection::Origin::Other);
}

void MainWindow::showFinding(int index)
{
    if (session_ && index >= 0 && index < static_cast<int>(session_->report().findings.size()))
        selection_->selectFinding(index, Selection::Origin::Other);
}

void MainWindow::showComparisonDock()
{
    QDockWidget *dock = findChild<QDockWidget *>("comparisonDock");
    dock->show();
    dock->raise();
    if (dock->height() < 360 && !dock->isFloating())
        resizeDocks({dock}, {380}, Qt::Vertical); // room for the plots
}

bool MainWindow::compareWith(const QString &path)
{
    if (!session_ || comparison_->busy())
        return false;
    showComparisonDock();
    // The open model is A, as its file: the graph shows A unless fixes made it another model.
    divergenceIsA_ = !fixes_->fixed();
    comparison_->setModels(QString::fromStdString(session_->path()), path);
    return comparison_->run();
}

// A per-layer comparison's verdict on the boxes of the graph on show, its scale in the key.
void MainWindow::showDivergence()
{
    const ComparisonReport *report = comparison_->report();
    if (!session_ || !report || report->layers.empty()) {
        pane_->setOverlay({});
        if (divergenceAction_)
            divergenceAction_->setEnabled(false);
        return;
    }
    divergenceAction_->setEnabled(true);
    divergenceAction_->setChecked(true);
    setDivergenceShown(true);
    // The first divergence is what a user looks for: bring it into view, selected.
    for (const LayerComparison &layer : report->layers) {
        if (layer.module != report->firstDivergence || !layer.compared)
            continue;
        const ModuleInfo *m =
            session_->graph().findModule(divergenceIsA_ ? layer.aModule : layer.module);
        if (m && layer.call >= 0 && layer.call < static_cast<int>(m->calls.size()))
            revealNode(m->calls[static_cast<std::size_t>(layer.call)]);
        break;
    }
}

void MainWindow::setDivergenceShown(bool shown)
{
    const ComparisonReport *report = comparison_->report();
    if (!shown || !session_ || !report || report->layers.empty()) {
        pane_->setOverlay({});
        return;
    }
    const QVector<LegendWidget::Row> key = {
        {QColor(), QColor(0x90, 0x90, 0x90),
         tr("SQNR per layer: 0 dB … %1 dB and identical").arg(kIdenticalDb), divergenceScale()},
    };
    pane_->setOverlay(divergenceFills(*report, session_->graph(), divergenceIsA_), key);
}

// The undo stack moved (a fix, undo, redo, or a new model): the tab's title and actions follow.
void MainWindow::updateFixedState()
{
    const int steps = fixes_->undoStack()->index();
    tabs_->setTabText(tabs_->indexOf(fixes_->diffView()),
                      steps == 0   ? tr("Before / After")
                      : steps == 1 ? tr("Before / After (1 fix)")
                                   : tr("Before / After (%1 fixes)").arg(steps));
    if (compareFixedAction_)
        compareFixedAction_->setEnabled(fixes_->fixed());
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
    } else if (tabs_->widget(index) == fixes_->diffView()) {
        for (const char *name : kGraphOnlyDocks)
            if (auto *dock = findChild<QDockWidget *>(QLatin1String(name)))
                dock->hide();
    }
    shownTab_ = index;
    fixes_->setDiffShown(diffShown());
}

bool MainWindow::diffShown() const
{
    return tabs_->currentWidget() == fixes_->diffView();
}

QByteArray MainWindow::graphDockState()
{
    return shownTab_ == 0 ? saveState() : graphDocks_;
}

void MainWindow::showDiff()
{
    tabs_->setCurrentWidget(fixes_->diffView());
}
void MainWindow::showGraph()
{
    tabs_->setCurrentIndex(0);
}

void MainWindow::updateActions()
{
    for (QAction *action : std::as_const(modelActions_))
        action->setEnabled(session_ != nullptr);
}

void MainWindow::updateSummary()
{
    if (!session_) {
        summary_->setText(tr("Open a TorchScript model (File ▸ Open, or drop a .pt anywhere)"));
        return;
    }
    const ValidationReport &report = session_->report();
    summary_->setText(report.passed() ? tr("✔ every check passes")
                                      : counted(static_cast<long long>(report.findings.size()),
                                                tr("finding"), tr("findings")));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (hasUnexportedFixes() && !closeAgreed_) {
        event->ignore();
        confirmDiscard([this] {
            closeAgreed_ = true;
            close();
        });
        return;
    }
    QSettings settings;
    settings.setValue("geometry", saveGeometry());
    settings.setValue("windowState", graphDockState());
    event->accept();
}

// Docks keep their share of the window as it grows or shrinks (Qt gives it all to the graph).
void MainWindow::resizeEvent(QResizeEvent *event)
{
    const QSize old = event->oldSize();
    QMainWindow::resizeEvent(event);
    if (!old.isValid() || old.isEmpty() || !isVisible())
        return;
    QList<QDockWidget *> wide, tall;
    QList<int> widths, heights;
    for (QDockWidget *dock : findChildren<QDockWidget *>()) {
        if (!dock->isVisible() || dock->isFloating())
            continue;
        const Qt::DockWidgetArea area = dockWidgetArea(dock);
        if (area == Qt::LeftDockWidgetArea || area == Qt::RightDockWidgetArea) {
            wide << dock;
            widths << dock->width() * event->size().width() / old.width();
        } else if (area == Qt::BottomDockWidgetArea || area == Qt::TopDockWidgetArea) {
            tall << dock;
            heights << dock->height() * event->size().height() / old.height();
        }
    }
    if (!wide.isEmpty())
        resizeDocks(wide, widths, Qt::Horizontal);
    if (!tall.isEmpty())
        resizeDocks(tall, heights, Qt::Vertical);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        event->acceptProposedAction();
}

// Every move over the window says yes again: a child that declined the drag must not veto it.
void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) {
        event->acceptProposedAction();
        openModel(urls.front().toLocalFile()); // a question about fixes opens without blocking
    }
}

// Non-modal so a test, a script or the user's next drop is never stuck behind it.
void MainWindow::showError(const QString &title, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->open();
}

} // namespace torchprep
