#include "model_session.h"

#include <algorithm>

namespace torchprep {

namespace {
const std::vector<int> kNone;
}

ModelSession::ModelSession(AnalysedModel analysed) : analysed_(std::move(analysed))
{
    indexFindings();
}

void ModelSession::indexFindings()
{
    for (int i = 0; i < static_cast<int>(report().findings.size()); ++i) {
        std::vector<NodeId> nodes = report().findings[i].nodes;
        if (nodes.empty() && anchorOf(i) != kNoId)
            nodes.push_back(anchorOf(i));
        for (NodeId node : nodes) {
            if (!hasNode(node))
                continue;
            std::vector<int> &own = byNode_[node];
            if (std::find(own.begin(), own.end(), i) == own.end())
                own.push_back(i);
            for (NodeId call : ancestorCalls(node)) {
                std::vector<int> &in = inside_[call];
                if (std::find(in.begin(), in.end(), i) == in.end())
                    in.push_back(i);
            }
        }
    }
}

const std::vector<int> &ModelSession::findingsOf(NodeId node) const
{
    const auto it = byNode_.find(node);
    return it == byNode_.end() ? kNone : it->second;
}

const std::vector<int> &ModelSession::findingsInside(NodeId node) const
{
    const auto it = inside_.find(node);
    return it == inside_.end() ? kNone : it->second;
}

NodeId ModelSession::anchorOf(int finding) const
{
    const Finding &f = report().findings.at(finding);
    if (!f.nodes.empty())
        return f.nodes.front();
    const ModuleInfo *module = graph().findModule(f.module);
    if (module && !module->calls.empty())
        return module->calls.front();
    return kNoId;
}

std::vector<NodeId> ModelSession::ancestorCalls(NodeId node) const
{
    std::vector<NodeId> chain;
    for (NodeId c = graph().nodes.at(node).parentCall; c != kNoId; c = graph().nodes[c].parentCall)
        chain.push_back(c);
    std::reverse(chain.begin(), chain.end());
    return chain;
}

} // namespace torchprep
