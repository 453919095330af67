// Shapes of the model graph's tensors from one forward run of a tapped copy.
//
// The copy's graph is built again with its origins (each graph node's TorchScript node), then
// every method graph of the copy records, as it runs, each tensor a node computes (an id, its
// sizes and dtype) and marks entering and leaving each submodule call. A record is matched to the
// graph value whose TorchScript value it is and whose enclosing calls are the calls entered: a
// module called twice has two sets of values, and each gets its own call's shapes.
#include "torchscript/value_shapes.h"

#include "libtorch/dtypes_torch.h"

#include "base/errors.h"
#include "libtorch/type_registry.h"
#include "torchscript/graph_builder_torch.h"
#include "torchscript/model_run_torch.h"
#include "torchscript/torch_model_impl.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <map>
#include <set>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

const char *const kIds = "__torchprep_shape_ids";       // >= 0 a tensor; -1 leave; <= -2 enter
const char *const kSizes = "__torchprep_shape_sizes";   // one per tensor recorded
const char *const kDtypes = "__torchprep_shape_dtypes"; // one per tensor recorded
constexpr std::int64_t kLeave = -1;

bool isTensor(const Value *value)
{
    return value->type()->kind() == c10::TypeKind::TensorType;
}

void collectNodes(Block *block, std::vector<Node *> &out)
{
    for (Node *node : block->nodes()) {
        out.push_back(node);
        for (Block *nested : node->blocks())
            collectNodes(nested, out);
    }
}

std::string dtypeName(at::ScalarType type)
{
    return dtypeNameOf(type).value_or(c10::toString(type));
}

TensorShape shapeOf(const at::Tensor &tensor)
{
    return {true, tensor.sizes().vec(), dtypeName(tensor.scalar_type())};
}

// Where a record was made: the calls entered, outermost first, and the value's tap.
using RecordKey = std::pair<std::vector<std::int64_t>, std::int64_t>;

class ShapeRecorder
{
  public:
    ShapeRecorder(const TorchModel &model, const ModelGraph &graph)
        : clone_([&] { // new types and graphs: the model stays as it is
              const std::lock_guard<std::mutex> registering(typeRegistryMutex());
              return model.impl().module.clone();
          }()),
          built_(buildModelGraph(clone_, model.path(), &origins_))
    {
        requireSameGraph(graph);
        std::set<const c10::ClassType *> tapped;
        for (const auto &item : clone_.named_modules()) {
            torch::jit::Module module = item.value;
            module.register_attribute(kIds, c10::ListType::ofInts(), ids_);
            module.register_attribute(kSizes, c10::ListType::create(c10::ListType::ofInts()),
                                      sizes_);
            module.register_attribute(kDtypes, c10::ListType::ofInts(), dtypes_);
            if (!tapped.insert(module.type().get()).second)
                continue; // a type shared by several modules: its methods are tapped once
            for (torch::jit::Function *method : module.type()->methods())
                tapGraph(*torch::jit::toGraphFunction(*method).graph());
        }
    }

    ValueShapes run(const InputSpec &spec)
    {
        torch::NoGradGuard noGrad;
        torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false); // as compare runs models
        const std::vector<c10::IValue> inputs = batchInputs(spec, 0);
        torch::manual_seed(spec.seed);
        try {
            clone_.forward(inputs);
        } catch (const std::exception &e) { // c10::Error and the interpreter's own errors
            throw InputError("the model rejects " + described(spec) + ": " +
                             interpreterErrorLine(e.what()));
        }

