#include "diff_view.h"

#include "changes_model.h"
#include "diff_style.h"
#include "graph_controller.h"
#include "graph_layout.h"
#include "graph_scene.h"
#include "graph_view.h"
#include "group_item.h"
#include "list_table.h"
#include "model_session.h"
#include "node_item.h"
#include "scene_export.h"
#include "view_sync.h"
#include "visible_graph.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace torchprep {

namespace {

// Above this many changes, both graphs open as usual and collapsed modules carry the counts:
// opening every changed module would bury the overview.
constexpr std::size_t kRevealAllLimit = 200;

// How many changes of each kind, in the kinds' order.
std::map<DiffKind, int> kindCounts(const GraphDiff &diff)
{
    std::map<DiffKind, int> counts;
    for (const DiffEntry &e : diff.entries)
        ++counts[e.kind];
    return counts;
}

NodeId nodeOfItem(QGraphicsItem *item)
{
    if (auto *box = qgraphicsitem_cast<NodeItem *>(item))
        return box->node();
    if (auto *group = qgraphicsitem_cast<GroupItem *>(item))
        return group->node();
    return kNoId;
}

} // namespace

QHash<NodeId, NodeMark> diffMarks(const GraphDiff &diff, const ModelGraph &graph, bool afterSide, const QColor &color,
                                  std::vector<int> *rows)
{
    QHash<NodeId, NodeMark> marks;
    if (rows)
        rows->assign(graph.nodes.size(), -1);
    for (std::size_t row = 0; row < diff.entries.size(); ++row) {
        const DiffEntry &e = diff.entries[row];
        const std::vector<NodeId> &nodes = afterSide ? e.afterNodes : e.beforeNodes;
        const std::set<NodeId> own(nodes.begin(), nodes.end());
        for (NodeId n : nodes) {
            marks.insert(n, {color.isValid() ? color : diffColor(e.kind), !own.count(graph.nodes[n].parentCall)});
            if (rows)
                (*rows)[n] = static_cast<int>(row);
        }
    }
    return marks;
}

struct DiffView::Pane
{
    GraphController *controller = nullptr;
    GraphScene *scene = nullptr;
    GraphView *view = nullptr;
    QLabel *title = nullptr;
    QString name; // "resnet18.pt", "after Fix all"
    std::shared_ptr<const ModelSession> session;
    bool laidOut = false;     // a layout of this session is on screen
    bool firstLayout = false; // the next layout is this session's first
};

DiffView::DiffView(QWidget *parent)
    : QWidget(parent), changes_(new ChangesModel(this)), stack_(new QStackedWidget), placeholder_(new QLabel),
      summary_(new QLabel), table_(new QTableView), syncBox_(new QCheckBox(tr("Sync pan and zoom"))),
      compare_(new QPushButton(tr("Compare Outputs…"))), export_(new QPushButton(tr("Export Picture…")))
{
    sides_ = new QSplitter(Qt::Horizontal);
    auto *panes = sides_;
    for (Side side : {Before, After}) {
        panes_[side] = std::make_unique<Pane>();
        Pane &p = *panes_[side];
        p.controller = new GraphController(this);
        p.scene = new GraphScene(this);
        p.scene->setShowFindings(false);
        p.view = new GraphView;
        p.view->setScene(p.scene);
        p.controller->setFont(p.view->font());
        p.title = new QLabel;
        p.title->setTextFormat(Qt::RichText);
        p.title->setContentsMargins(6, 4, 6, 4);
        auto *box = new QWidget;
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(0);
        layout->addWidget(p.title);
        layout->addWidget(p.view, 1);
        panes->addWidget(box);
        connect(p.controller, &GraphController::layoutReady, this,
                [this, side](std::shared_ptr<const GraphLayout> layout) { onLayoutReady(side, std::move(layout)); });
        connect(p.controller, &GraphController::busyChanged, this, &DiffView::busyChanged);
        connect(p.scene, &GraphScene::nodeSelected, this, [this, side](NodeId node) { onNodeSelected(side, node); });
        connect(p.scene, &GraphScene::toggleRequested, this,
                [this, side](NodeId call) { onToggleRequested(side, call); });
    }
    panes->setChildrenCollapsible(false);
    sync_ = new ViewSync(view(Before), view(After), [this](QGraphicsItem *item, bool toAfter) -> QGraphicsItem * {
        const Side from = toAfter ? Before : After;
        const NodeId twin = twinOf(from, nodeOfItem(item));
        return twin == kNoId ? nullptr : scene(toAfter ? After : Before)->itemFor(twin);
    }, this);
    syncBox_->setChecked(true);
    syncBox_->setToolTip(tr("Zoom and scroll both graphs together, keeping the same module at the same place."));
    connect(syncBox_, &QCheckBox::toggled, sync_, &ViewSync::setEnabled);
    compare_->setToolTip(tr("Run both versions on the same inputs and compare their outputs."));
    connect(compare_, &QPushButton::clicked, this, &DiffView::compareRequested);
    connect(export_, &QPushButton::clicked, this, &DiffView::exportWithDialog);

    table_->setModel(changes_);
    setUpListTable(table_, QAbstractItemView::SingleSelection);
    table_->setColumnWidth(ChangesModel::KindColumn, 140);
    table_->setColumnWidth(ChangesModel::ModuleColumn, 220);
    table_->setColumnWidth(ChangesModel::WhatColumn, 360);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!syncing_ && current.isValid())
                    selectChange(current.row());
            });

    summary_->setTextFormat(Qt::RichText);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(6, 4, 6, 2);
    header->addWidget(summary_, 1);
    header->addWidget(syncBox_);
    header->addWidget(compare_);
    header->addWidget(export_);
    auto *changesBox = new QWidget;
    auto *changesLayout = new QVBoxLayout(changesBox);
    changesLayout->setContentsMargins(0, 0, 0, 0);
    changesLayout->setSpacing(0);
    changesLayout->addLayout(header);
    changesLayout->addWidget(table_, 1);

    content_ = new QSplitter(Qt::Vertical);
    auto *split = content_;
    split->addWidget(panes);
    split->addWidget(changesBox);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 14px;"));
    stack_->addWidget(placeholder_);
    stack_->addWidget(split);
    auto *top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(stack_);
    showPlaceholder(tr("Nothing to compare yet."));
}

