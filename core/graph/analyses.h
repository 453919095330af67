// The facts checks ask of one model graph, each computed on first ask and kept (LLVM's analysis
// manager, in small): a check asks for what it needs; the graph's builder computes none of it.
#pragma once

#include "graph/dataflow.h"
#include "graph/model_graph.h"

#include <optional>

namespace torchprep {

class GraphAnalyses
{
  public:
    explicit GraphAnalyses(const ModelGraph &graph) : graph_(graph) {}

    const ModelGraph &graph() const { return graph_; }
    // What depends on the model's inputs, and what is shape arithmetic (graph/dataflow.h).
    const ValueFacts &values();

  private:
    const ModelGraph &graph_;
    std::optional<ValueFacts> values_;
};

} // namespace torchprep