        ValueShapes shapes;
        shapes.values.resize(built_.values.size());
        for (std::size_t i = 0; i < built_.inputs.size() && i < inputs.size(); ++i)
            if (inputs[i].isTensor())
                shapes.values[built_.inputs[i]] = shapeOf(inputs[i].toTensor());
        const std::map<RecordKey, std::vector<std::size_t>> records = decode();
        std::map<RecordKey, std::size_t> taken;
        for (const GraphValue &value : built_.values) {
            RecordKey key;
            if (!keyOf(value, key))
                continue;
            const auto found = records.find(key);
            std::size_t &next = taken[key];
            if (found == records.end() || next >= found->second.size())
                continue;
            const std::size_t record = found->second[next++];
            TensorShape &shape = shapes.values[value.id];
            shape.known = true;
            const c10::List<std::int64_t> sizes = sizes_.get(record);
            shape.sizes.assign(sizes.begin(), sizes.end());
            shape.dtype = dtypeName(static_cast<at::ScalarType>(dtypes_.get(record)));
        }
        for (const TensorShape &shape : shapes.values)
            shapes.recorded += shape.known;
        ids_.clear(); // the copy keeps nothing of the run
        sizes_.clear();
        dtypes_.clear();
        return shapes;
    }

  private:
    static std::string described(const InputSpec &spec)
    {
        if (!spec.inputsFile.empty())
            return "the inputs in " + spec.inputsFile;
        std::string text = "the inputs";
        for (std::size_t i = 0; i < spec.shapes.size(); ++i)
            text += (i ? ", " : " ") + describeInput(spec, i);
        return text;
    }

    // Value ids mean the same in both graphs only when they were built alike.
    void requireSameGraph(const ModelGraph &graph) const
    {
        bool same = graph.nodes.size() == built_.nodes.size() &&
                    graph.values.size() == built_.values.size();
        for (std::size_t i = 0; same && i < graph.nodes.size(); ++i)
            same = graph.nodes[i].op == built_.nodes[i].op &&
                   graph.nodes[i].outputs == built_.nodes[i].outputs;
        if (!same)
            throw InputError(
                "the graph on show is not the graph of this model: cannot record its shapes");
    }

    // Records each tensor a node of `graph` computes; marks entering and leaving submodule calls.
    void tapGraph(Graph &graph)
    {
        std::vector<Node *> nodes;
        collectNodes(graph.block(), nodes);
        if (nodes.empty())
            return;
        Value *self = graph.inputs().at(0);
        Value *ids = nullptr, *sizes = nullptr, *dtypes = nullptr;
        {
            torch::jit::WithInsertPoint top(nodes.front());
            ids = graph.insertGetAttr(self, kIds);
            sizes = graph.insertGetAttr(self, kSizes);
            dtypes = graph.insertGetAttr(self, kDtypes);
        }
        const c10::Symbol append = c10::aten::append;
        for (Node *node : nodes) {
            const bool call = node->kind() == c10::prim::CallMethod && node->input(0) != self;
            if (call) {
                const auto site = static_cast<std::int64_t>(siteOf_.size());
                siteOf_[node] = site;
                torch::jit::WithInsertPoint before(node);
                graph.insert(append, {ids, graph.insertConstant(-2 - site)});
            }
            torch::jit::WithInsertPoint after(node->next());
            if (call)
                graph.insert(append, {ids, graph.insertConstant(kLeave)});
            for (Value *out : node->outputs()) {
                if (!isTensor(out))
                    continue;
                const auto tap = static_cast<std::int64_t>(tapOf_.size());
                tapOf_[out] = tap;
                graph.insert(append, {sizes, graph.insert(c10::aten::size, {out})});
                graph.insert(append, {dtypes, graph.insert(c10::prim::dtype, {out})});
                graph.insert(append, {ids, graph.insertConstant(tap)});
            }
        }
    }

    // Each tensor's records under the calls that were entered when it was made, in run order.
    std::map<RecordKey, std::vector<std::size_t>> decode() const
    {
        std::map<RecordKey, std::vector<std::size_t>> records;
        std::vector<std::int64_t> entered;
        std::size_t record = 0;
        for (const std::int64_t id : ids_) {
            if (id >= 0 && record < sizes_.size())
                records[{entered, id}].push_back(record++);
            else if (id == kLeave && !entered.empty())
                entered.pop_back();
            else if (id < kLeave)
                entered.push_back(-2 - id);
        }
        return records;
    }

    // The TorchScript value standing for `value`, when the run recorded it.
    const Value *torchValueOf(const GraphValue &value) const
    {
        if (value.producer == kNoId)
            return nullptr;
        const GraphNode &node = built_.nodes[value.producer];
        const Node *origin = origins_.nodes.at(value.producer);
        std::size_t index = 0;
        while (index < node.outputs.size() && node.outputs[index] != value.id)
            ++index;
        if (!origin || index == node.outputs.size() ||
            origin->outputs().size() != node.outputs.size())
            return nullptr;
        const c10::Symbol kind = origin->kind();
        const bool same = node.kind == NodeKind::ModuleCall ? kind == c10::prim::CallMethod
                                                            : node.op == kind.toQualString();
        if (same)
            return origin->output(index);
        // An op inlined from a scripted function call: the call's result is its value.
        if (kind == c10::prim::CallFunction && returnedFromInlined(value, origin))
            return origin->output(index);
        return nullptr;
    }

    bool returnedFromInlined(const GraphValue &value, const Node *call) const
    {
        for (const ValueId output : built_.outputs)
            if (output == value.id)
                return true;
        for (const NodeId user : value.users)
            if (origins_.nodes.at(user) != call)
                return true;
        return false;
    }

    bool keyOf(const GraphValue &value, RecordKey &key) const
    {
        const Value *origin = torchValueOf(value);
        const auto tap = origin ? tapOf_.find(origin) : tapOf_.end();
        if (tap == tapOf_.end())
            return false;
        std::vector<std::int64_t> calls;
        for (NodeId c = built_.nodes[value.producer].parentCall; c != kNoId;
             c = built_.nodes[c].parentCall) {
            const auto site = siteOf_.find(origins_.nodes.at(c));
            if (site == siteOf_.end())
                return false;
            calls.push_back(site->second);
        }
        key = {std::vector<std::int64_t>(calls.rbegin(), calls.rend()), tap->second};
        return true;
    }

    torch::jit::Module clone_;
    GraphOrigins origins_;
    ModelGraph built_;
    std::unordered_map<const Value *, std::int64_t> tapOf_;
    std::unordered_map<const Node *, std::int64_t> siteOf_;
    c10::List<std::int64_t> ids_;
    c10::List<c10::List<std::int64_t>> sizes_;
    c10::List<std::int64_t> dtypes_;
};

} // namespace

const TensorShape *ValueShapes::of(ValueId value) const
{
    return value >= 0 && value < static_cast<ValueId>(values.size()) && values[value].known
               ? &values[value]
               : nullptr;
}

ValueShapes recordValueShapes(const TorchModel &model, const ModelGraph &graph,
                              const InputSpec &inputs)
{
    if (inputs.inputsFile.empty() && inputs.shapes.empty())
        throw InputError(
            "describe the model's inputs first: one shape per forward input, or a file of inputs");
    try {
        ShapeRecorder recorder(model, graph);
        return recorder.run(inputs);
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) { // c10::Error from the copy, a tap, a tensor
        throw InputError("cannot record the shapes: " + interpreterErrorLine(e.what()));
    }
}

std::string tensorShapeText(const TensorShape &shape)
{
    std::string text;
    for (std::size_t i = 0; i < shape.sizes.size(); ++i)
        text += (i ? "x" : "") + std::to_string(shape.sizes[i]);
    if (text.empty())
        text = "scalar";
    if (shape.dtype != "float32")
        text += " " + shape.dtype;
    return text;
}

} // namespace torchprep
