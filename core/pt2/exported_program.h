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

// One element of an argument: a value by name, or a constant, or None.
struct ExportedItem
{
    std::string value;        // a tensor or symbolic size by name; "" for a constant
    std::int64_t integer = 0; // ints, bools (0/1), scalar types, layouts, memory formats
    double real = 0;          // floats
    bool none = false;
};

struct ExportedArgument
{
    std::string name;     // the schema's argument name: "input", "weight"
    std::string kind;     // the union's key: "as_tensor", "as_ints", "as_graph", ...
    bool keyword = false; // passed by name (the schema's kind 2)
    std::vector<ExportedValueRef> values; // the values it reads (tensors, symbolic sizes)
    std::vector<ExportedItem> items;      // every element, in order (one for a lone value)
    std::string text;                     // as_string; as_device ("cpu", "cuda:0")
    int subgraph = -1;                    // "as_graph": index into ExportedProgram::graphs
};

struct ExportedNode
{
    std::string target; // "torch.ops.aten.conv2d.default", "torch.ops.higher_order.cond"
    std::vector<ExportedArgument> inputs;
    std::vector<ExportedValueRef> outputs; // the values it produces, in order
    std::vector<ExportedArgument> results; // the same, one per returned value (None included)
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
    std::vector<std::int64_t> strides;
    std::int64_t storageOffset = 0;
    int layout = 7; // the schema's Layout: 7 is strided
};

// A tensor of the program's state (parameter, buffer, constant) and where its bytes lie: the
// raw bytes of its storage in `record`, viewed through `meta`'s offset, sizes and strides.
struct ExportedWeight
{
    std::string target;   // "conv.weight", as the signature names it
    std::string record;   // "data/weights/weight_0"
    bool pickled = false; // saved with torch.save (a tensor subclass): not read
    ExportedTensorMeta meta;
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
    // The layout of torch 2.8 and later lists each weight and constant; the one before pickles
    // them all (serialized_state_dict.pt), which leaves this empty.
    std::vector<ExportedWeight> weights;
    std::string byteOrder = "little";
};

// The schema majors read (torch 2.6 to 2.14 write 8).
constexpr int kOldestExportSchemaMajor = 8;
constexpr int kNewestExportSchemaMajor = 8;

// The torch name ("float32", as base/dtype_names.h spells it) of a dtype as the export schema
// numbers it (torch/_export/serde/schema.py's ScalarType); "" for one TorchPrep names not.
std::string exportDtypeName(int dtype);

class CheckedArchive;

// Reads the program of a .pt2 file through the hardened archive reader. Throws InputError with
// one line for anything that is not such a program, a schema major it does not know, or a value
// out of bounds (names, sizes, nesting, a node reading a value nothing produced).
ExportedProgram readExportedProgram(const std::string &path);
// The same, from the archive already open (whoever reads its weights next); `what` names it.
ExportedProgram readExportedProgram(const CheckedArchive &archive, const std::string &what);

} // namespace torchprep
