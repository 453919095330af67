// Private to core .cpp files (includes torch): a method's graph as the model-graph builder
// and the preparer read it, with the model's own scripted functions (and torch's composite
// ones) inlined, torch's other functions kept as single calls, and every node traced back to
// the node of the module's real graph it stands for.
#pragma once

#include "graph/model_graph.h"
#include "torchscript/source_trace.h"

#include <torch/script.h>

#include <map>
#include <memory>
#include <unordered_map>

namespace torchprep {

// Where a TorchScript node says it came from, before any inference.
struct RawSource
{
    std::vector<StackFrame> stack; // traced models: the Python stack
    SourceLocation original;       // scripted models: the file and line
};

RawSource rawSource(const torch::jit::Node *node);

// A node that came from inlining a scripted function call.
struct InlinedOrigin
{
    SourceLocation call;    // the line of the call it came from, in the method viewed
    bool torchCode = false; // the function is torch's (F.multi_head_attention_forward)
};

struct MethodView
{
    std::shared_ptr<torch::jit::Graph> graph; // the method's own graph, or an inlined copy
    std::unordered_map<const torch::jit::Node *, InlinedOrigin> inlined;
    // prim::CallFunction nodes left in the graph (torch's own functions): the line of the
    // call, which TorchScript drops when saving and SourceInference reads back.
    std::unordered_map<const torch::jit::Node *, SourceLocation> callSites;
    // For a copy: each node's counterpart in the method's real graph; inlined nodes map to the
    // prim::CallFunction they replaced. Empty when `graph` is the real graph.
    std::unordered_map<const torch::jit::Node *, torch::jit::Node *> originalOf;

    // The node of the real graph that `node` stands for.
    torch::jit::Node *original(const torch::jit::Node *node) const;
    // The line of a prim::CallFunction node left in the graph, where known.
    SourceLocation callSite(const torch::jit::Node *call) const;
    // The line of the statement `node` belongs to, read from the other ops that TorchScript
    // serialized on the same line of its code, or with `constants` from the constants there
    // (pooled: one `0.0` may serve several lines); unknown when none names one. For what
    // TorchScript's builtins expand to (they name "<string>") and calls that lost their range.
    SourceLocation lineOfStatement(const torch::jit::Node *node, bool constants = false) const;

  private:
    // Serialized (code file, line) -> the line in the Python source, built on first use.
    mutable std::map<std::pair<std::string, int>, SourceLocation> statementLines_[2];
    mutable bool statementLinesBuilt_ = false;
};

// Method views by the code they view, shared by every instance of a type (what differs
// between instances, attribute values, is read during the walk).
class MethodViews
{
  public:
    // Throws InputError when `module` has no method `name`.
    const MethodView &of(const torch::jit::Module &module, const std::string &name);

  private:
    std::unordered_map<const torch::jit::Function *, MethodView> views_;
};

// Reads a method for analysis: its real graph when it calls none of the model's scripted
// functions, else a copy with them inlined (and branches on their constant flags folded).
// Never changes the method.
MethodView viewMethod(const torch::jit::Function &function);

} // namespace torchprep
