#include "diff_view.h"

#include "diff/changes_model.h"
#include "diff/diff_style.h"
#include "diff/view_sync.h"
#include "graph/graph_controller.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/scene_export.h"
#include "session/background_work.h"
#include "session/list_table.h"
#include "session/model_session.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace torchprep {

namespace {

// Above this many changes, both graphs open as usual and collapsed modules carry the counts:
// opening every changed module would bury the overview.
constexpr std::size_t kRevealAllLimit = 200;

DiffView::Side otherSide(DiffView::Side side)
{
    return side == DiffView::Before ? DiffView::After : DiffView::Before;
}

} // namespace

DiffView::DiffView(WorkTracker *work, QWidget *parent)
    : QWidget(parent), diffing_(new LatestJob(work, tr("comparing the graphs"), this)),
      changes_(new ChangesModel(this)), stack_(new QStackedWidget), placeholder_(new QLabel),
      summary_(new QLabel), table_(new QTableView),
      syncBox_(new QCheckBox(tr("Sync pan and zoom"))),
      compare_(new QPushButton(tr("Compare Outputs…"))),
      export_(new QPushButton(tr("Export Picture…")))
{
    sides_ = new QSplitter(Qt::Horizontal);
    for (Side side : {Before, After}) {
        GraphPane *p = panes_[side] = new GraphPane(GraphPane::Kind::Version, work);
        sides_->addWidget(p);
        connect(p, &GraphPane::laidOut, this, &DiffView::onLaidOut);
        connect(p, &GraphPane::nodeSelected, this,
                [this, side](NodeId node) { onNodeSelected(side, node); });
        connect(p, &GraphPane::toggled, this,
                [this, side](NodeId call, bool open) { onToggled(side, call, open); });
    }
    sides_->setChildrenCollapsible(false);
    sync_ = new ViewSync(
        view(Before), view(After),
        [this](QGraphicsItem *item, bool toAfter) -> QGraphicsItem * {
            const NodeId twin = twinOf(toAfter ? Before : After, GraphScene::nodeOf(item));
            return twin == kNoId ? nullptr : scene(toAfter ? After : Before)->itemFor(twin);
        },
        this);
    syncBox_->setChecked(true);
    syncBox_->setToolTip(
        tr("Zoom and scroll both graphs together, keeping the same module at the same place."));
    connect(syncBox_, &QCheckBox::toggled, sync_, &ViewSync::setEnabled);
    compare_->setToolTip(tr("Run both versions on the same inputs and compare their outputs."));
    connect(compare_, &QPushButton::clicked, this, &DiffView::compareRequested);
    connect(export_, &QPushButton::clicked, this, &DiffView::exportWithDialog);

    content_ = new QSplitter(Qt::Vertical);
    content_->addWidget(sides_);
    content_->addWidget(buildChangesBox());
    content_->setStretchFactor(0, 4);
    content_->setStretchFactor(1, 1);
    content_->setChildrenCollapsible(false);

    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 14px;"));
    stack_->addWidget(placeholder_);
    stack_->addWidget(content_);
    auto *top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(stack_);
    showPlaceholder(tr("Nothing to compare yet."));
}

DiffView::~DiffView() = default;

// The changes below the graphs: the summary with the view's buttons over the table.
QWidget *DiffView::buildChangesBox()
{
    table_->setModel(changes_);
    setUpListTable(table_, QAbstractItemView::SingleSelection);
    table_->setColumnWidth(ChangesModel::KindColumn, 140);
    table_->setColumnWidth(ChangesModel::ModuleColumn, 220);
    table_->setColumnWidth(ChangesModel::WhatColumn, 360);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!choosingRow_ && current.isValid())
                    selectChange(current.row());
            });
    summary_->setTextFormat(Qt::RichText);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(6, 4, 6, 2);
    header->addWidget(summary_, 1);
    header->addWidget(syncBox_);
    header->addWidget(compare_);
    header->addWidget(export_);
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(table_, 1);
    return box;
}

void DiffView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!sized_) { // halves side by side, the graphs over a smaller list; the user's own sizes stay
        sized_ = true;
        sides_->setSizes({1000, 1000});
        content_->setSizes({3000, 1000});
    }
}

