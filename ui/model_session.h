// One opened model as the Studio holds it: the graph, its latest validation, and indexes
// from graph nodes to findings. Immutable once built, so worker threads may share it.
#pragma once

#include "model_graph.h"
#include "validator.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace torchprep {

class TorchModel;

class ModelSession
{
public:
    // `model` is the loaded model the graph was built from (null where there is none, e.g. in
    // tests that build graphs by hand); fixes copy it, exports save it. Never modified.
    ModelSession(ModelGraph graph, ValidationReport report, std::vector<std::string> excluded,
                 std::shared_ptr<const TorchModel> model = nullptr);

    const std::shared_ptr<const TorchModel> &model() const { return model_; }

    const ModelGraph &graph() const { return graph_; }
    const ValidationReport &report() const { return report_; }
    const std::vector<std::string> &excludedModules() const { return excluded_; }
    const std::string &path() const { return graph_.sourcePath; }

    // Indexes into report().findings that name `node` itself.
    const std::vector<int> &findingsOf(NodeId node) const;
    // Indexes of findings on nodes inside the body of the call `node` (any depth).
    const std::vector<int> &findingsInside(NodeId node) const;
    // The graph node a finding is shown on: its first node, else the module's first call.
    NodeId anchorOf(int finding) const;
    // Enclosing calls of `node`, outermost first.
    std::vector<NodeId> ancestorCalls(NodeId node) const;

private:
    void indexFindings();

    ModelGraph graph_;
    ValidationReport report_;
    std::vector<std::string> excluded_;
    std::shared_ptr<const TorchModel> model_;
    std::unordered_map<NodeId, std::vector<int>> byNode_;
    std::unordered_map<NodeId, std::vector<int>> inside_;
};

} // namespace torchprep
