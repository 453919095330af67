#include "pt2/exported_program.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/archive_check.h"
#include "pt2/metadata_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace torchprep {

namespace {

using Json = nlohmann::json;

// Bounds no real program comes near; a crafted one stops here, in one line.
constexpr std::uint64_t kMaxProgramJsonBytes = 512ull << 20;
constexpr int kMaxJsonNesting = 512;
constexpr std::size_t kMaxNameBytes = 1024;
constexpr std::size_t kMaxTextBytes = 1u << 20; // one node's stack trace, one spec string
constexpr std::size_t kMaxNodes = 2000000;      // in all graphs together
constexpr std::size_t kMaxGraphs = 100000;
constexpr std::size_t kMaxRank = 64;
constexpr std::size_t kMaxListItems = 1u << 20;
constexpr std::int64_t kMaxElements = std::int64_t(1) << 48;

// The deepest nesting of arrays and objects in `text`, stopping past `limit`: checked before
// parsing so no parser or walk below ever recurses further.
int jsonNesting(const std::string &text, int limit)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return deepest;
}

class ProgramParser
{
  public:
    ProgramParser(std::string what, std::string member)
        : what_(std::move(what)), member_(std::move(member))
    {
    }

    Json parse(const std::string &text, const std::string &part) const
    {
        if (jsonNesting(text, kMaxJsonNesting) > kMaxJsonNesting)
            fail(part, "nests more than " + std::to_string(kMaxJsonNesting) +
                           " levels deep; no program needs that (a crafted file?)");
        try {
            return Json::parse(text);
        } catch (const Json::parse_error &e) {
            fail(part, "is not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
        }
    }

    ExportedProgram read(const Json &root, const std::string &layout)
    {
        ExportedProgram program;
        program.layout = layout;
        const Json &version = member(root, "schema_version", "the program");
        program.schemaMajor = static_cast<int>(integer(member(version, "major", "schema_version"),
                                                       "schema_version.major", 0, 1 << 20));
        program.schemaMinor = static_cast<int>(integer(member(version, "minor", "schema_version"),
                                                       "schema_version.minor", 0, 1 << 20));
        if (program.schemaMajor < kOldestExportSchemaMajor ||
            program.schemaMajor > kNewestExportSchemaMajor)
            throw InputError(what_ + " was written with torch.export schema " +
                             std::to_string(program.schemaMajor) + "." +
                             std::to_string(program.schemaMinor) + "; TorchPrep reads schema " +
                             std::to_string(kOldestExportSchemaMajor) +
                             ".x (torch 2.6 to 2.14): save it again with one of those");
        if (const Json *torch = optional(root, "torch_version"); torch && torch->is_string())
            program.torchVersion = name(*torch, "torch_version");
        const Json &module = member(root, "graph_module", "the program");
        readGraph(member(module, "graph", "graph_module"), "", program);
        readSignature(member(module, "signature", "graph_module"), program);
        return program;
    }

  private:
    [[noreturn]] void fail(const std::string &where, const std::string &detail) const
    {
        throw InputError(what_ + ": " + member_ + (where.empty() ? "" : " " + where) + " " +
                         detail);
    }

    const Json *optional(const Json &object, const char *key) const
    {
        if (!object.is_object())
            return nullptr;
        const auto it = object.find(key);
        return it == object.end() || it->is_null() ? nullptr : &*it;
    }

    const Json &member(const Json &object, const char *key, const std::string &where) const
    {
        if (!object.is_object())
            fail(where, "is not an object");
        const auto it = object.find(key);
        if (it == object.end())
            fail(where, std::string("has no '") + key + "'");
        return *it;
    }

    const Json &array(const Json &value, const std::string &where) const
    {
        if (!value.is_array())
            fail(where, "is not a list");
        return value;
    }

    std::int64_t integer(const Json &value, const std::string &where, std::int64_t lo,
                         std::int64_t hi) const
    {
        if (!value.is_number_integer())
            fail(where, "is not an integer");
        const std::int64_t v = value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX
                                   ? INT64_MAX
                                   : value.get<std::int64_t>();
        if (v < lo || v > hi)
            fail(where, "is " + std::to_string(v) + ", outside " + std::to_string(lo) + ".." +
                            std::to_string(hi));
        return v;
    }

    std::string text(const Json &value, const std::string &where, std::size_t maxBytes) const
    {
        if (!value.is_string())
            fail(where, "is not a string");
        const std::string &s = value.get_ref<const std::string &>();
        if (s.size() > maxBytes)
            fail(where, "is " + std::to_string(s.size()) + " bytes long, more than " +
                            std::to_string(maxBytes));
        return s;
    }

    // A name that reaches messages, JSON and the Studio: bounded, valid UTF-8, one line.
    std::string name(const Json &value, const std::string &where) const
    {
        std::string s = text(value, where, kMaxNameBytes);
        if (!isValidUtf8(s) || printable(s) != s)
            fail(where, "holds a name with control characters or bytes that are not UTF-8 ('" +
                            printable(s.substr(0, 64)) + "')");
        return s;
    }

    // The single key of a union (`{"as_tensor": {...}}`).
    std::pair<std::string, const Json *> unionOf(const Json &value, const std::string &where) const
    {
        if (!value.is_object() || value.empty())
            fail(where, "is not a one-key object");
        // Older writers spell unset members out as null beside the one that is set.
        for (auto it = value.begin(); it != value.end(); ++it)
            if (!it->is_null())
                return {it.key(), &*it};
        return {value.begin().key(), &*value.begin()};
    }

    // The values an argument or output refers to, by name.
    void valuesOf(const std::string &kind, const Json &value, const std::string &where,
                  std::vector<ExportedValueRef> &out) const
    {
        auto tensor = [&](const Json &t) {
            out.push_back({name(member(t, "name", where), where), "Tensor"});
        };
        auto symbol = [&](const Json &s, const char *type) {
            if (const Json *n = optional(s, "as_name"))
                out.push_back({name(*n, where), type});
        };
        if (kind == "as_tensor") {
            tensor(value);
        } else if (kind == "as_tensors") {
            for (const Json &t : array(value, where))
                tensor(t);
        } else if (kind == "as_optional_tensor") {
            if (const Json *t = optional(value, "as_tensor"))
                tensor(*t);
        } else if (kind == "as_optional_tensors") {
            for (const Json &t : array(value, where))
                if (const Json *inner = optional(t, "as_tensor"))
                    tensor(*inner);
        } else if (kind == "as_sym_int" || kind == "as_sym_bool" || kind == "as_sym_float") {
            symbol(value, kind == "as_sym_int" ? "int" : kind == "as_sym_bool" ? "bool" : "float");
        } else if (kind == "as_sym_ints" || kind == "as_sym_bools" || kind == "as_sym_floats") {
            const char *type = kind == "as_sym_ints"    ? "int"
                               : kind == "as_sym_bools" ? "bool"
                                                        : "float";
            for (const Json &s : array(value, where))
                symbol(s, type);
        }
    }

    // Every element of an argument, constants included.
    void itemsOf(const std::string &kind, const Json &value, const std::string &where,
                 ExportedArgument &a) const
    {
        auto item = [&](const Json &v) {
            ExportedItem i;
            if (v.is_null() || kind == "as_none") {
                i.none = true;
            } else if (v.is_object() && v.contains("as_name")) {
                i.value = name(v["as_name"], where);
            } else if (v.is_object() &&
                       (v.contains("as_int") || v.contains("as_tensor") || v.contains("as_none"))) {
                const auto [k, inner] = unionOf(v, where);
                if (k == "as_tensor")
                    i.value = name(member(*inner, "name", where), where);
                else if (k == "as_none")
                    i.none = true;
                else
                    i.integer = integer(*inner, where, INT64_MIN, INT64_MAX);
            } else if (v.is_object() && v.contains("name")) {
                i.value = name(v["name"], where);
            } else if (v.is_boolean()) {
                i.integer = v.get<bool>() ? 1 : 0;
            } else if (v.is_number_integer()) {
                i.integer = integer(v, where, INT64_MIN, INT64_MAX);
                i.real = static_cast<double>(i.integer);
            } else if (v.is_number()) {
                i.real = v.get<double>();
            } else if (v.is_string()) {
                // torch writes a float JSON cannot hold by name.
                const std::string s = text(v, where, 64);
                if (s == "Infinity" || s == "inf")
                    i.real = HUGE_VAL;
                else if (s == "-Infinity" || s == "-inf")
                    i.real = -HUGE_VAL;
                else if (s == "NaN" || s == "nan")
                    i.real = NAN;
                else
                    fail(where, "holds '" + printable(s) + "' where a number belongs");
            }
            a.items.push_back(std::move(i));
        };
        if (kind == "as_device") {
            const std::string type = name(member(value, "type", where), where);
            const Json *index = optional(value, "index");
            a.text = type + (index ? ":" + std::to_string(integer(*index, where, 0, 1024)) : "");
            return;
        }
        if (kind == "as_string") {
            a.text = text(value, where, kMaxTextBytes);
            return;
        }
        if (value.is_array()) {
            if (value.size() > kMaxListItems)
                fail(where, "lists more than " + std::to_string(kMaxListItems) + " items");
            for (const Json &v : value)
                item(v);
        } else {
            item(value);
        }
    }

    void countNode(const std::string &where)
    {
        if (++nodes_ > kMaxNodes)
            fail(where, "holds more than " + std::to_string(kMaxNodes) + " nodes");
    }

    int readGraph(const Json &graph, const std::string &graphName, ExportedProgram &program)
    {
        if (program.graphs.size() >= kMaxGraphs)
            fail("graph", "holds more than " + std::to_string(kMaxGraphs) + " subgraphs");
        const int index = static_cast<int>(program.graphs.size());
        program.graphs.emplace_back();
        ExportedGraph g;
        g.name = graphName;
        const std::string where = graphName.empty() ? "graph" : "subgraph '" + graphName + "'";
        std::set<std::string> defined;
        auto define = [&](const ExportedValueRef &v) {
            if (!defined.insert(v.name).second)
                fail(where, "defines '" + v.name + "' twice");
        };
        for (const Json &in : array(member(graph, "inputs", where), where + " inputs")) {
            const auto [kind, value] = unionOf(in, where + " input");
            std::vector<ExportedValueRef> refs;
            valuesOf(kind, *value, where + " input", refs);
            if (refs.empty())
                refs.push_back({"", kind == "as_int"     ? "int"
                                    : kind == "as_float" ? "float"
                                    : kind == "as_bool"  ? "bool"
                                                         : "NoneType"});
            for (const ExportedValueRef &r : refs) {
                if (!r.name.empty())
                    define(r);
                g.inputs.push_back(r);
            }
        }
        for (const Json &node : array(member(graph, "nodes", where), where + " nodes")) {
            countNode(where);
            ExportedNode n = readNode(node, where, program);
            for (const ExportedArgument &a : n.inputs)
                for (const ExportedValueRef &v : a.values)
                    if (!defined.count(v.name))
                        fail(where, "has a node (" + n.target + ") reading '" + v.name +
                                        "', which nothing before it produces");
            for (const ExportedValueRef &v : n.outputs)
                define(v);
            g.nodes.push_back(std::move(n));
        }
        for (const Json &out : array(member(graph, "outputs", where), where + " outputs")) {
            const auto [kind, value] = unionOf(out, where + " output");
            std::vector<ExportedValueRef> refs;
            valuesOf(kind, *value, where + " output", refs);
            for (const ExportedValueRef &r : refs) {
                if (!defined.count(r.name))
                    fail(where, "returns '" + r.name + "', which nothing produces");
                g.outputs.push_back(r);
            }
        }
        if (const Json *metas = optional(graph, "tensor_values")) {
            if (!metas->is_object())
                fail(where, "tensor_values is not an object");
            for (auto it = metas->begin(); it != metas->end(); ++it)
                program.tensors[name(it.key(), where + " tensor_values")] =
                    tensorMeta(*it, where + " tensor '" + printable(it.key()) + "'");
        }
        program.graphs[index] = std::move(g);
        return index;
    }

    ExportedTensorMeta tensorMeta(const Json &meta, const std::string &where) const
    {
        ExportedTensorMeta m;
        m.dtype = static_cast<int>(integer(member(meta, "dtype", where), where + " dtype", 0, 255));
        const Json &sizes = array(member(meta, "sizes", where), where + " sizes");
        if (sizes.size() > kMaxRank)
            fail(where, "has " + std::to_string(sizes.size()) + " dimensions, more than " +
                            std::to_string(kMaxRank));
        std::int64_t elements = 1;
        for (const Json &size : sizes) {
            const Json *fixed = optional(size, "as_int");
            m.sizes.push_back(fixed ? integer(*fixed, where + " size", 0, kMaxElements) : -1);
            if (m.sizes.back() > 0)
                elements = m.sizes.back() > kMaxElements / elements ? kMaxElements + 1
                                                                    : elements * m.sizes.back();
        }
        if (elements > kMaxElements)
            fail(where, "has more than " + std::to_string(kMaxElements) +
                            " elements, more than any tensor holds (a crafted file?)");
        if (const Json *strides = optional(meta, "strides")) {
            for (const Json &stride : array(*strides, where + " strides")) {
                const Json *fixed = optional(stride, "as_int");
                m.strides.push_back(fixed ? integer(*fixed, where + " stride", 0, kMaxElements)
                                          : -1);
            }
            if (m.strides.size() != m.sizes.size())
                fail(where, "has " + std::to_string(m.strides.size()) + " strides for " +
                                std::to_string(m.sizes.size()) + " dimensions");
        }
        if (const Json *offset = optional(meta, "storage_offset"))
            if (const Json *fixed = optional(*offset, "as_int"))
                m.storageOffset = integer(*fixed, where + " storage_offset", 0, kMaxElements);
        if (const Json *layout = optional(meta, "layout"))
            m.layout = static_cast<int>(integer(*layout, where + " layout", 0, 64));
        return m;
    }

    ExportedNode readNode(const Json &node, const std::string &where, ExportedProgram &program)
    {
        ExportedNode n;
        n.target = name(member(node, "target", where + " node"), where + " node target");
        const std::string at = where + " node " + n.target;
        for (const Json &input : array(member(node, "inputs", at), at + " inputs")) {
            ExportedArgument a;
            a.name = name(member(input, "name", at), at + " argument name");
            const auto [kind, value] = unionOf(member(input, "arg", at), at + " argument");
            a.kind = kind;
            if (const Json *k = optional(input, "kind"); k && k->is_number_integer())
                a.keyword = k->get<std::int64_t>() == 2;
            if (kind == "as_graph") {
                const std::string sub = name(member(*value, "name", at), at + " subgraph name");
                a.subgraph = readGraph(member(*value, "graph", at), sub, program);
            } else {
                valuesOf(kind, *value, at + " argument", a.values);
                itemsOf(kind, *value, at + " argument", a);
            }
            n.inputs.push_back(std::move(a));
        }
        for (const Json &output : array(member(node, "outputs", at), at + " outputs")) {
            const auto [kind, value] = unionOf(output, at + " output");
            valuesOf(kind, *value, at + " output", n.outputs);
            ExportedArgument result;
            result.kind = kind;
            valuesOf(kind, *value, at + " output", result.values);
            itemsOf(kind, *value, at + " output", result);
            n.results.push_back(std::move(result));
        }
        if (const Json *meta = optional(node, "metadata"); meta && meta->is_object()) {
            if (const Json *stack = optional(*meta, "nn_module_stack")) {
                const std::string s = text(*stack, at + " nn_module_stack", kMaxTextBytes);
                n.moduleStack = parseModuleStack(s, [&](const std::string &detail) {
                    fail(at, "has an nn_module_stack " + detail);
                });
                for (const ExportedModuleFrame &f : n.moduleStack)
                    for (const std::string *part : {&f.key, &f.path, &f.className})
                        if (part->size() > kMaxNameBytes || printable(*part) != *part ||
                            !isValidUtf8(*part))
                            fail(at, "has an nn_module_stack naming '" +
                                         printable(part->substr(0, 64)) +
                                         "', which no module is called");
            }
            if (const Json *trace = optional(*meta, "stack_trace"))
                n.stackTrace = parseStackTrace(text(*trace, at + " stack_trace", kMaxTextBytes));
            if (const Json *fn = optional(*meta, "torch_fn"))
                n.torchFunction = name(*fn, at + " torch_fn");
        }
        return n;
    }

    void readSignature(const Json &signature, ExportedProgram &program) const
    {
        static const std::set<std::string> userValues = {"user_input", "user_output"};
        auto spec = [&](const Json &entry, const std::string &where) {
            ExportedSpec s;
            const auto [kind, body] = unionOf(entry, where);
            s.kind = kind;
            const Json *arg = optional(*body, "arg");
            if (arg && userValues.count(kind)) {
                const auto [valueKind, value] = unionOf(*arg, where + " arg");
                s.valueKind = valueKind;
                std::vector<ExportedValueRef> refs;
                valuesOf(valueKind, *value, where + " arg", refs);
                if (!refs.empty())
                    s.name = refs.front().name;
            } else if (arg) {
                if (const Json *n = optional(*arg, "name"))
                    s.name = name(*n, where + " arg");
            }
            for (const char *key :
                 {"parameter_name", "buffer_name", "tensor_constant_name", "custom_obj_name"})
                if (const Json *t = optional(*body, key))
                    s.target = name(*t, where + " " + key);
            return s;
        };
        for (const Json &e : array(member(signature, "input_specs", "signature"), "input_specs"))
            program.inputSpecs.push_back(spec(e, "input_specs entry"));
        for (const Json &e : array(member(signature, "output_specs", "signature"), "output_specs"))
            program.outputSpecs.push_back(spec(e, "output_specs entry"));
    }

    std::string what_;
    std::string member_;
    std::size_t nodes_ = 0;

  public:
    // The module call graph's first entry: the model's own call, with its pytree specs.
    void readCallSignature(const Json &root, ExportedProgram &program) const
    {
        const Json &module = member(root, "graph_module", "the program");
        const Json *calls = optional(module, "module_call_graph");
        if (!calls || !calls->is_array())
            return;
        for (const Json &call : *calls) {
            const Json *fqn = optional(call, "fqn");
            const Json *signature = optional(call, "signature");
            if (!fqn || !fqn->is_string() || !fqn->get_ref<const std::string &>().empty() ||
                !signature)
                continue;
            program.inSpec = treeSpec(
                text(member(*signature, "in_spec", "module_call_graph"), "in_spec", kMaxTextBytes),
                "in_spec");
            program.outSpec = treeSpec(text(member(*signature, "out_spec", "module_call_graph"),
                                            "out_spec", kMaxTextBytes),
                                       "out_spec");
            if (const Json *names = optional(*signature, "forward_arg_names"))
                for (const Json &n : array(*names, "forward_arg_names"))
                    program.forwardArgNames.push_back(name(n, "forward_arg_names"));
            return;
        }
    }

    // A weights or constants config (`data/weights/model_weights_config.json`): each tensor's
    // record and view.
    void readWeights(const std::string &text, const std::string &folder,
                     ExportedProgram &program) const
    {
        const Json root = parse(text, "");
        const Json &config = member(root, "config", "the config");
        if (!config.is_object())
            fail("config", "is not an object");
        for (auto it = config.begin(); it != config.end(); ++it) {
            const std::string where = "weight '" + printable(it.key()) + "'";
            ExportedWeight w;
            w.target = name(it.key(), "config key");
            const std::string file = name(member(*it, "path_name", where), where + " path_name");
            if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
                fail(where, "names the record '" + file + "' outside its folder");
            w.record = folder + file;
            if (const Json *pickled = optional(*it, "use_pickle"); pickled && pickled->is_boolean())
                w.pickled = pickled->get<bool>();
            w.meta = tensorMeta(member(*it, "tensor_meta", where), where);
            program.weights.push_back(std::move(w));
        }
    }

  private:
    // `[version, spec]`, each spec `{"type", "context", "children_spec"}`.
    ExportedTreeSpec treeSpec(const std::string &text, const std::string &where) const
    {
        const Json root = parse(text, where);
        if (!root.is_array() || root.size() != 2)
            fail(where, "is not a [version, spec] pair");
        return treeNode(root[1], where);
    }

    ExportedTreeSpec treeNode(const Json &node, const std::string &where) const
    {
        ExportedTreeSpec s;
        if (const Json *type = optional(node, "type"))
            s.type = name(*type, where + " type");
        if (const Json *context = optional(node, "context"); context && context->is_string()) {
            const Json keys = parse(text(*context, where + " context", kMaxTextBytes), where);
            if (keys.is_array())
                for (const Json &k : keys)
                    if (k.is_string())
                        s.keys.push_back(name(k, where + " key"));
        }
        if (const Json *children = optional(node, "children_spec"))
            for (const Json &child : array(*children, where + " children_spec"))
                s.children.push_back(treeNode(child, where));
        return s;
    }
};

} // namespace

