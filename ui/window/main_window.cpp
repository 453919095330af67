#include "main_window.h"

#include "compare/comparison_panel.h"
#include "diff/diff_view.h"
#include "fixes/fix_workflow.h"
#include "graph/graph_pane.h"
#include "graph/search_bar.h"
#include "panels/findings_panel.h"
#include "panels/modules_panel.h"
#include "panels/properties_panel.h"
#include "panels/source_panel.h"
#include "session/background_work.h"
#include "session/counted.h"
#include "session/model_loader.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QUndoView>

namespace torchprep {

namespace {
// The docks each tab wants the first time it is shown: the before/after view needs the width.
const char *const kGraphOnlyDocks[] = {"modulesDock", "propertiesDock", "sourceDock", "findingsDock", "historyDock"};
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), work_(new WorkTracker(this)), selection_(new Selection(this)),
      loader_(new ModelLoader(work_, this)), fixes_(new FixWorkflow(work_, this)),
      pane_(new GraphPane(GraphPane::Kind::Model, work_)), search_(new SearchBar),
      findings_(new FindingsPanel(selection_)), modules_(new ModulesPanel(selection_)),
      properties_(new PropertiesPanel(selection_)), source_(new SourcePanel(selection_)),
      comparison_(new ComparisonPanel(work_)), tabs_(new QTabWidget), progress_(new QProgressBar),
      summary_(new QLabel)
{
    setWindowTitle(tr("TorchPrep Studio"));
    setAcceptDrops(true);
    pane_->addAbove(search_);
    pane_->setMarkKey(FixWorkflow::lastChangeKeyRow());
    search_->hide();
    tabs_->setDocumentMode(true);
    tabs_->addTab(pane_, tr("Graph"));
    tabs_->addTab(fixes_->diffView(), tr("Before / After"));
    tabs_->setTabToolTip(1, tr("The opened model beside the fixed one, every change marked (Ctrl+D)"));
    setCentralWidget(tabs_);

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
    connect(loader_, &ModelLoader::revalidated, this, [this](std::shared_ptr<const ModelSession> s) {
        fixes_->setCurrent(s);
        showSession(std::move(s));
    });
    connect(loader_, &ModelLoader::failed, this, [this](const QString &path, const QString &reason) {
        statusBar()->showMessage(tr("Could not open %1").arg(path), 6000);
        showError(tr("Cannot open model"),
                  tr("<b>%1</b><br><br>%2").arg(QFileInfo(path).fileName().toHtmlEscaped(), reason.toHtmlEscaped()));
        emit openFailed(reason);
    });
    connect(pane_, &GraphPane::laidOut, this, &MainWindow::onLaidOut);
    connect(modules_, &ModulesPanel::exclusionsChanged, this, [this](const std::vector<std::string> &excluded) {
        if (session_)
            loader_->revalidate(session_, excluded);
    });
    connect(modules_, &ModulesPanel::toggleRequested, pane_, &GraphPane::toggle);
    connect(search_, &SearchBar::matchRequested, this, &MainWindow::revealNode);

    QSettings settings;
    restoreGeometry(settings.value("geometry").toByteArray());
    restoreState(settings.value("windowState").toByteArray());
    if (!settings.contains("geometry")) {
        resize(1400, 900);
        QTimer::singleShot(0, this, [this] { // docks take sizes only once laid out
            resizeDocks({findChild<QDockWidget *>("modulesDock"), findChild<QDockWidget *>("propertiesDock")},
                        {360, 360}, Qt::Horizontal);
            resizeDocks({findChild<QDockWidget *>("findingsDock")}, {220}, Qt::Vertical);
        });
    }
    rebuildRecentMenu();
    updateSummary();
}

MainWindow::~MainWindow() = default;

DiffView *MainWindow::diffView() const { return fixes_->diffView(); }

void MainWindow::buildDocks()
{
    auto dock = [this](const QString &title, const QString &name, QWidget *widget, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    dock(tr("Modules"), "modulesDock", modules_, Qt::LeftDockWidgetArea);
    QDockWidget *findings = dock(tr("Findings"), "findingsDock", findings_, Qt::BottomDockWidgetArea);
    QDockWidget *props = dock(tr("Properties"), "propertiesDock", properties_, Qt::RightDockWidgetArea);
    QDockWidget *src = dock(tr("Source"), "sourceDock", source_, Qt::RightDockWidgetArea);
    splitDockWidget(props, src, Qt::Vertical);
    QDockWidget *compare = dock(tr("Comparison"), "comparisonDock", comparison_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(findings, compare);
    compare->hide();
    auto *history = new QUndoView(fixes_->undoStack());
    history->setEmptyLabel(tr("<opened model>"));
    dock(tr("History"), "historyDock", history, Qt::LeftDockWidgetArea)->hide();
    connect(findings_, &QWidget::customContextMenuRequested, this, &MainWindow::showFindingsMenu);
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
                connect(pane_, &GraphPane::laidOut, this, [this, message] {
                    const QString hint = fixes_->fixed() && !diffShown()
                                             ? tr("  —  Before / After (Ctrl+D) shows every change")
                                             : QString();
                    statusBar()->showMessage(message + hint, 15000);
                }, Qt::SingleShotConnection);
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
    loadingPath_ = QFileInfo(path).absoluteFilePath();
    loader_->open(path);
}

// Another model: nothing of the last one stays (its fixes, its comparison, its selection).
void MainWindow::onOpened(std::shared_ptr<const ModelSession> session)
{
    addRecent(loadingPath_);
    comparison_->reset();
    fixes_->setOpened(session);
    showSession(session);
    setWindowTitle(tr("%1 — TorchPrep Studio").arg(QFileInfo(QString::fromStdString(session->path())).fileName()));
    statusBar()->showMessage(tr("Opened %1").arg(loadingPath_), 4000);
    emit modelOpened();
}

void MainWindow::closeModel()
{
    session_.reset();
    comparison_->reset();
    fixes_->setOpened(nullptr);
    pane_->clear();
    findings_->setSession(nullptr);
    modules_->setSession(nullptr);
    search_->setSession(nullptr);
    selection_->setSession(nullptr);
    setWindowTitle(tr("TorchPrep Studio"));
    updateSummary();
}

void MainWindow::showSession(std::shared_ptr<const ModelSession> session)
{
    session_ = std::move(session);
    findings_->setSession(session_);
    modules_->setSession(session_);
    search_->setSession(session_);
    selection_->setSession(session_); // after the panels: they follow it with the new session
    pane_->setSession(session_, fixes_->lastChange());
    updateSummary();
}

void MainWindow::onLaidOut()
{
    statusBar()->showMessage(pane_->layoutSummary(), 5000);
    emit layoutApplied();
}

bool MainWindow::busy() const { return work_->busy(); }

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
    comparison_->setModels(QString::fromStdString(session_->path()), path);
    return comparison_->run();
}

// The undo stack moved (a fix, undo, redo, or a new model): the tab's title and actions follow.
void MainWindow::updateFixedState()
{
    const int steps = fixes_->undoStack()->index();
    tabs_->setTabText(tabs_->indexOf(fixes_->diffView()),
                      steps == 0 ? tr("Before / After")
                                 : steps == 1 ? tr("Before / After (1 fix)") : tr("Before / After (%1 fixes)").arg(steps));
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

bool MainWindow::diffShown() const { return tabs_->currentWidget() == fixes_->diffView(); }

QByteArray MainWindow::graphDockState() { return shownTab_ == 0 ? saveState() : graphDocks_; }

void MainWindow::showDiff() { tabs_->setCurrentWidget(fixes_->diffView()); }
void MainWindow::showGraph() { tabs_->setCurrentIndex(0); }

void MainWindow::updateSummary()
{
    if (!session_) {
        summary_->setText(tr("Open a TorchScript model (File ▸ Open, or drop a .pt here)"));
        return;
    }
    const ValidationReport &report = session_->report();
    summary_->setText(report.passed() ? tr("✔ every check passes")
                                      : counted(static_cast<long long>(report.findings.size()), tr("finding"), tr("findings")));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue("geometry", saveGeometry());
    settings.setValue("windowState", graphDockState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) {
        openModel(urls.front().toLocalFile());
        event->acceptProposedAction();
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
