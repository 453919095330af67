// Private to core .cpp files (includes torch): a method's graph as the model-graph builder
// and the preparer read it, with scripted function calls inlined and every node traced back to
// the node of the module's real graph it stands for.
#pragma once

#include "model_graph.h"
#include "source_trace.h"

#include <torch/script.h>

#include <memory>
#include <unordered_map>

namespace torchprep {

// Where a TorchScript node says it came from, before any inference.
struct RawSource
{
    std::vector<StackFrame> stack; // traced models: the Python stack
    SourceLocation original;       // scripted models: the user's file and line
    int serializedLine = 0;        // line in the archive's code/ excerpt, for inference
};

RawSource rawSource(const torch::jit::Node *node);

struct MethodView
{
    std::shared_ptr<torch::jit::Graph> graph; // the method's own graph, or an inlined copy
    // Nodes that came from inlining a scripted function call: the line of that call.
    std::unordered_map<const torch::jit::Node *, SourceLocation> sourceOverride;
    // For a copy: each node's counterpart in the method's real graph; inlined nodes map to the
    // prim::CallFunction they replaced. Empty when `graph` is the real graph.
    std::unordered_map<const torch::jit::Node *, torch::jit::Node *> originalOf;

    // The node of the real graph that `node` stands for.
    torch::jit::Node *original(const torch::jit::Node *node) const;
};

// Reads a method for analysis: its real graph when it calls no scripted functions, else a copy
// with them inlined (and branches on their constant flags folded). Never changes the method.
MethodView viewMethod(const torch::jit::Function &function);

} // namespace torchprep
