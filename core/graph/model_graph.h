// The model graph: one Qt-free, torch-free picture of a model (TorchScript or torch.export) that
// the checks, the preparer and the Studio all read.
//
// Module calls into user code (non-leaf modules) are expanded: their bodies appear as
// nodes whose `parentCall` is the call node, so the graph is a flat data-flow DAG with
// the module hierarchy as nested groups. Calls of layers (leaves) stay single nodes. A reused
// module therefore has several call nodes, or one call node inside a loop.
//
// Only code that can run is in the graph: branches that the model's attributes, constants or
// call arguments decide are folded (the file is untouched), and a call of one of torch's own
// functions (F.interpolate) is one node, never looked into.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

using ModuleId = int;
using NodeId = int;
using ValueId = int;
constexpr int kNoId = -1;

// Where in the user's Python source a node came from.
struct SourceLocation
{
    std::string file; // as TorchScript recorded it, usually an absolute path
    int line = 0;     // 1-based; 0 when TorchScript kept nothing
    // True when the line was reconstructed from neighbouring statements (scripted
    // functionals lose their own range when the model is saved).
    bool inferred = false;

    bool known() const { return line > 0; }
    std::string str() const; // "file:line", or "" when unknown
};

struct ModuleInfo
{
    ModuleId id = kNoId;
    std::string path; // "layer1.0.relu"; "" for the model itself
    std::string name; // attribute name in the parent: "relu"
    std::string
        className; // qualified, TorchScript mangling removed: "torch.nn.modules.activation.ReLU"
    std::string typeName; // last component of className: "ReLU"
    // A layer: an atomic torch.nn layer, or a childless module whose forward runs one data op
    // (a subclass of nn.Conv3d, a Square), as AIMET takes it. Its internals are not user code.
    bool leaf = false;
    // A composite torch.nn layer (TransformerEncoderLayer, MultiheadAttention, ...): torch's
    // code, looked into like user code because it carries functionals.
    bool composite = false;
    ModuleId parent = kNoId;
    std::vector<ModuleId> children;
    std::int64_t parameterCount = 0; // including descendants
    std::vector<NodeId> calls;       // call nodes of this module, in execution order
    // Attributes its methods assign at run time (`self.cache = x`): state a copy would not share.
    std::vector<std::string> assignedAttributes;
};

enum class NodeKind {
    Op,         // an aten:: or prim:: node, incl. prim::If / prim::Loop
    ModuleCall, // a call of a submodule's method
};

// One argument or result in a method signature.
struct SignatureEntry
{
    std::string name;
    std::string type; // TorchScript type: "Tensor", "Dict(str, Tensor)", "(Tensor, Tensor)"
};

// True for "Tensor" and for tuples whose every element is such a type.
bool isTensorOrTensorTuple(const std::string &type);

struct GraphNode
{
    NodeId id = kNoId;
    NodeKind kind = NodeKind::Op;
    std::string op;            // "aten::relu"; for a ModuleCall the method name: "forward1"
    ModuleId owner = kNoId;    // module whose method holds this node
    ModuleId callee = kNoId;   // ModuleCall: the module it calls
    bool expanded = false;     // ModuleCall into user code: the body follows as nodes
    NodeId parentCall = kNoId; // the expanded call whose body holds this node
    // Innermost prim::If / prim::Loop holding this node within the same body; the body of an
    // expanded call lies wherever its call node lies.
    NodeId parentControl = kNoId;
    int blockIndex = -1; // which block of parentControl (If: 0 then, 1 else)
    int tripCount = -1;  // prim::Loop: iterations when fixed before the run, else -1
    // The user's line. Inside torch's own code (a composite layer's forward) it is the user's
    // call of the outermost composite, and torchSource the line in torch's file.
    SourceLocation source;
    SourceLocation torchSource;
    bool insideTorch = false; // in the code of a composite torch.nn layer
    // A call of one of torch's functions that the user wrote (F.interpolate): its Python name
    // ("torch.nn.functional.interpolate") on the node that is the call (scripted) or on every
    // op it ran (traced), and the first such node of that one call.
    std::string function;
    NodeId libraryCall = kNoId;
    // A call of a layer, of a composite torch.nn layer or of one of torch's functions: the ops
    // it runs as PyTorch's ONNX exporter sees them (attributes and fixed arguments folded).
    std::vector<std::string> exportedOps;
    std::vector<ValueId> inputs;
    // Results. For an expanded call these are the values its body returns (produced inside).
    std::vector<ValueId> outputs;
    std::string attribute; // prim::GetAttr name, prim::Constant value, CallFunction name
    // ModuleCall: the called method's signature (self left out).
    std::vector<SignatureEntry> signatureInputs;
    std::vector<SignatureEntry> signatureOutputs;
};

enum class ValueOrigin {
    Computed,  // produced by a node
    Input,     // an input of the model's forward
    Parameter, // a parameter or buffer read with prim::GetAttr
    Constant,  // prim::Constant
};

struct GraphValue
{
    ValueId id = kNoId;
    std::string name; // TorchScript debug name when it has one
    std::string type; // "Tensor", "int", "int[]", ...
    ValueOrigin origin = ValueOrigin::Computed;
    NodeId producer = kNoId; // kNoId for model inputs
    std::vector<NodeId> users;
};

// The file a graph was read from: the checks' fixes differ (a TorchScript file can be prepared,
// a torch.export program is fixed in the user's source).
enum class ModelFormat {
    TorchScript,     // torch.jit.trace / torch.jit.script, .pt
    ExportedProgram, // torch.export.save, .pt2
};

struct ModelGraph
{
    std::string sourcePath;
    ModelFormat format = ModelFormat::TorchScript;
    bool scripted = false;           // produced by torch.jit.script (vs torch.jit.trace)
    std::vector<ModuleInfo> modules; // modules[0] is the model itself
    std::vector<GraphNode> nodes;    // in execution order
    std::vector<GraphValue> values;
    std::vector<ValueId> inputs;                 // forward's inputs, self left out
    std::vector<ValueId> outputs;                // forward's results (a tuple is unpacked)
    std::vector<SignatureEntry> signatureInputs; // the model's forward signature
    std::vector<SignatureEntry> signatureOutputs;
    SourceLocation returnSource; // the model forward's return statement, where known

    const ModuleInfo &root() const { return modules.front(); }
    // Module by path, or nullptr.
    const ModuleInfo *findModule(const std::string &path) const;
    // True when `module` is `ancestor` or lies below it.
    bool isWithin(ModuleId module, ModuleId ancestor) const;
    // Number of op nodes (ModuleCall nodes excluded).
    std::size_t opCount() const;
};

} // namespace torchprep
