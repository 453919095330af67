// A program saved by torch.export.save (.pt2), read into plain C++ from its JSON: the graph,
// the signature and each node's metadata, every name and size checked on the way in. Read
// without libtorch: neither layout needs it to be understood.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace torchprep {

// One frame of a node's `nn_module_stack`: a call of a module, outermost first.
struct ExportedModuleFrame
{
    std::string key;       // one per call: "L__self__b.relu@1" is the second call of b.relu
    std::string path;      // "b.relu", "" for the model itself (torch 2.6's "L['self'].b" read so)
    std::string className; // "torch.nn.modules.activation.ReLU"
};

// One frame of a node's `stack_trace`, outermost first.
struct ExportedFrame
{
    std::string file;
    int line = 0;
    std::string function;
};

// A value a node reads or writes, by name; `type` is "Tensor", "int", "float" or "bool".
struct ExportedValueRef
{
    std::string name;
    std::string type;
};

struct ExportedArgument
{
    std::string name; // the schema's argument name: "input", "weight"
    std::string kind; // the union's key: "as_tensor", "as_ints", "as_graph", ...
    std::vector<ExportedValueRef> values; // the values it reads (tensors, symbolic sizes)
    int subgraph = -1;                    // "as_graph": index into ExportedProgram::graphs
};

struct ExportedNode
{
    std::string target; // "torch.ops.aten.conv2d.default", "torch.ops.higher_order.cond"
    std::vector<ExportedArgument> inputs;
    std::vector<ExportedValueRef> outputs; // the values it produces, in order
    std::vector<ExportedModuleFrame> moduleStack;
    std::vector<ExportedFrame> stackTrace;
    // `torch_fn`: the call of a torch function the node came from, "<call id>;<kind>.<name>"
    // ("normalize_1;function.normalize"): the ops of one call share the id.
    std::string torchFunction;
};

struct ExportedGraph
{
    std::string name; // "" for the program's own graph, else the subgraph's ("true_graph_0")
    std::vector<ExportedValueRef> inputs;
    std::vector<ExportedValueRef> outputs;
    std::vector<ExportedNode> nodes;
};

struct ExportedTensorMeta
{
    int dtype = 0;                   // torch's ScalarType as the schema numbers it
    std::vector<std::int64_t> sizes; // -1 for a symbolic size
};

// What a graph input is (the signature's input_specs) and what an output is (output_specs).
struct ExportedSpec
{
    std::string kind;      // "user_input", "parameter", "buffer", "tensor_constant", "user_output",
                           // "buffer_mutation", ...
    std::string name;      // the graph value ("p_conv_weight", "x"); "" for a constant
    std::string target;    // the state it stands for ("conv.weight"); "" for user values
    std::string valueKind; // user inputs and outputs: "as_tensor", "as_int", "as_none", ...
};

// A pytree spec (`in_spec`, `out_spec`): the Python structure the flat values come from.
struct ExportedTreeSpec
{
    std::string type;              // "builtins.tuple", "builtins.dict", ..., "" for a leaf
    std::vector<std::string> keys; // a dict's keys, when the context lists them
    std::vector<ExportedTreeSpec> children;
};

struct ExportedProgram
{
    std::string layout; // "pt2" (torch 2.8 and later), "legacy" (before)
    int schemaMajor = 0;
    int schemaMinor = 0;
    std::string torchVersion;          // as the writer recorded it; "" when it did not
    std::vector<ExportedGraph> graphs; // graphs[0] is the program, then subgraphs
    std::map<std::string, ExportedTensorMeta> tensors;
    std::vector<ExportedSpec> inputSpecs;
    std::vector<ExportedSpec> outputSpecs;
    ExportedTreeSpec inSpec;  // (args, kwargs)
    ExportedTreeSpec outSpec; // what forward returned
    std::vector<std::string> forwardArgNames;
};

// The schema majors read (torch 2.6 to 2.14 write 8).
constexpr int kOldestExportSchemaMajor = 8;
constexpr int kNewestExportSchemaMajor = 8;

// Reads the program of a .pt2 file through the hardened archive reader. Throws InputError with
// one line for anything that is not such a program, a schema major it does not know, or a value
// out of bounds (names, sizes, nesting, a node reading a value nothing produced).
ExportedProgram readExportedProgram(const std::string &path);

} // namespace torchprep