GraphScene *DiffView::scene(Side side) const
{
    return panes_[side]->scene();
}
GraphView *DiffView::view(Side side) const
{
    return panes_[side]->view();
}
std::shared_ptr<const ModelSession> DiffView::session(Side side) const
{
    return panes_[side]->session();
}

bool DiffView::busy() const
{
    if (diffing_->busy())
        return true;
    for (const GraphPane *p : panes_)
        if (p->controller()->busy() || (p->session() && !p->hasLayout()))
            return true;
    return false;
}

void DiffView::showPlaceholder(const QString &text)
{
    diffing_->cancel(); // a diff still running belongs to sessions no longer asked for
    diff_.reset();
    changes_->setDiff(nullptr);
    for (GraphPane *p : panes_)
        p->clear();
    centring_ = false;
    placeholder_->setText(text);
    stack_->setCurrentWidget(placeholder_);
}

void DiffView::setSessions(std::shared_ptr<const ModelSession> before,
                           std::shared_ptr<const ModelSession> after, const QString &beforeTitle,
                           const QString &afterTitle)
{
    if (session(Before) !=
        before) { // another model: nothing of the last one stays on screen meanwhile
        diff_.reset();
        changes_->setDiff(nullptr);
        for (GraphPane *p : panes_)
            p->clear();
        placeholder_->setText(tr("Comparing the graphs…"));
        stack_->setCurrentWidget(placeholder_);
    }
    diffing_->request([this, before = std::move(before), after = std::move(after), beforeTitle,
                       afterTitle](Job &job) {
        job.start(
            [before, after] {
                return std::make_shared<const GraphDiff>(
                    diffModelGraphs(before->graph(), after->graph()));
            },
            [this, before, after, beforeTitle, afterTitle](std::shared_ptr<const GraphDiff> diff) {
                titles_[Before] = beforeTitle;
                titles_[After] = afterTitle;
                showDiff(before, after, std::move(diff));
            },
            [this](const QString &reason) {
                showPlaceholder(tr("Cannot diff the two graphs: %1").arg(reason));
            },
            tr("Comparing the graphs"));
    });
}

void DiffView::showDiff(const std::shared_ptr<const ModelSession> &before,
                        const std::shared_ptr<const ModelSession> &after,
                        std::shared_ptr<const GraphDiff> diff)
{
    diff_ = std::move(diff);
    changes_->setDiff(diff_);
    const std::shared_ptr<const ModelSession> sessions[2] = {before, after};

    QHash<NodeId, NodeMark> marks[2];
    for (Side side : {Before, After})
        marks[side] =
            diffMarks(*diff_, sessions[side]->graph(), side == After, QColor(), &entryOf_[side]);
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
    centring_ = false;
    firstShow_ = true;
    for (Side side : {Before, After}) {
        panes_[side]->setTitle((side == Before ? tr("<b>Before:</b> %1") : tr("<b>After:</b> %1"))
                                   .arg(titles_[side].toHtmlEscaped()),
                               QString::fromStdString(sessions[side]->path()));
        panes_[side]->setSession(sessions[side], open[side], marks[side]);
    }
    summary_->setText(summaryText());
    stack_->setCurrentWidget(content_);
}

// A pane laid out: once both are on screen, the views line up and a waiting selection is centred.
void DiffView::onLaidOut()
{
    if (!diff_ || busy())
        return;
    sync_->follow(view(After));
    if (firstShow_) {
        firstShow_ = false;
        if (!centring_ && !diff_->entries.empty()) {
            selectChange(0); // a first look at the first change, marked in both graphs
            if (busy())
                return; // laidOut() once the change's modules are open
        }
    }
    centreSelection();
    emit laidOut();
}

NodeId DiffView::twinOf(Side side, NodeId node) const
{
    if (!diff_ || node == kNoId)
        return kNoId;
    const std::vector<NodeId> &twins =
        side == Before ? diff_->alignment.afterOf : diff_->alignment.beforeOf;
    return node >= 0 && node < static_cast<NodeId>(twins.size()) ? twins[node] : kNoId;
}

