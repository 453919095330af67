#include "graph_pane.h"

#include "graph/graph_controller.h"
#include "graph/graph_layout.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/legend_widget.h"
#include "graph/node_item.h"
#include "graph/overview_view.h"
#include "graph/scene_export.h"
#include "session/model_session.h"

#include <QEvent>
#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>

namespace torchprep {

GraphPane::GraphPane(Kind kind, WorkTracker *work, QWidget *parent)
    : QWidget(parent), kind_(kind), controller_(new GraphController(work, this)),
      scene_(new GraphScene(controller_, this)), view_(new GraphView)
{
    view_->setScene(scene_);
    controller_->setFont(view_->font());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    if (kind == Kind::Version) {
        scene_->setShowFindings(false);
        title_ = new QLabel;
        title_->setTextFormat(Qt::RichText);
        title_->setContentsMargins(6, 4, 6, 4);
        layout->addWidget(title_);
    } else {
        overview_ = new OverviewView(view_, view_);
        overview_->resize(200, 150);
        overview_->hide(); // shown with the first graph: an empty frame would only puzzle
        legend_ = new LegendWidget;
        view_->viewport()->installEventFilter(this);
    }
    layout->addWidget(view_, 1);
    if (legend_)
        layout->addWidget(legend_);

    connect(scene_, &GraphScene::contentChanged, this, &GraphPane::onContentChanged);
    connect(scene_, &GraphScene::nodeSelected, this, [this](NodeId node) {
        revealPending_ = false; // the user chose: a reveal still waiting for its layout is moot
        emit nodeSelected(node);
    });
    connect(scene_, &GraphScene::toggleRequested, this, &GraphPane::toggle);
}

GraphPane::~GraphPane() = default;

std::shared_ptr<const ModelSession> GraphPane::session() const
{
    return controller_->session();
}

void GraphPane::setSession(std::shared_ptr<const ModelSession> session,
                           QHash<NodeId, NodeMark> marks)
{
    const std::shared_ptr<const ModelSession> shown = controller_->session();
    const bool another = !shown || !shown->sameGraph(*session);
    firstLayout_ = firstLayout_ || another;
    laidOut_ = laidOut_ && !another;
    revealPending_ = revealPending_ && !another;
    controller_->setSession(std::move(session));
    setMarks(std::move(marks));
}

void GraphPane::setSession(std::shared_ptr<const ModelSession> session, std::set<NodeId> expanded,
                           QHash<NodeId, NodeMark> marks)
{
    firstLayout_ = true;
    laidOut_ = false;
    revealPending_ = false;
    controller_->setSession(std::move(session), std::move(expanded));
    setMarks(std::move(marks));
}

void GraphPane::clear()
{
    laidOut_ = false;
    revealPending_ = false;
    controller_->clear(); // the scene follows
    scene_->setMarks({});
    if (overview_)
        overview_->hide();
}

void GraphPane::setMarks(QHash<NodeId, NodeMark> marks)
{
    scene_->setMarks(std::move(marks));
    updateKey();
}

void GraphPane::setMarkKey(const LegendWidget::Row &row)
{
    markKey_ = row;
    hasMarkKey_ = true;
    updateKey();
}

// The box styles and the checks' colours, the outline's meaning while there is one, and the
// overlay's scale while there is one.
QVector<LegendWidget::Row> GraphPane::keyRows() const
{
    QVector<LegendWidget::Row> rows = LegendWidget::checkRows();
    if (hasMarkKey_ && !scene_->marks().isEmpty())
        rows.append(markKey_);
    if (!scene_->overlay().isEmpty())
        rows += overlayKey_;
    return rows;
}

void GraphPane::updateKey()
{
    if (legend_)
        legend_->setRows(keyRows());
}

void GraphPane::setKeyVisible(bool visible)
{
    if (legend_)
        legend_->setVisible(visible);
}

bool GraphPane::keyVisible() const
{
    return legend_ && legend_->isVisibleTo(this);
}

void GraphPane::setShapes(std::shared_ptr<const SessionShapes> shapes)
{
    scene_->setShapes(std::move(shapes));
}

void GraphPane::setOverlay(QHash<NodeId, QColor> fills, const QVector<LegendWidget::Row> &keyRows)
{
    overlayKey_ = keyRows;
    scene_->setOverlay(std::move(fills));
    updateKey();
}

void GraphPane::setHighlights(std::vector<NodeId> nodes)
{
    scene_->setHighlights(std::move(nodes));
}

void GraphPane::expandAll()
{
    controller_->expandAll();
}
void GraphPane::collapseAll()
{
    controller_->collapseAll();
}

QString GraphPane::layoutSummary() const
{
    const std::shared_ptr<const GraphLayout> layout = controller_->layout();
    if (!layout)
        return {};
    return tr("%1 boxes, %2 groups (layout %3 s)")
        .arg(layout->graph.boxes.size())
        .arg(layout->graph.clusters.size())
        .arg(layout->seconds, 0, 'f', 2);
}

bool GraphPane::exportPicture(const QString &path, const QString &title, QString *error)
{
    return exportScene(*scene_, keyRows(), path, title, error);
}

void GraphPane::setTitle(const QString &title, const QString &toolTip)
{
    if (!title_)
        return;
    title_->setText(title);
    title_->setToolTip(toolTip);
}

void GraphPane::addAbove(QWidget *bar)
{
    auto *column = static_cast<QVBoxLayout *>(layout());
    column->insertWidget(column->indexOf(view_), bar);
}

void GraphPane::reveal(const std::vector<NodeId> &nodes, bool centre)
{
    if (!controller_->session())
        return;
    revealing_ = nodes;
    revealCentres_ = centre;
    revealPending_ = true;
    controller_->reveal(nodes); // a cached layout is shown (and the reveal applied) right here
    if (revealPending_ && controller_->layoutIsCurrent())
        applyReveal();
}

void GraphPane::toggle(NodeId call)
{
    const bool open = !controller_->expanded().count(call);
    controller_->setExpanded(call, open);
    if (kind_ == Kind::Model)
        reveal({call}); // after the new layout (at once when it was cached)
    emit toggled(call, open);
}

void GraphPane::onContentChanged()
{
    if (!controller_->session() || !controller_->layout())
        return; // cleared
    laidOut_ = true;
    if (firstLayout_) {
        firstLayout_ = false;
        view_->showStart(firstLook());
    }
    if (overview_) {
        overview_->fitTo(QSize(200, 170));
        overview_->show();
        placeOverlays();
    }
    if (revealPending_)
        applyReveal();
    emit laidOut();
}

QRectF GraphPane::firstLook() const
{
    QRectF look;
    for (const QGraphicsItem *item : scene_->items()) // the model's inputs
        if (auto *box = qgraphicsitem_cast<const NodeItem *>(item);
            box && box->node() == kNoId && box->isInput())
            look = look.united(box->sceneBoundingRect());
    const std::shared_ptr<const ModelSession> session = controller_->session();
    if (kind_ == Kind::Model && session && !session->report().findings.empty()) {
        if (const QGraphicsItem *first = scene_->itemFor(session->anchorOf(0))) {
            QRectF rect = first->sceneBoundingRect();
            rect.setHeight(std::min(rect.height(), 60.0)); // a whole group: its title is enough
            look = look.united(rect);
        }
    }
    return look;
}

void GraphPane::applyReveal()
{
    revealPending_ = false;
    scene_->selectNodes(revealing_, false);
    if (revealCentres_ && !revealing_.empty())
        view_->centreOnItem(scene_->itemFor(revealing_.front()));
}

bool GraphPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == view_->viewport() && event->type() == QEvent::Resize)
        placeOverlays();
    return QWidget::eventFilter(watched, event);
}

void GraphPane::placeOverlays()
{
    if (!overview_)
        return;
    const QRect area = view_->viewport()->geometry();
    overview_->move(area.right() - overview_->width() - 8, area.bottom() - overview_->height() - 8);
}

} // namespace torchprep
