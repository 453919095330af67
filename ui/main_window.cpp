#include "main_window.h"

#include "comparison_panel.h"
#include "counted.h"
#include "diff_view.h"
#include "finding.h"
#include "findings_model.h"
#include "fix_controller.h"
#include "graph_controller.h"
#include "graph_layout.h"
#include "graph_scene.h"
#include "graph_view.h"
#include "legend_widget.h"
#include "list_table.h"
#include "model_loader.h"
#include "model_session.h"
#include "module_tree_model.h"
#include "overview_view.h"
#include "prepared_export.h"
#include "properties_panel.h"
#include "report_export.h"
#include "scene_export.h"
#include "search_bar.h"
#include "source_panel.h"
#include "visible_graph.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QUndoStack>
#include <QUndoView>
#include <QVBoxLayout>

namespace torchprep {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), loader_(new ModelLoader(this)), fixes_(new FixController(this)), controller_(new GraphController(this)),
      scene_(new GraphScene(this)), view_(new GraphView), findings_(new FindingsModel(this)),
      tree_(new ModuleTreeModel(this)), diffView_(new DiffView), tabs_(new QTabWidget), search_(new SearchBar),
      progress_(new QProgressBar),
      summary_(new QLabel)
{
    setWindowTitle(tr("TorchPrep Studio"));
    setAcceptDrops(true);
    controller_->setFont(view_->font());
    view_->setScene(scene_);
    overview_ = new OverviewView(view_, view_);
    overview_->resize(200, 150);
    overview_->hide(); // shown with the first graph
    legend_ = new LegendWidget(view_);
    view_->viewport()->installEventFilter(this);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(search_);
    layout->addWidget(view_, 1);
    search_->hide();
    tabs_->setDocumentMode(true);
    tabs_->addTab(central, tr("Graph"));
    tabs_->addTab(diffView_, tr("Before / After"));
    tabs_->setTabToolTip(1, tr("The opened model beside the fixed one, every change marked (Ctrl+D)"));
    setCentralWidget(tabs_);

    progress_->setRange(0, 0);
    progress_->setMaximumWidth(160);
    progress_->hide();
    statusBar()->addPermanentWidget(summary_);
    statusBar()->addPermanentWidget(progress_);

    buildDocks();
    buildActions();

    connect(loader_, &ModelLoader::busyChanged, this, [this](bool busy, const QString &what) {
        loading_ = busy;
        if (busy)
            statusBar()->showMessage(what + QStringLiteral("…"));
        updateBusy();
    });
    connect(loader_, &ModelLoader::opened, this, [this](std::shared_ptr<const ModelSession> s) {
        addRecent(loadingPath_);
        setSession(std::move(s), true);
        statusBar()->showMessage(tr("Opened %1").arg(loadingPath_), 4000);
        emit modelOpened();
    });
    connect(loader_, &ModelLoader::revalidated, this, [this](std::shared_ptr<const ModelSession> s) {
        setSession(std::move(s), false);
    });
    wireFixes();
    connect(loader_, &ModelLoader::failed, this, [this](const QString &path, const QString &reason) {
        statusBar()->showMessage(tr("Could not open %1").arg(path), 6000);
        showError(tr("Cannot open model"),
                  tr("<b>%1</b><br><br>%2").arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                                reason.toHtmlEscaped()));
        emit openFailed(reason);
    });
    connect(controller_, &GraphController::busyChanged, this, [this](bool busy) {
        layingOut_ = busy;
        updateBusy();
    });
    connect(controller_, &GraphController::layoutReady, this, &MainWindow::onLayoutReady);
    connect(scene_, &GraphScene::nodeSelected, this, &MainWindow::onNodeSelected);
    connect(scene_, &GraphScene::toggleRequested, this, [this](NodeId call) {
        pendingSelect_ = call;
        controller_->toggle(call);
    });
    connect(search_, &SearchBar::matchRequested, this, &MainWindow::revealNode);
    connect(tree_, &ModuleTreeModel::exclusionsChanged, this, [this] {
        if (session_)
            loader_->revalidate(session_, tree_->excludedModules());
    });

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