void DiffView::onNodeSelected(Side side, NodeId node)
{
    if (node == kNoId || !diff_)
        return;
    const NodeId twin = twinOf(side, node);
    if (twin != kNoId) {
        scene(otherSide(side))->selectNode(twin, false);
        // The twin beside the selected box (brought into view first when chosen from elsewhere).
        QGraphicsItem *mine = scene(side)->itemFor(node);
        if (mine && !view(side)->visibleSceneRect().contains(mine->sceneBoundingRect().center()))
            view(side)->centreOnItem(mine);
        sync_->alignOn(view(side), mine);
    } else {
        scene(otherSide(side))->clearSelection();
    }
    const QScopedValueRollback<bool> quiet(choosingRow_, true);
    const int row = node < static_cast<NodeId>(entryOf_[side].size()) ? entryOf_[side][node] : -1;
    if (row >= 0)
        table_->selectRow(row);
    else
        table_->clearSelection();
}

void DiffView::onToggled(Side side, NodeId call, bool open)
{
    const NodeId twin = twinOf(side, call);
    if (twin != kNoId)
        panes_[otherSide(side)]->controller()->setExpanded(twin, open);
}

void DiffView::selectChange(int row)
{
    if (!diff_ || row < 0 || row >= static_cast<int>(diff_->entries.size()))
        return;
    const DiffEntry &e = diff_->entries[row];
    if (table_->currentIndex().row() != row) {
        const QScopedValueRollback<bool> quiet(choosingRow_, true);
        table_->selectRow(row);
    }
    selectNodes(e.beforeNodes, e.afterNodes);
}

bool DiffView::selectModule(const QString &path)
{
    if (!diff_)
        return false;
    std::vector<NodeId> calls[2];
    for (Side side : {Before, After})
        if (const ModuleInfo *m = session(side)->graph().findModule(path.toStdString());
            m && !m->calls.empty())
            calls[side].push_back(m->calls.front());
    if (calls[Before].empty() && calls[After].empty())
        return false;
    // A module only one version has: its place in the other is its twin's neighbourhood.
    for (Side side : {Before, After})
        if (calls[otherSide(side)].empty() && !calls[side].empty())
            if (const NodeId twin = twinOf(side, calls[side].front()); twin != kNoId)
                calls[otherSide(side)].push_back(twin);
    selectNodes(calls[Before], calls[After]);
    return true;
}

// Opens what hides the nodes; each pane selects them once laid out, and then both are centred.
void DiffView::selectNodes(const std::vector<NodeId> &before, const std::vector<NodeId> &after)
{
    const std::vector<NodeId> *nodes[2] = {&before, &after};
    centring_ = true;
    for (Side side : {Before, After}) {
        // The change's own nodes, not every box inside a whole added module.
        const ModelGraph &graph = session(side)->graph();
        std::vector<NodeId> heads;
        for (NodeId n : *nodes[side])
            if (std::find(nodes[side]->begin(), nodes[side]->end(), graph.nodes[n].parentCall) ==
                nodes[side]->end())
                heads.push_back(n);
        selected_[side] = heads;
        panes_[side]->reveal(heads, false);
    }
    if (!busy())
        centreSelection();
}

// Centres the side that has the selection (the after side when both do); the other follows.
void DiffView::centreSelection()
{
    if (!centring_)
        return;
    centring_ = false;
    const Side lead = !selected_[After].empty() ? After : Before;
    if (selected_[lead].empty())
        return;
    if (QGraphicsItem *item = scene(lead)->itemFor(selected_[lead].front())) {
        view(lead)->centreOnItem(item);
        sync_->follow(view(lead));
    }
}

QString DiffView::summaryText() const
{
    return diff_ ? diffSummary(*diff_) : QString();
}

QVector<LegendWidget::Row> DiffView::legendRows() const
{
    return diff_ ? diffKeyRows(*diff_) : QVector<LegendWidget::Row>();
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
    const QString base =
        QFileInfo(QString::fromStdString(session(After)->path())).completeBaseName();
    QString path = QFileDialog::getSaveFileName(this, tr("Export the before/after picture"),
                                                base + QStringLiteral("_diff.png"),
                                                tr("PNG image (*.png);;SVG image (*.svg)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    QString error;
    if (!exportPicture(path, &error))
        QMessageBox::warning(this, tr("Export the before/after picture"),
                             tr("Could not write %1: %2").arg(path, error));
}

} // namespace torchprep
