// One analysed model as the Studio shows it: the core's analysed model (graph, validation, the
// loaded TorchScript) plus indexes from graph nodes to findings. Immutable once built, so
// worker threads may share it. Two sessions show the same nodes exactly when sameGraph().
#pragma once

#include "checks/validator.h"
#include "graph/model_graph.h"
#include "pipeline/analysed_model.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace torchprep {

class TorchModel;

class ModelSession
{
  public:
    explicit ModelSession(AnalysedModel analysed);

    const AnalysedModel &analysed() const { return analysed_; }
    // The loaded model the graph was built from (null for a graph built by hand); fixes copy
    // it, exports save it. Never modified.
    const std::shared_ptr<const TorchModel> &model() const { return analysed_.model(); }
    const ModelGraph &graph() const { return analysed_.graph(); }
    const ValidationReport &report() const { return analysed_.report(); }
    const std::vector<std::string> &excludedModules() const
    {
        return analysed_.checkOptions().excludedModules;
    }
    const std::string &path() const { return analysed_.path(); }
    // True when `other` shows this very graph (a re-validation of it): node ids mean the same.
    bool sameGraph(const ModelSession &other) const
    {
        return analysed_.sharedGraph() == other.analysed_.sharedGraph();
    }

    // Indexes into report().findings that name `node` itself.
    const std::vector<int> &findingsOf(NodeId node) const;
    // Indexes of findings on nodes inside the body of the call `node` (any depth).
    const std::vector<int> &findingsInside(NodeId node) const;
    // The graph node a finding is shown on: its first node, else the module's first call.
    NodeId anchorOf(int finding) const;
    // Enclosing calls of `node`, outermost first.
    std::vector<NodeId> ancestorCalls(NodeId node) const;
    // True for an id of a node of this graph.
    bool hasNode(NodeId node) const
    {
        return node >= 0 && node < static_cast<NodeId>(graph().nodes.size());
    }

  private:
    void indexFindings();

    AnalysedModel analysed_;
    std::unordered_map<NodeId, std::vector<int>> byNode_;
    std::unordered_map<NodeId, std::vector<int>> inside_;
};

} // namespace torchprep
