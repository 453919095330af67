// How many times calls run in one forward, read off the model graph: a call in a loop runs
// once per iteration, calls in the two branches of one `if` never both run.
#pragma once

#include "graph/model_graph.h"

#include <string>
#include <vector>

namespace torchprep {

struct RunCount
{
    long long times = 0;
    bool inUnboundedLoop =
        false; // some call is in a loop whose trip count is known only at run time

    bool repeated() const { return times >= 2 || inUnboundedLoop; }
};

// Runs of `calls` (nodes of `graph`) in one run of the call node `within` (kNoId: one forward
// of the model): loops multiply, exclusive branches take the larger side. Calls outside
// `within` are not counted.
RunCount countRuns(const ModelGraph &graph, const std::vector<NodeId> &calls,
                   NodeId within = kNoId);

// True when `node` lies in the body of the call `call` (at any depth).
bool isInsideCall(const ModelGraph &graph, NodeId node, NodeId call);

// The loops around `node` out to `within`, innermost first.
std::vector<NodeId> enclosingLoops(const ModelGraph &graph, NodeId node, NodeId within = kNoId);

// The longest loop the preparer unrolls (prepare/unroll_fixed_loops): one whose trip count is
// fixed before the run and at most this many iterations; longer loops stay a manual fix.
inline constexpr int kMaxUnrolledIterations = 64;

// True when the preparer unrolls the loop `loop` (a prim::Loop node of `graph`).
bool unrolledByPreparer(const ModelGraph &graph, NodeId loop);

// A traced model calls a reused module through forward, forward1, forward2...: all forward.
std::string methodFamily(const std::string &method);

} // namespace torchprep
