#include "graph_controller.h"

#include "graph/graph_layout.h"
#include "graph/layered_layout.h"
#include "graph/visible_graph.h"
#include "session/background_work.h"
#include "session/model_session.h"

#include <algorithm>

namespace torchprep {

namespace {

constexpr int kDefaultBoxBudget = 220;

QString cacheKey(const std::set<NodeId> &expanded)
{
    QString key;
    for (NodeId id : expanded)
        key += QString::number(id) + ',';
    return key;
}

} // namespace

GraphController::GraphController(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new Job(work, tr("laying out the graph"), this))
{
}

GraphController::~GraphController() = default;

bool GraphController::busy() const
{
    return job_->running();
}

bool GraphController::layoutIsCurrent() const
{
    return layout_ && layout_->expanded == expanded_;
}

void GraphController::onLaidOut(std::shared_ptr<const GraphLayout> result)
{
    if (runningGeneration_ != generation_)
        result.reset(); // laid out for a model that is no longer open
    if (pending_) {     // the user moved on while this one ran
        pending_ = false;
        if (result)
            cache_.insert(cacheKey(result->expanded), result);
        startLayout();
        return;
    }
    if (!result || result->expanded != expanded_)
        return;
    cache_.insert(cacheKey(expanded_), result);
    layout_ = result;
    emit layoutReady(layout_);
}

std::set<NodeId> GraphController::readableExpansion(const ModelGraph &graph)
{
    return defaultExpansion(graph, kDefaultBoxBudget);
}

void GraphController::setFont(const QFont &font)
{
    font_ = font;
    cache_.clear();
    ++generation_;
}

void GraphController::setSession(std::shared_ptr<const ModelSession> session)
{
    if (!session_ || !session_->sameGraph(*session)) {
        const std::set<NodeId> readable = readableExpansion(session->graph());
        setSession(std::move(session), readable);
        return;
    }
    session_ = std::move(session);
    startLayout();
}

void GraphController::setSession(std::shared_ptr<const ModelSession> session,
                                 std::set<NodeId> expanded)
{
    session_ = std::move(session);
    cache_.clear();
    ++generation_;
    layout_.reset();
    expanded_ = std::move(expanded);
    startLayout();
}

void GraphController::clear()
{
    session_.reset();
    layout_.reset();
    expanded_.clear();
    cache_.clear();
    ++generation_;
    pending_ = false;
    emit cleared();
}

void GraphController::setExpanded(NodeId call, bool expanded)
{
    if (!session_ || !isExpandable(session_->graph().nodes.at(call)))
        return;
    std::set<NodeId> next = expanded_;
    if (expanded) {
        next.insert(call);
    } else {
        // Closing a group closes what was open inside it, so reopening starts tidy.
        next.erase(call);
        for (auto it = next.begin(); it != next.end();) {
            const auto chain = session_->ancestorCalls(*it);
            it = std::find(chain.begin(), chain.end(), call) != chain.end() ? next.erase(it)
                                                                            : std::next(it);
        }
    }
    apply(std::move(next));
}

void GraphController::toggle(NodeId call)
{
    setExpanded(call, !expanded_.count(call));
}

void GraphController::reveal(NodeId node)
{
    reveal(std::vector<NodeId>{node});
}

void GraphController::reveal(const std::vector<NodeId> &nodes)
{
    if (!session_)
        return;
    std::set<NodeId> next = expanded_;
    for (NodeId node : nodes)
        if (node != kNoId)
            for (NodeId call : session_->ancestorCalls(node))
                next.insert(call);
    apply(std::move(next));
}

void GraphController::expandAll()
{
    if (!session_)
        return;
    std::set<NodeId> next;
    for (const GraphNode &node : session_->graph().nodes)
        if (isExpandable(node))
            next.insert(node.id);
    apply(std::move(next));
}

void GraphController::collapseAll()
{
    apply({});
}

void GraphController::apply(std::set<NodeId> expanded)
{
    if (expanded == expanded_ && layout_)
        return;
    expanded_ = std::move(expanded);
    startLayout();
}

void GraphController::startLayout()
{
    if (!session_)
        return;
    const auto cached = cache_.find(cacheKey(expanded_));
    if (cached != cache_.end() && !job_->running()) {
        layout_ = *cached;
        emit layoutReady(layout_);
        return;
    }
    if (job_->running()) {
        pending_ = true;
        return;
    }
    runningGeneration_ = generation_;
    const auto session = session_;
    const auto expanded = expanded_;
    const QFont font = font_;
    job_->start(
        [session, expanded, font] {
            VisibleGraph graph = buildVisibleGraph(*session, expanded, font);
            const bool huge = graph.boxes.size() > kDotBoxLimit;
            auto layout = std::make_shared<GraphLayout>(huge ? layeredLayout(std::move(graph))
                                                             : layoutGraph(std::move(graph)));
            layout->expanded = expanded;
            return std::shared_ptr<const GraphLayout>(std::move(layout));
        },
        [this](std::shared_ptr<const GraphLayout> layout) { onLaidOut(std::move(layout)); },
        [this](const QString &reason) {
            pending_ = false;
            emit layoutFailed(reason);
        });
}

} // namespace torchprep
