// Reading a method's graph for analysis: scripted function calls inlined in a copy, each
// node traced back to the real graph, and the user's line kept for what was inlined.
#include "method_view_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/constant_propagation.h>

#include <cctype>
#include <limits>
#include <map>
#include <tuple>

namespace torchprep {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::SourceRange;
namespace prim = c10::prim;

RawSource rawSource(const Node *node)
{
    RawSource raw;
    const torch::jit::SourceRange &range = node->sourceRange();
    if (range.source() && range.source()->filename()) {
        if (auto flc = range.file_line_col())
            raw.serializedLine = static_cast<int>(std::get<1>(*flc));
    }
    const auto generated = range.findSourceRangeThatGenerated();
    if (!generated || !generated->source())
        return raw;
    // The range's own text: a loaded model's debug info shares one source text between ops.
    const std::string text = generated->text().str();
    raw.stack = parseTracerStack(text);
    if (raw.stack.empty()) {
        if (auto flc = generated->file_line_col()) {
            raw.original.file = std::get<0>(*flc);
            raw.original.line = static_cast<int>(std::get<1>(*flc));
        }
    }
    return raw;
}

namespace {

// Lines for scripted function calls (prim::CallFunction), whose own range is lost on save.
// The statements around a call keep theirs, and with them the text of the user's source:
// the call is the line between its neighbours that calls a function of the same name.
class SourceInference
{
public:
    explicit SourceInference(const Graph &graph)
    {
        collectKnown(graph.block());
        std::map<std::tuple<int, int, std::string>, int> seen; // window and name -> calls so far
        assignCalls(graph.block(), seen);
    }

    SourceLocation locationOf(const Node *call) const
    {
        auto it = assigned_.find(call);
        return it == assigned_.end() ? SourceLocation() : it->second;
    }

private:
    void collectKnown(const Block *block)
    {
        for (const Node *node : block->nodes()) {
            const SourceRange &range = node->sourceRange();
            const RawSource raw = rawSource(node);
            if (raw.original.known() && raw.serializedLine > 0) {
                known_.emplace(raw.serializedLine, raw.original);
                if (!original_)
                    original_ = range.findSourceRangeThatGenerated()->source();
            }
            for (const Block *sub : node->blocks())
                collectKnown(sub);
        }
    }

    void assignCalls(const Block *block, std::map<std::tuple<int, int, std::string>, int> &seen)
    {
        for (const Node *node : block->nodes()) {
            for (const Block *sub : node->blocks())
                assignCalls(sub, seen);
            if (node->kind() != prim::CallFunction)
                continue;
            const RawSource raw = rawSource(node);
            if (raw.original.known()) {
                assigned_[node] = raw.original;
                continue;
            }
            auto fnType = node->input(0)->type()->cast<c10::FunctionType>();
            if (!fnType || !original_ || raw.serializedLine <= 0)
                continue;
            const std::string name = fnType->function()->name();
            // The window: from the last known statement before the call to the first after it.
            int lo = 0, hi = std::numeric_limits<int>::max();
            auto next = known_.lower_bound(raw.serializedLine);
            if (next != known_.end())
                hi = next->second.line;
            if (next != known_.begin())
                lo = std::prev(next)->second.line;
            const int rank = seen[{lo, hi, name}]++;
            assigned_[node] = findCall(name, lo, hi, rank);
        }
    }

    // The `rank`-th line in [lo, hi] of the original source that calls `name(`.
    SourceLocation findCall(const std::string &name, int lo, int hi, int rank) const
    {
        const std::string pattern = name + "(";
        int matches = 0;
        for (std::size_t i = 0; i < original_->num_lines(); ++i) {
            const int line = static_cast<int>(original_->lineno_to_source_lineno(i));
            if (line < lo || line > hi)
                continue;
            const std::string text = original_->get_line(i).str();
            for (auto pos = text.find(pattern); pos != std::string::npos;
                 pos = text.find(pattern, pos + 1)) {
                const char before = pos == 0 ? ' ' : text[pos - 1];
                if (std::isalnum(static_cast<unsigned char>(before)) || before == '_')
                    continue; // "prelu(" is not a call of "relu"
                if (matches++ == rank) {
                    SourceLocation location;
                    location.file = original_->filename().value_or("");
                    location.line = line;
                    location.inferred = true;
                    return location;
                }
                break; // one call per line counts
            }
        }
        return {};
    }

