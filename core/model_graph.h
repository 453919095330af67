// The model graph: one Qt-free, torch-free picture of a TorchScript model that the
// checks, the preparer and the Studio all read.
//
// Module calls into user code (non-leaf modules) are expanded: their bodies appear as
// nodes whose `parentCall` is the call node, so the graph is a flat data-flow DAG with
// the module hierarchy as nested groups. Calls of standard torch.nn layers (leaves)
// stay single nodes. A reused module therefore has several call nodes.
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
    std::string path;      // "layer1.0.relu"; "" for the model itself
    std::string name;      // attribute name in the parent: "relu"
    std::string className; // qualified, TorchScript mangling removed: "torch.nn.modules.activation.ReLU"
    std::string typeName;  // last component of className: "ReLU"
    bool leaf = false;     // a standard torch.nn layer: its internals are not user code
    ModuleId parent = kNoId;
    std::vector<ModuleId> children;
    std::int64_t parameterCount = 0; // including descendants
    std::vector<NodeId> calls;       // call nodes of this module, in execution order
};

enum class NodeKind
{
    Op,         // an aten:: or prim:: node, incl. prim::If / prim::Loop
    ModuleCall, // a call of a submodule's method
};

// One argument or result in a method signature.
struct SignatureEntry
{
    std::string name;
    std::string type; // TorchScript type: "Tensor", "Dict(str, Tensor)", "(Tensor, Tensor)"
};

struct GraphNode
{
    NodeId id = kNoId;
    NodeKind kind = NodeKind::Op;
    std::string op;            // "aten::relu"; for a ModuleCall the method name: "forward1"
    ModuleId owner = kNoId;    // module whose method holds this node
    ModuleId callee = kNoId;   // ModuleCall: the module it calls
    bool expanded = false;     // ModuleCall into user code: the body follows as nodes
    NodeId parentCall = kNoId; // the expanded call whose body holds this node
    NodeId parentControl = kNoId; // innermost prim::If / prim::Loop holding this node
    int blockIndex = -1;          // which block of parentControl (If: 0 then, 1 else)
    SourceLocation source;
    std::vector<ValueId> inputs;
    // Results. For an expanded call these are the values its body returns (produced inside).
    std::vector<ValueId> outputs;
    std::string attribute;     // prim::GetAttr name, prim::Constant value, CallFunction name
    // ModuleCall: the called method's signature (self left out).
    std::vector<SignatureEntry> signatureInputs;
    std::vector<SignatureEntry> signatureOutputs;
};

enum class ValueOrigin
{
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

struct ModelGraph
{
    std::string sourcePath;
    bool scripted = false; // produced by torch.jit.script (vs torch.jit.trace)
    std::vector<ModuleInfo> modules; // modules[0] is the model itself
    std::vector<GraphNode> nodes;    // in execution order
    std::vector<GraphValue> values;
    std::vector<ValueId> inputs;     // forward's inputs, self left out
    std::vector<ValueId> outputs;    // forward's results (a tuple is unpacked)
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
