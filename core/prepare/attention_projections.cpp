// attention projections -> linear_Q / linear_K / linear_V: the packed in-projection of torch's
// MultiheadAttention (one F.linear on `in_proj_weight`, or on row blocks of it, whose output is
// chunked, or unflattened and indexed as torch 2.x does) becomes one nn.Linear per projection
// holding its rows of the weight and bias, as AIMET's quantizable attention has them. A quantizer
// then sees q, k and v as three layers with three encodings, not one packed matrix.
#include "graph/module_classes.h"
#include "prepare/attention_projections_torch.h"
#include "prepare/rewrite_support_torch.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

#include <map>
#include <optional>
#include <tuple>

namespace torchprep {

namespace {

using torch::jit::Module;
using torch::jit::Node;
using torch::jit::Value;

// Rows [begin, end) of the tensor attribute at `path`.
struct RowBlock
{
    std::vector<std::string> path;
    int64_t begin = 0;
    int64_t end = 0;
};

std::optional<int64_t> staticInt(const Value *value)
{
    auto fixed = staticValue(value);
    if (!fixed || !fixed->isInt())
        return std::nullopt;
    return fixed->toInt();
}

// The rows of a tensor attribute `value` reads: the attribute itself, or a block of it cut
// along dim 0 by split/chunk with fixed sizes (`w_q, w_kv = w.split([E, 2 * E])`).
std::optional<RowBlock> rowsOf(const Value *value, const Module &owner)
{
    if (auto path = tensorAttributePath(value)) {
        const c10::IValue tensor = attributeAt(owner, *path);
        if (!tensor.isTensor() || tensor.toTensor().dim() < 1)
            return std::nullopt;
        return RowBlock{*path, 0, tensor.toTensor().size(0)};
    }
    const Node *unpack = value->node();
    if (unpack->kind() != c10::prim::ListUnpack)
        return std::nullopt;
    std::size_t index = 0;
    while (unpack->output(index) != value)
        ++index;
    const Node *cut = unpack->input()->node();
    const std::string op = cut->kind().toQualString();
    if (cut->inputs().size() < 3 || staticInt(cut->input(2)).value_or(-1) != 0)
        return std::nullopt; // not along the rows
    auto whole = rowsOf(cut->input(0), owner);
    if (!whole)
        return std::nullopt;
    const int64_t rows = whole->end - whole->begin;
    std::vector<int64_t> sizes;
    if (op == "aten::split_with_sizes" || op == "aten::split") {
        auto fixed = staticValue(cut->input(1));
        if (fixed && fixed->isIntList())
            sizes = fixed->toIntVector();
        else if (fixed && fixed->isInt() && fixed->toInt() > 0)
            for (int64_t at = 0; at < rows; at += fixed->toInt())
                sizes.push_back(std::min(fixed->toInt(), rows - at));
    } else if (op == "aten::chunk" || op == "aten::unsafe_chunk") {
        const int64_t chunks = staticInt(cut->input(1)).value_or(0);
        if (chunks > 0) {
            const int64_t size = (rows + chunks - 1) / chunks;
            for (int64_t at = 0; at < rows; at += size)
                sizes.push_back(std::min(size, rows - at));
        }
    }
    // A trace records torch's cut of the packed weight with sizes read off the query at run
    // time ([E, 2 * E] in encoder-decoder attention): in_proj's 3 * E rows fix them.
    const std::size_t parts = unpack->outputs().size();
    if (sizes.empty() && whole->path.size() == 1 && whole->begin == 0 && rows % 3 == 0 &&
        (whole->path.front() == "in_proj_weight" || whole->path.front() == "in_proj_bias")) {
        if (parts == 2)
            sizes = {rows / 3, 2 * rows / 3};
        else if (parts == 3)
            sizes = {rows / 3, rows / 3, rows / 3};
    }
    if (sizes.size() != parts)
        return std::nullopt;
    int64_t begin = whole->begin;
    for (std::size_t i = 0; i < index; ++i)
        begin += sizes[i];
    return RowBlock{whole->path, begin, begin + sizes[index]};
}

// The unpacked chunks when the linear's output is only cut into equal parts along its last
// dim (`linear(q, w, b).chunk(3, dim=-1)`); nothing when it is used whole.
Node *chunkedOutput(const Node *linear, int64_t rows)
{
    const auto &uses = linear->output()->uses();
    if (uses.size() != 1)
        return nullptr;
    const Node *chunk = uses.front().user;
    const std::string op = chunk->kind().toQualString();
    if ((op != "aten::chunk" && op != "aten::unsafe_chunk") ||
        chunk->input(0) != linear->output() || staticInt(chunk->input(2)).value_or(0) != -1 ||
        chunk->output()->uses().size() != 1)
        return nullptr;
    Node *unpack = chunk->output()->uses().front().user;
    const int64_t parts = staticInt(chunk->input(1)).value_or(0);
    if (unpack->kind() != c10::prim::ListUnpack || parts < 1 || rows % parts != 0 ||
        static_cast<int64_t>(unpack->outputs().size()) != parts)
        return nullptr;
    return unpack;
}

// The single user of `value` when it is a `kind` node, else nothing.
Node *soleUser(const Value *value, c10::Symbol kind)
{
    const auto &uses = value->uses();
    if (uses.size() != 1 || uses.front().user->kind() != kind || uses.front().offset != 0)
        return nullptr;
    return uses.front().user;
}

// torch 2.x's cut of the packed projection: `linear(q, w, b).unflatten(-1, (P, E)).unsqueeze(0)
// .transpose(0, -2).squeeze(-2).contiguous()`, then `proj[i]`. The P parts by index (null where a
// part is never read); nothing when the output is used otherwise.
std::vector<Value *> unflattenedOutput(const Node *linear, int64_t rows)
{
    Node *unflatten = soleUser(linear->output(), c10::Symbol::fromQualString("aten::unflatten"));
    if (!unflatten || staticInt(unflatten->input(1)).value_or(0) != -1 ||
        unflatten->input(2)->node()->kind() != c10::prim::ListConstruct ||
        unflatten->input(2)->node()->inputs().size() != 2)
        return {};
    const int64_t parts = staticInt(unflatten->input(2)->node()->input(0)).value_or(0);
    if (parts < 1 || rows % parts != 0)
        return {};
    Node *unsqueeze = soleUser(unflatten->output(), c10::aten::unsqueeze);
    Node *transpose = unsqueeze ? soleUser(unsqueeze->output(), c10::aten::transpose) : nullptr;
    Node *squeeze = transpose ? soleUser(transpose->output(), c10::aten::squeeze) : nullptr;
    Node *contiguous = squeeze ? soleUser(squeeze->output(), c10::aten::contiguous) : nullptr;
    if (!contiguous || staticInt(unsqueeze->input(1)).value_or(-1) != 0 ||
        staticInt(transpose->input(1)).value_or(-1) != 0 ||
        staticInt(transpose->input(2)).value_or(0) != -2 || squeeze->inputs().size() != 2 ||
        staticInt(squeeze->input(1)).value_or(0) != -2)
        return {};
    std::vector<Value *> results(static_cast<std::size_t>(parts), nullptr);
    for (const torch::jit::Use &use : contiguous->output()->uses()) {
        Node *select = use.user;
        if (select->kind() != c10::aten::select || use.offset != 0)
            return {};
        const auto index = staticInt(select->input(2));
        if (staticInt(select->input(1)).value_or(-1) != 0 || !index || *index < 0 ||
            *index >= parts || results[static_cast<std::size_t>(*index)])
            return {};
        results[static_cast<std::size_t>(*index)] = select->output();
    }
    return results;
}

// Which projection rows [begin, end) of `weight` are: Q, K or V, or nothing.
std::optional<char> projectionOf(const std::string &weight, int64_t begin, int64_t end,
                                 int64_t totalRows)
{
    if (weight == "q_proj_weight" || weight == "k_proj_weight" || weight == "v_proj_weight")
        return begin == 0 && end == totalRows
                   ? std::optional<char>(static_cast<char>(std::toupper(weight[0])))
                   : std::nullopt;
    if (weight != "in_proj_weight" || totalRows % 3 != 0)
        return std::nullopt;
    const int64_t embed = totalRows / 3;
    if (end - begin != embed || begin % embed != 0)
        return std::nullopt;
    return "QKV"[begin / embed];
}

// One projection of one linear node: rows of its weight (and bias) and the value it replaces.
struct Projection
{
    char role = 'Q';
    int64_t begin = 0;
    int64_t end = 0;
    Value *result = nullptr;
};

Module makeProjection(const Module &owner, const RowBlock &weight,
                      const std::optional<RowBlock> &bias, const Projection &part)
{
    torch::NoGradGuard noGrad;
    Module layer =
        newModule("__torch__.torch.nn.modules.linear.Linear", owner._ivalue()->compilation_unit());
    const at::Tensor w = attributeAt(owner, weight.path).toTensor();
    layer.register_parameter("weight", w.slice(0, part.begin, part.end).clone(), false);
    if (bias)
        layer.register_parameter(
            "bias",
            attributeAt(owner, bias->path).toTensor().slice(0, part.begin, part.end).clone(),
            false);
    layer.register_attribute("in_features", c10::IntType::get(), w.size(1));
    layer.register_attribute("out_features", c10::IntType::get(), part.end - part.begin);
    ensureLinearForward(layer);
    return layer;
}

// A call of `self.<attribute>(input)` before `at`, standing in for `result`.
void callInstead(Node *at, Value *result, const std::string &attribute, Value *input,
                 const torch::jit::SourceRange &range)
{
    torch::jit::Graph &graph = *at->owningGraph();
    torch::jit::WithInsertPoint guard(at);
    Value *module = graph.insertGetAttr(selfOf(at), attribute);
    module->node()->setSourceRange(range);
    Node *call = graph.create(c10::prim::CallMethod, {module, input}, 1);
    call->s_(c10::attr::name, "forward");
    call->setSourceRange(range);
    graph.insertNode(call);
    call->output()->setType(result->type());
    result->replaceAllUsesWith(call->output());
}

} // namespace

void splitAttentionProjections(PassState &state, const FindingFilter &only, PassLog &log)
{
    const PassContext &context = state.context();
    const ModelGraph &graph = context.graph();
    AttributeNames names;
    std::map<std::tuple<const c10::ClassType *, int64_t, int64_t, std::string>, std::string> made;
    for (const Finding &finding : state.missing()) {
        if (!only.wants(finding) || finding.manualFix || finding.nodes.empty())
            continue;
        const GraphNode &at = graph.nodes[finding.nodes.front()];
        Node *node = context.node(at.id);
        if (!node || state.isReplaced(node) || node->kind() != c10::aten::linear ||
            graph.modules[at.owner].typeName != "MultiheadAttention")
            continue;
        const Module &owner = context.module(at.owner);
        const std::vector<Module> &instances = state.instancesOf(owner.type());
        if (context.anyExcluded(instances, state.options()))
            continue;
        auto weight = rowsOf(node->input(1), owner);
        if (!weight || weight->path.size() != 1)
            continue;
        std::optional<RowBlock> bias;
        if (node->input(2)->type()->kind() != c10::TypeKind::NoneType) {
            bias = rowsOf(node->input(2), owner);
            if (!bias || bias->begin != weight->begin || bias->end != weight->end)
                continue;
        }
        const int64_t totalRows = attributeAt(owner, weight->path).toTensor().size(0);

        // The parts: the rows this linear computes, cut as its output is (torch 1.x chunks it,
        // torch 2.x unflattens and indexes it).
        std::vector<Projection> parts;
        Node *unpack = chunkedOutput(node, weight->end - weight->begin);
        const std::vector<Value *> unflattened =
            unpack ? std::vector<Value *>() : unflattenedOutput(node, weight->end - weight->begin);
        const int64_t count = unpack ? static_cast<int64_t>(unpack->outputs().size())
                              : !unflattened.empty() ? static_cast<int64_t>(unflattened.size())
                                                     : 1;
        const int64_t size = (weight->end - weight->begin) / count;
        bool known = true;
        for (int64_t i = 0; i < count && known; ++i) {
            Projection part;
            part.begin = weight->begin + i * size;
            part.end = part.begin + size;
            part.result = unpack                 ? unpack->output(i)
                          : !unflattened.empty() ? unflattened[static_cast<std::size_t>(i)]
                                                 : node->output();
            if (!part.result)
                continue; // a part nothing reads needs no layer
            auto role = projectionOf(weight->path.front(), part.begin, part.end, totalRows);
            known = role.has_value();
            part.role = role.value_or('?');
            parts.push_back(part);
        }
        if (!known)
            continue;

        const c10::ClassTypePtr type = owner.type();
        for (const Projection &part : parts) {
            Node *insertAt = unpack ? unpack : unflattened.empty() ? node : part.result->node();
            // Another method of the attention (a reused one's forward1) computing the same rows
            // calls the same layer: the unrolled copy then gets its own, as it does every layer.
            const auto key =
                std::make_tuple(type.get(), part.begin, part.end, weight->path.front());
            if (auto existing = made.find(key); existing != made.end()) {
                callInstead(insertAt, part.result, existing->second, node->input(0),
                            node->sourceRange());
                continue;
            }
            const std::string name = names.next(type, std::string("linear_") + part.role);
            made[key] = name;
            for (const Module &instance : instances) {
                Module(instance).register_module(name,
                                                 makeProjection(instance, *weight, bias, part));
                log.changes.push_back({"linear_to_layer", context.childPath(instance, name),
                                       finding.op, finding.source});
            }
            callInstead(insertAt, part.result, name, node->input(0), node->sourceRange());
        }
        state.replaced(node);
        torch::jit::Block *method = node->owningGraph()->block();
        if (unpack) {
            Node *chunk = unpack->input()->node();
            unpack->destroy();
            chunk->destroy();
        }
        if (unflattened.empty())
            node->destroy();
        torch::jit::EliminateDeadCode(
            method); // the weight cuts (and torch 2.x's index chain) nothing reads
        dropIfUnused(state.root(), type, weight->path.front());
        if (bias)
            dropIfUnused(state.root(), type, bias->path.front());
    }
}

} // namespace torchprep