void MainWindow::buildDocks()
{
    treeView_ = new QTreeView;
    treeView_->setModel(tree_);
    treeView_->setUniformRowHeights(true);
    treeView_->header()->setStretchLastSection(false);
    treeView_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    treeView_->setAlternatingRowColors(true);
    connect(treeView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onModuleActivated(current); });
    connect(treeView_, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        const ModuleInfo &m = session_->graph().modules.at(index.data(ModuleTreeModel::ModuleIdRole).toInt());
        if (!m.calls.empty()) {
            pendingSelect_ = m.calls.front();
            controller_->reveal(m.calls.front());
            controller_->toggle(m.calls.front());
        }
    });

    findingsTable_ = new QTableView;
    findingsTable_->setModel(findings_);
    setUpListTable(findingsTable_, QAbstractItemView::ExtendedSelection);
    findingsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    findingsTable_->setColumnWidth(FindingsModel::CheckColumn, 170);
    findingsTable_->setColumnWidth(FindingsModel::ModuleColumn, 230);
    findingsTable_->setColumnWidth(FindingsModel::OpColumn, 100);
    findingsTable_->setColumnWidth(FindingsModel::SourceColumn, 190);
    findingsTable_->setColumnWidth(FindingsModel::MessageColumn, 420);
    connect(findingsTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onFindingActivated(current); });
    connect(findingsTable_, &QTableView::clicked, this, &MainWindow::onFindingActivated);

    findingsTable_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(findingsTable_, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QString check;
        if (selectedFindingKeys(&check).isEmpty())
            return;
        QMenu menu;
        menu.addAction(tr("Fix"), this, &MainWindow::fixSelected);
        menu.addAction(tr("Fix All of This Kind (%1)").arg(check), this, &MainWindow::fixAllOfSelectedKind);
        menu.addAction(tr("Fix All"), this, &MainWindow::fixAll);
        menu.exec(findingsTable_->viewport()->mapToGlobal(pos));
    });

    properties_ = new PropertiesPanel;
    source_ = new SourcePanel;

    auto dock = [this](const QString &title, const QString &name, QWidget *widget, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    dock(tr("Modules"), "modulesDock", treeView_, Qt::LeftDockWidgetArea);
    dock(tr("Findings"), "findingsDock", findingsTable_, Qt::BottomDockWidgetArea);
    QDockWidget *props = dock(tr("Properties"), "propertiesDock", properties_, Qt::RightDockWidgetArea);
    QDockWidget *src = dock(tr("Source"), "sourceDock", source_, Qt::RightDockWidgetArea);
    splitDockWidget(props, src, Qt::Vertical);
    comparison_ = new ComparisonPanel;
    QDockWidget *compare = dock(tr("Comparison"), "comparisonDock", comparison_, Qt::BottomDockWidgetArea);
    tabifyDockWidget(findChild<QDockWidget *>("findingsDock"), compare);
    compare->hide();
    auto *history = new QUndoView(fixes_->undoStack());
    history->setEmptyLabel(tr("<opened model>"));
    dock(tr("History"), "historyDock", history, Qt::LeftDockWidgetArea)->hide();
    connect(comparison_, &ComparisonPanel::moduleActivated, this, [this](const QString &path) {
        if (tabs_->currentWidget() == diffView_ && diffView_->hasContent()) {
            if (!diffView_->selectModule(path))
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

void MainWindow::chooseAndOpen()
{
    const QString dir = QSettings().value("lastDir").toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open TorchScript model"), dir,
                                                      tr("TorchScript models (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty()) {
        QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
        openModel(path);
    }
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

void MainWindow::openModel(const QString &path)
{
    if (loader_->busy()) {
        statusBar()->showMessage(tr("Still loading; try again in a moment."), 3000);
        return;
    }
    loadingPath_ = QFileInfo(path).absoluteFilePath();
    loader_->open(path);
}

void MainWindow::closeModel()
{
    session_.reset();
    opened_.reset();
    setLastChange({});
    refreshDiff();
    fixes_->setCurrent(nullptr, true);
    layingOut_ = false; // a layout still running for the closed model is dropped
    controller_->clear();
    scene_->clearContent();
    findings_->setSession(nullptr);
    tree_->setSession(nullptr);
    properties_->setSession(nullptr);
    search_->setSession(nullptr);
    source_->clear();
    overview_->hide(); // an empty frame would only puzzle
    setWindowTitle(tr("TorchPrep Studio"));
    updateSummary();
}

bool MainWindow::busy() const
{
    return loading_ || fixing_ || layingOut_ || loader_->busy() || fixes_->busy() || controller_->busy() ||
           diffView_->busy();
}

QUndoStack *MainWindow::undoStack() const { return fixes_->undoStack(); }

void MainWindow::setSession(std::shared_ptr<const ModelSession> session, bool newModel, bool sameGraph)
{
    session_ = std::move(session);
    fixes_->setCurrent(session_, newModel);
    findings_->setSession(session_);
    tree_->setSession(session_);
    properties_->setSession(session_);
    search_->setSession(session_);
    if (!sameGraph && !newModel)
        treeView_->expandToDepth(1); // a fixed model's tree is a new tree
    if (newModel) {
        opened_ = session_;
        setLastChange({});
        diffStale_ = true;
        if (tabs_->currentWidget() == diffView_)
            refreshDiff();
        updateFixedState();
        source_->clear();
        treeView_->expandToDepth(1);
        setWindowTitle(tr("%1 — TorchPrep Studio").arg(QFileInfo(QString::fromStdString(session_->path())).fileName()));
    }
    firstLayout_ = firstLayout_ || newModel;
    controller_->setSession(session_, !newModel && sameGraph);
    updateSummary();
}

void MainWindow::onLayoutReady(std::shared_ptr<const GraphLayout> layout)
{
    layingOut_ = false; // a queued layout may arrive from the cache without busyChanged(false)
    if (!session_)
        return;
    scene_->setMarks(lastChange_);
    scene_->setContent(session_, layout);
    if (firstLayout_) {
        firstLayout_ = false;
        view_->showStart();
    }
    overview_->fitTo(QSize(200, 170));
    overview_->show();
    placeOverlays();
    statusBar()->showMessage(tr("%1 boxes, %2 groups (layout %3 s)")
                                 .arg(layout->graph.boxes.size())
                                 .arg(layout->graph.clusters.size())
                                 .arg(layout->seconds, 0, 'f', 2),
                             5000);
    applyPendingSelection();
    emit layoutApplied();
}

void MainWindow::revealNode(NodeId node)
{
    if (!session_ || node == kNoId)
        return;
    pendingSelect_ = node;
    controller_->reveal(node);
    // Already visible: no new layout comes, select now.
    if (controller_->layout() && controller_->layout()->expanded == controller_->expanded())
        applyPendingSelection();
}

void MainWindow::applyPendingSelection()
{
    if (pendingSelect_ == kNoId)
        return;
    const NodeId node = pendingSelect_;
    const int finding = pendingFinding_;
    pendingSelect_ = kNoId;
    pendingFinding_ = -1;
    syncing_ = finding >= 0; // the findings table chose this: leave its selection alone
    scene_->selectNode(node);
    syncing_ = false;
    view_->centreOnItem(scene_->itemFor(node));
    if (finding >= 0) {
        source_->showLocation(session_->report().findings[finding].source);
        syncing_ = true;
        findingsTable_->selectionModel()->setCurrentIndex(
            findings_->indexOfFinding(finding), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        findingsTable_->scrollTo(findings_->indexOfFinding(finding));
        syncing_ = false;
    }
}

void MainWindow::showFinding(int index)
{
    if (!session_ || index < 0 || index >= static_cast<int>(session_->report().findings.size()))
        return;
    const NodeId anchor = session_->anchorOf(index);
    source_->showLocation(session_->report().findings[index].source);
    if (anchor == kNoId) {
        statusBar()->showMessage(tr("This finding concerns the model as a whole."), 4000);
        return;
    }
    pendingFinding_ = index;
    revealNode(anchor);
}

void MainWindow::onFindingActivated(const QModelIndex &index)
{
    if (syncing_ || !index.isValid())
        return;
    showFinding(index.data(FindingsModel::FindingIndexRole).toInt());
}

void MainWindow::onModuleActivated(const QModelIndex &index)
{
    if (syncing_ || !index.isValid() || !session_)
        return;
    const ModuleInfo &m = session_->graph().modules.at(index.data(ModuleTreeModel::ModuleIdRole).toInt());
    if (!m.calls.empty())
        revealNode(m.calls.front());
}

void MainWindow::onNodeSelected(NodeId node)
{
    properties_->showNode(node);
    if (!session_ || node == kNoId)
        return;
    const GraphNode &n = session_->graph().nodes[node];
    source_->showLocation(n.source);
    // Follow in the side panels: the node's findings in the table (unless the table chose
    // this node), its module in the tree.
    const bool fromTable = syncing_;
    syncing_ = true;
    if (!fromTable) {
        findingsTable_->clearSelection();
        const std::vector<int> &own = session_->findingsOf(node);
        for (int f : own)
            findingsTable_->selectionModel()->select(findings_->indexOfFinding(f),
                                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
        if (!own.empty())
            findingsTable_->scrollTo(findings_->indexOfFinding(own.front()));
    }
    const QModelIndex module = tree_->indexOfModule(n.kind == NodeKind::ModuleCall ? n.callee : n.owner);
    treeView_->setCurrentIndex(module);
    treeView_->scrollTo(module);
    syncing_ = fromTable;
}

void MainWindow::updateBusy()
{
    progress_->setVisible(busy());
    if (!busy())
        statusBar()->clearMessage();
}

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

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == view_->viewport() && event->type() == QEvent::Resize)
        placeOverlays();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::placeOverlays()
{
    const QRect area = view_->viewport()->geometry();
    legend_->move(area.left() + 8, area.top() + 8);
    overview_->move(area.right() - overview_->width() - 8, area.bottom() - overview_->height() - 8);
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

void MainWindow::showError(const QString &title, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->open();
}

} // namespace torchprep