    std::map<int, SourceLocation> known_; // serialized line -> the user's line
    std::shared_ptr<torch::jit::Source> original_;
    std::unordered_map<const Node *, SourceLocation> assigned_;
};


void collectCallFunctions(Block *block, std::vector<Node *> &out)
{
    for (Node *node : block->nodes()) {
        if (node->kind() == prim::CallFunction)
            out.push_back(node);
        for (Block *sub : node->blocks())
            collectCallFunctions(sub, out);
    }
}

// Pairs each node of `copy` with its twin in `original` (Graph::copy keeps order and blocks).
void mapCopy(const Block *copy, Block *original, std::unordered_map<const Node *, Node *> &out)
{
    auto c = copy->nodes().begin();
    auto o = original->nodes().begin();
    for (; c != copy->nodes().end() && o != original->nodes().end(); ++c, ++o) {
        out[*c] = *o;
        for (std::size_t b = 0; b < c->blocks().size() && b < o->blocks().size(); ++b)
            mapCopy(c->blocks()[b], o->blocks()[b], out);
    }
}

} // namespace

Node *MethodView::original(const Node *node) const
{
    if (originalOf.empty())
        return const_cast<Node *>(node);
    auto it = originalOf.find(node);
    return it == originalOf.end() ? nullptr : it->second;
}

MethodView viewMethod(const torch::jit::Function &function)
{
    MethodView prepared;
    const std::shared_ptr<Graph> &original = torch::jit::toGraphFunction(function).graph();
    std::vector<Node *> pendingCalls;
    collectCallFunctions(original->block(), pendingCalls);
    if (pendingCalls.empty()) {
        prepared.graph = original; // read only: no copy needed
        return prepared;
    }
    prepared.graph = original->copy();
    mapCopy(prepared.graph->block(), original->block(), prepared.originalOf);
    Graph &graph = *prepared.graph;
    const SourceInference inference(graph);
    bool inlined = false;
    for (int round = 0; round < 16; ++round) {
        std::vector<Node *> calls;
        collectCallFunctions(graph.block(), calls);
        if (calls.empty())
            break;
        for (Node *call : calls) {
            auto fnType = call->input(0)->type()->cast<c10::FunctionType>();
            if (!fnType)
                continue;
            auto found = prepared.sourceOverride.find(call);
            const SourceLocation location = found != prepared.sourceOverride.end()
                                                ? found->second
                                                : inference.locationOf(call);
            Node *const standsFor = prepared.originalOf[call];
            Node *before = call->prev();
            Node *after = call->next();
            call->removeInput(0); // the callee's graph takes the arguments without the function
            torch::jit::inlineCallTo(call, &torch::jit::toGraphFunction(*fnType->function()));
            inlined = true;
            for (Node *n = before->next(); n != after; n = n->next()) {
                prepared.sourceOverride[n] = location;
                prepared.originalOf[n] = standsFor;
                std::vector<Block *> pending(n->blocks().begin(), n->blocks().end());
                while (!pending.empty()) {
                    Block *b = pending.back();
                    pending.pop_back();
                    for (Node *inner : b->nodes()) {
                        prepared.sourceOverride[inner] = location;
                        prepared.originalOf[inner] = standsFor;
                        pending.insert(pending.end(), inner->blocks().begin(), inner->blocks().end());
                    }
                }
            }
        }
    }
    if (inlined) {
        // Folds branches on constant flags that inlined functionals bring (`if inplace:`).
        torch::jit::ConstantPropagationImmutableTypes(prepared.graph);
    }
    return prepared;
}

} // namespace torchprep