DiffView::~DiffView() = default;

void DiffView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!sized_) { // halves side by side, the graphs over a smaller list; the user's own sizes stay
        sized_ = true;
        sides_->setSizes({1000, 1000});
        content_->setSizes({3000, 1000});
    }
}

DiffView::Pane &DiffView::pane(Side side) const { return *panes_[side]; }
GraphScene *DiffView::scene(Side side) const { return pane(side).scene; }
GraphView *DiffView::view(Side side) const { return pane(side).view; }
std::shared_ptr<const ModelSession> DiffView::session(Side side) const { return pane(side).session; }
QString DiffView::title(Side side) const { return pane(side).name; }

bool DiffView::busy() const
{
    for (Side side : {Before, After})
        if (pane(side).controller->busy() || (pane(side).session && !pane(side).laidOut))
            return true;
    return false;
}

void DiffView::showPlaceholder(const QString &text)
{
    diff_.reset();
    changes_->setDiff(nullptr);
    for (Side side : {Before, After}) {
        Pane &p = pane(side);
        p.session.reset();
        p.laidOut = false;
        p.controller->clear();
        p.scene->clearContent();
        p.scene->setMarks({});
    }
    pending_ = false;
    placeholder_->setText(text);
    stack_->setCurrentWidget(placeholder_);
}

void DiffView::setSessions(std::shared_ptr<const ModelSession> before, std::shared_ptr<const ModelSession> after,
                           const QString &beforeTitle, const QString &afterTitle)
{
    diff_ = std::make_shared<const GraphDiff>(diffModelGraphs(before->graph(), after->graph()));
    changes_->setDiff(diff_);
    const std::shared_ptr<const ModelSession> sessions[2] = {std::move(before), std::move(after)};

    QHash<NodeId, NodeMark> marks[2];
    for (Side side : {Before, After})
        marks[side] = diffMarks(*diff_, sessions[side]->graph(), side == After, QColor(), &entryOf_[side]);
    // Both sides open alike: the after side's readable levels (and, within reason, every
    // changed module), mirrored onto the before side through the alignment.
    std::set<NodeId> open[2];
    open[After] = GraphController::readableExpansion(sessions[After]->graph());
    for (NodeId call : open[After])
        if (const NodeId twin = diff_->alignment.beforeOf[call]; twin != kNoId)
            open[Before].insert(twin);
    if (diff_->entries.size() <= kRevealAllLimit) {
        for (Side side : {Before, After})
            for (const auto &[node, mark] : marks[side].asKeyValueRange())
                for (NodeId call : sessions[side]->ancestorCalls(node))
                    open[side].insert(call);
    }
    for (Side side : {Before, After}) {
        Pane &p = pane(side);
        p.session = sessions[side];
        p.laidOut = false;
        p.firstLayout = true;
        p.name = side == Before ? beforeTitle : afterTitle;
        p.title->setText((side == Before ? tr("<b>Before:</b> %1") : tr("<b>After:</b> %1"))
                             .arg((side == Before ? beforeTitle : afterTitle).toHtmlEscaped()));
        p.title->setToolTip(QString::fromStdString(p.session->path()));
        p.scene->setMarks(marks[side]);
        p.controller->setSession(p.session, open[side]);
    }
    pending_ = false;
    firstShow_ = true;
    summary_->setText(summaryText());
    stack_->setCurrentIndex(1);
}

