#include "model_session.h"

#include "torch_model.h"

#include <algorithm>

namespace torchprep {

namespace {
const std::vector<int> kNone;
}

ModelSession::ModelSession(ModelGraph graph, ValidationReport report,
                           std::vector<std::string> excluded,
                           std::shared_ptr<const TorchModel> model)
    : graph_(std::move(graph)), report_(std::move(report)), excluded_(std::move(excluded)),
      model_(std::move(model))
{
    indexFindings();
}

void ModelSession::indexFindings()
{
    for (int i = 0; i < static_cast<int>(report_.findings.size()); ++i) {
        std::vector<NodeId> nodes = report_.findings[i].nodes;
        if (nodes.empty() && anchorOf(i) != kNoId)
            nodes.push_back(anchorOf(i));
        for (NodeId node : nodes) {
            if (node < 0 || node >= static_cast<NodeId>(graph_.nodes.size()))
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
    const Finding &f = report_.findings.at(finding);
    if (!f.nodes.empty())
        return f.nodes.front();
    const ModuleInfo *module = graph_.findModule(f.module);
    if (module && !module->calls.empty())
        return module->calls.front();
    return kNoId;
}

std::vector<NodeId> ModelSession::ancestorCalls(NodeId node) const
{
    std::vector<NodeId> chain;
    for (NodeId c = graph_.nodes.at(node).parentCall; c != kNoId; c = graph_.nodes[c].parentCall)
        chain.push_back(c);
    std::reverse(chain.begin(), chain.end());
    return chain;
}

} // namespace torchprep
