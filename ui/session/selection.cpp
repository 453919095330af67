#include "selection.h"

#include "session/model_session.h"

namespace torchprep {

void Selection::setSession(std::shared_ptr<const ModelSession> session)
{
    const bool keepNode = session_ && session && session_->sameGraph(*session);
    const bool had = node_ != kNoId || finding_ >= 0;
    session_ = std::move(session);
    finding_ = -1;
    if (!keepNode)
        node_ = kNoId;
    emit sessionChanged(session_);
    if (had)
        emit changed(Origin::Session);
}

void Selection::selectNode(NodeId node, Origin origin)
{
    node_ = session_ && session_->hasNode(node) ? node : kNoId;
    finding_ = -1;
    emit changed(origin);
}

void Selection::selectFinding(int index, Origin origin)
{
    const bool valid =
        session_ && index >= 0 && index < static_cast<int>(session_->report().findings.size());
    finding_ = valid ? index : -1;
    node_ = valid ? session_->anchorOf(index) : kNoId;
    emit changed(origin);
}

void Selection::clear()
{
    node_ = kNoId;
    finding_ = -1;
    emit changed(Origin::Other);
}

} // namespace torchprep