void DiffView::onLayoutReady(Side side, std::shared_ptr<const GraphLayout> layout)
{
    Pane &p = pane(side);
    if (!p.session)
        return;
    {
        // A kept selection comes back with the content: not a user's click to mirror. (Not a
        // QSignalBlocker: the view must hear of the new scene rect.)
        const QScopedValueRollback<bool> quiet(syncing_, true);
        p.scene->setContent(p.session, layout);
    }
    p.laidOut = true;
    if (p.firstLayout) {
        p.firstLayout = false;
        p.view->showStart();
    }
    if (pane(Before).laidOut && pane(After).laidOut && !pane(Before).controller->busy() &&
        !pane(After).controller->busy()) {
        sync_->follow(view(After));
        if (firstShow_ && !diff_->entries.empty() && !pending_) {
            // A first look at the first change, marked in both graphs.
            firstShow_ = false;
            selectChange(0);
            if (pending_)
                return; // laidOut() once the change's modules are open
        }
        firstShow_ = false;
        applyPendingSelection();
        emit laidOut();
        emit busyChanged();
    }
}

NodeId DiffView::twinOf(Side side, NodeId node) const
{
    if (!diff_ || node == kNoId)
        return kNoId;
    const std::vector<NodeId> &twins = side == Before ? diff_->alignment.afterOf : diff_->alignment.beforeOf;
    return node >= 0 && node < static_cast<NodeId>(twins.size()) ? twins[node] : kNoId;
}

void DiffView::onNodeSelected(Side side, NodeId node)
{
    if (syncing_ || node == kNoId || !diff_)
        return;
    syncing_ = true;
    const Side other = side == Before ? After : Before;
    const NodeId twin = twinOf(side, node);
    if (twin != kNoId) {
        scene(other)->selectNode(twin);
        // The twin beside the selected box (brought into view first when chosen from elsewhere).
        QGraphicsItem *mine = scene(side)->itemFor(node);
        if (mine && !view(side)->visibleSceneRect().contains(mine->sceneBoundingRect().center()))
            view(side)->centreOnItem(mine);
        sync_->alignOn(view(side), mine);
    } else {
        scene(other)->clearSelection();
    }
    const int row = node < static_cast<NodeId>(entryOf_[side].size()) ? entryOf_[side][node] : -1;
    if (row >= 0)
        table_->selectRow(row);
    else
        table_->clearSelection();
    syncing_ = false;
}

void DiffView::onToggleRequested(Side side, NodeId call)
{
    const bool open = !pane(side).controller->expanded().count(call);
    pane(side).controller->setExpanded(call, open);
    const NodeId twin = twinOf(side, call);
    if (twin != kNoId)
        pane(side == Before ? After : Before).controller->setExpanded(twin, open);
}

void DiffView::selectChange(int row)
{
    if (!diff_ || row < 0 || row >= static_cast<int>(diff_->entries.size()))
        return;
    const DiffEntry &e = diff_->entries[row];
    if (table_->currentIndex().row() != row) {
        syncing_ = true;
        table_->selectRow(row);
        syncing_ = false;
    }
    selectNodes(e.beforeNodes, e.afterNodes);
}

