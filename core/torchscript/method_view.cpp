// Reading a method's graph for analysis: the model's scripted functions inlined in a copy,
// each node traced back to the real graph, and the lines of the calls read back.
#include "torchscript/method_view_torch.h"

#include "base/errors.h"
#include "torchscript/torch_functions_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/constant_propagation.h>

#include <algorithm>
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

namespace {

// The line in the archive's code/ excerpt a node was serialized on; 0 when unknown.
int serializedLineOf(const Node *node)
{
    const torch::jit::SourceRange &range = node->sourceRange();
    if (!range.source() || !range.source()->filename())
        return 0;
    const auto flc = range.file_line_col();
    return flc ? static_cast<int>(std::get<1>(*flc)) : 0;
}

} // namespace

RawSource rawSource(const Node *node)
{
    RawSource raw;
    const torch::jit::SourceRange &range = node->sourceRange();
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
            const int serialized = raw.original.known() ? serializedLineOf(node) : 0;
            // Builtins' expansions (`x.shape`) name "<string>" and other files' lines: only the
            // function's own file bounds the window a call is looked for in.
            if (serialized > 0 && raw.original.file != "<string>") {
                if (!original_)
                    original_ = range.findSourceRangeThatGenerated()->source();
                if (raw.original.file == original_->filename().value_or(""))
                    known_.emplace(serialized, raw.original);
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
            const int serialized = serializedLineOf(node);
            if (!fnType || !original_ || serialized <= 0)
                continue;
            const std::string name = fnType->function()->name();
            // The window: from the last known statement before the call to the first after it.
            int lo = 0, hi = std::numeric_limits<int>::max();
            auto next = known_.lower_bound(serialized);
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

// Calls the view inlines: the model's own functions and torch's composite ones.
bool inlines(const Node *call)
{
    const torch::jit::Function *fn = calledFunction(call);
    return fn && roleOf(*fn) != FunctionRole::TorchAtomic;
}

// Pairs each node of `copy` with its twin in `original` (Graph::copy and inlining keep order
// and blocks), calling `pair(copy, original)` for every pair, blocks included.
template <typename Pair>
void pairNodes(torch::jit::graph_node_list::iterator c, torch::jit::graph_node_list::iterator cEnd,
               torch::jit::graph_node_list::iterator o, torch::jit::graph_node_list::iterator oEnd,
               const Pair &pair)
{
    for (; c != cEnd && o != oEnd; ++c, ++o) {
        pair(*c, *o);
        for (std::size_t b = 0; b < c->blocks().size() && b < o->blocks().size(); ++b)
            pairNodes(c->blocks()[b]->nodes().begin(), c->blocks()[b]->nodes().end(),
                      o->blocks()[b]->nodes().begin(), o->blocks()[b]->nodes().end(), pair);
    }
}

class ViewBuilder
{
  public:
    explicit ViewBuilder(const torch::jit::Function &function)
        : original_(torch::jit::toGraphFunction(function).graph())
    {
    }

    MethodView run()
    {
        std::vector<Node *> calls;
        collectCallFunctions(original_->block(), calls);
        if (std::none_of(calls.begin(), calls.end(), inlines)) {
            view_.graph = original_; // read only: no copy needed
            if (!calls.empty()) {
                const SourceInference inference(*original_);
                for (const Node *call : calls)
                    view_.callSites[call] = inference.locationOf(call);
            }
            return std::move(view_);
        }
        view_.graph = original_->copy();
        Graph &graph = *view_.graph;
        pairNodes(graph.block()->nodes().begin(), graph.block()->nodes().end(),
                  original_->block()->nodes().begin(), original_->block()->nodes().end(),
                  [&](Node *c, Node *o) { view_.originalOf[c] = o; });
        const SourceInference inference(graph);
        calls.clear();
        collectCallFunctions(graph.block(), calls);
        for (const Node *call : calls)
            view_.callSites[call] = inference.locationOf(call);
        for (int round = 0; round < 16; ++round) {
            calls.clear();
            collectCallFunctions(graph.block(), calls);
            calls.erase(
                std::remove_if(calls.begin(), calls.end(), [](Node *c) { return !inlines(c); }),
                calls.end());
            if (calls.empty())
                break;
            for (Node *call : calls)
                inlineCall(call);
        }
        // Folds branches on constant flags that inlined functions bring (`if inplace:`).
        torch::jit::ConstantPropagationImmutableTypes(view_.graph);
        return std::move(view_);
    }

  private:
    void inlineCall(Node *call)
    {
        torch::jit::Function *fn = calledFunction(call);
        InlinedOrigin origin;
        origin.call = view_.callSite(call);
        if (auto outer = view_.inlined.find(call); outer != view_.inlined.end()) {
            // Inside torch's code, the line that counts is where the code viewed called in.
            if (!origin.call.known() || outer->second.torchCode)
                origin.call = outer->second.call;
            origin.torchCode = outer->second.torchCode;
        }
        origin.torchCode = origin.torchCode || roleOf(*fn) == FunctionRole::TorchComposite;
        Node *const standsFor = view_.original(call);
        Node *before = call->prev();
        Node *after = call->next();
        call->removeInput(0); // the callee's graph takes the arguments without the function
        torch::jit::GraphFunction &callee = torch::jit::toGraphFunction(*fn);
        Graph &body = *callee.graph();
        // The function's own graph: its optimized graph would inline torch's functions too.
        torch::jit::inlineCallTo(call, &callee, &body);
        std::vector<Node *> insertedCalls;
        for (Node *n = before->next(); n != after; n = n->next())
            markInlined(n, origin, standsFor, insertedCalls);
        // The calls the function makes, in the same order in its graph and in the copy.
        std::vector<Node *> bodyCalls;
        collectCallFunctions(body.block(), bodyCalls);
        if (bodyCalls.size() == insertedCalls.size()) {
            const SourceInference inference(body);
            for (std::size_t i = 0; i < bodyCalls.size(); ++i)
                view_.callSites[insertedCalls[i]] = inference.locationOf(bodyCalls[i]);
        }
    }

    void markInlined(Node *node, const InlinedOrigin &origin, Node *standsFor,
                     std::vector<Node *> &calls)
    {
        view_.inlined[node] = origin;
        view_.originalOf[node] = standsFor;
        if (node->kind() == prim::CallFunction)
            calls.push_back(node);
        for (Block *sub : node->blocks())
            for (Node *inner : sub->nodes())
                markInlined(inner, origin, standsFor, calls);
    }

    std::shared_ptr<Graph> original_;
    MethodView view_;
};

} // namespace

Node *MethodView::original(const Node *node) const
{
    if (originalOf.empty())
        return const_cast<Node *>(node);
    auto it = originalOf.find(node);
    return it == originalOf.end() ? nullptr : it->second;
}

SourceLocation MethodView::callSite(const Node *call) const
{
    auto it = callSites.find(call);
    return it == callSites.end() ? SourceLocation() : it->second;
}

namespace {

// The code/ file a node was serialized in, and its line there.
std::pair<std::string, int> serializedLine(const Node *node)
{
    const auto flc = node->sourceRange().file_line_col();
    if (!flc)
        return {std::string(), 0};
    return {std::get<0>(*flc), static_cast<int>(std::get<1>(*flc))};
}

// Ops, or (`constants`) the constants, that name a line in the Python source.
void collectStatementLines(const Block *block, bool constants,
                           std::map<std::pair<std::string, int>, SourceLocation> &out)
{
    for (const Node *node : block->nodes()) {
        if ((node->kind() == prim::Constant) == constants) {
            const SourceLocation original = rawSource(node).original;
            if (original.known() && original.file != "<string>") {
                const auto key = serializedLine(node);
                if (key.second > 0)
                    out.emplace(key, original);
            }
        }
        for (const Block *sub : node->blocks())
            collectStatementLines(sub, constants, out);
    }
}

} // namespace

SourceLocation MethodView::lineOfStatement(const Node *node, bool constants) const
{
    if (!statementLinesBuilt_) {
        collectStatementLines(graph->block(), false, statementLines_[0]);
        collectStatementLines(graph->block(), true, statementLines_[1]);
        statementLinesBuilt_ = true;
    }
    const auto &lines = statementLines_[constants ? 1 : 0];
    auto it = lines.find(serializedLine(node));
    if (it == lines.end())
        return {};
    SourceLocation line = it->second;
    line.inferred = true;
    return line;
}

MethodView viewMethod(const torch::jit::Function &function)
{
    return ViewBuilder(function).run();
}

const MethodView &MethodViews::of(const torch::jit::Module &module, const std::string &name)
{
    auto method = module.find_method(name);
    if (!method)
        throw InputError("module of class " + module.type()->name()->qualifiedName() +
                         " has no method '" + name + "'");
    const torch::jit::Function *function = &method->function();
    auto found = views_.find(function);
    if (found != views_.end())
        return found->second;
    return views_.emplace(function, viewMethod(*function)).first->second;
}

} // namespace torchprep