std::string exportDtypeName(int dtype)
{
    static const std::map<int, std::string> names = {
        {1, "uint8"},       {2, "int8"},    {3, "int16"},    {4, "int32"},     {5, "int64"},
        {6, "float16"},     {7, "float32"}, {8, "float64"},  {9, "complex32"}, {10, "complex64"},
        {11, "complex128"}, {12, "bool"},   {13, "bfloat16"}};
    const auto it = names.find(dtype);
    return it == names.end() ? std::string() : it->second;
}

ExportedProgram readExportedProgram(const std::string &path)
{
    const std::string what = "'" + printable(path) + "'";
    return readExportedProgram(CheckedArchive(path, what), what);
}

ExportedProgram readExportedProgram(const CheckedArchive &archive, const std::string &what)
{
    const ArchiveContents &contents = archive.contents();
    if (!contents.isExportedProgram())
        throw InputError(what + " is not a program saved by torch.export.save (.pt2)");
    std::string layout, member;
    if (contents.has("archive_format")) {
        const std::string format = archive.read("archive_format", 64);
        if (format != "pt2")
            throw InputError(what + " is a PT2 archive of format '" + printable(format) +
                             "', not a program saved by torch.export.save ('pt2')");
        layout = "pt2";
        // torch.export.save writes its one program as models/model.json.
        member = "models/model.json";
        if (!contents.has(member))
            for (const std::string &record : contents.records)
                if (record.compare(0, 7, "models/") == 0 && record.size() > 12 &&
                    record.compare(record.size() - 5, 5, ".json") == 0) {
                    member = record;
                    break;
                }
    } else {
        layout = "legacy";
        member = "serialized_exported_program.json";
    }
    const std::string text = archive.read(member, kMaxProgramJsonBytes);
    ProgramParser parser(what, "'" + printable(member) + "'");
    const Json root = parser.parse(text, "");
    ExportedProgram program = parser.read(root, layout);
    parser.readCallSignature(root, program);
    if (layout == "pt2") {
        if (contents.has("byteorder"))
            program.byteOrder = archive.read("byteorder", 64);
        // models/<name>.json keeps its weights in data/weights/<name>_weights_config.json.
        const std::string model = member.substr(7, member.size() - 12);
        for (const char *folder : {"data/weights/", "data/constants/"}) {
            const std::string config =
                folder + model +
                (folder[5] == 'w' ? "_weights_config.json" : "_constants_config.json");
            if (!contents.has(config))
                continue;
            ProgramParser weights(what, "'" + printable(config) + "'");
            weights.readWeights(archive.read(config, kMaxProgramJsonBytes), folder, program);
        }
    }
    return program;
}

} // namespace torchprep