bool DiffView::selectModule(const QString &path)
{
    if (!diff_)
        return false;
    std::vector<NodeId> calls[2];
    for (Side side : {Before, After})
        if (const ModuleInfo *m = session(side)->graph().findModule(path.toStdString()); m && !m->calls.empty())
            calls[side].push_back(m->calls.front());
    if (calls[Before].empty() && calls[After].empty())
        return false;
    // A module only one version has: its place in the other is its twin's neighbourhood.
    for (Side side : {Before, After}) {
        const Side other = side == Before ? After : Before;
        if (calls[other].empty() && !calls[side].empty())
            if (const NodeId twin = twinOf(side, calls[side].front()); twin != kNoId)
                calls[other].push_back(twin);
    }
    selectNodes(calls[Before], calls[After]);
    return true;
}

// Opens what hides the nodes, then (once laid out) selects them and brings them into view.
void DiffView::selectNodes(const std::vector<NodeId> &before, const std::vector<NodeId> &after)
{
    pendingNodes_[Before] = before;
    pendingNodes_[After] = after;
    pending_ = true;
    bool relayout = false;
    for (Side side : {Before, After}) {
        const Pane &p = pane(side);
        const auto was = p.controller->expanded();
        // The change's own nodes, not every box inside a whole added module.
        std::vector<NodeId> heads;
        for (NodeId n : pendingNodes_[side])
            if (std::find(pendingNodes_[side].begin(), pendingNodes_[side].end(),
                          p.session->graph().nodes[n].parentCall) == pendingNodes_[side].end())
                heads.push_back(n);
        pendingNodes_[side] = heads;
        p.controller->reveal(heads);
        relayout = relayout || p.controller->expanded() != was || p.controller->busy();
    }
    if (!relayout)
        applyPendingSelection();
}

void DiffView::applyPendingSelection()
{
    if (!pending_)
        return;
    pending_ = false;
    syncing_ = true;
    QGraphicsItem *first[2] = {nullptr, nullptr};
    for (Side side : {Before, After}) {
        scene(side)->selectNodes(pendingNodes_[side]);
        if (!pendingNodes_[side].empty())
            first[side] = scene(side)->itemFor(pendingNodes_[side].front());
    }
    // Centre the side that has the change (the after side when both do); the other follows.
    const Side lead = first[After] ? After : Before;
    if (first[lead]) {
        const QScopedValueRollback<bool> keep(syncing_, true);
        view(lead)->centreOnItem(first[lead]);
        sync_->follow(view(lead));
    }
    syncing_ = false;
}

QString DiffView::summaryText() const
{
    if (!diff_)
        return {};
    if (diff_->entries.empty())
        return tr("<b>No changes:</b> both graphs run the same modules and ops.");
    QStringList parts;
    for (const auto &[kind, count] : kindCounts(*diff_))
        parts << QStringLiteral("<span style='color:%1'>■</span> %2").arg(diffColor(kind).name(), diffCount(kind, count));
    const int n = static_cast<int>(diff_->entries.size());
    return (n == 1 ? tr("<b>1 change:</b> ") : tr("<b>%1 changes:</b> ").arg(n)) + parts.join(QStringLiteral(", "));
}

QVector<LegendWidget::Row> DiffView::legendRows() const
{
    QVector<LegendWidget::Row> rows;
    if (!diff_)
        return rows;
    for (const auto &[kind, count] : kindCounts(*diff_)) {
        QColor fill = diffColor(kind);
        fill.setAlpha(60);
        rows.append({fill, diffColor(kind), QStringLiteral("%1 (%2)").arg(diffTitle(kind)).arg(count)});
    }
    return rows;
}

bool DiffView::exportPicture(const QString &path, QString *error)
{
    if (!diff_) {
        *error = tr("nothing to export: no before/after diff is shown");
        return false;
    }
    QString heading = summaryText();
    heading.remove(QRegularExpression(QStringLiteral("<[^>]*>"))).remove(QStringLiteral("■ "));
    return exportScenesSideBySide({{scene(Before), tr("Before: %1").arg(title(Before))},
                                   {scene(After), tr("After: %1").arg(title(After))}},
                                  heading, legendRows(), path, error);
}

void DiffView::exportWithDialog()
{
    if (!diff_)
        return;
    const QString base = QFileInfo(QString::fromStdString(session(After)->path())).completeBaseName();
    QString path = QFileDialog::getSaveFileName(this, tr("Export the before/after picture"), base + QStringLiteral("_diff.png"),
                                                tr("PNG image (*.png);;SVG image (*.svg)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    QString error;
    if (!exportPicture(path, &error))
        QMessageBox::warning(this, tr("Export the before/after picture"), tr("Could not write %1: %2").arg(path, error));
}

} // namespace torchprep
