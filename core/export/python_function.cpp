// One TorchScript graph as one Python function.
#include "base/errors.h"
#include "base/printable.h"
#include "export/python_source_torch.h"
#include "graph/module_classes.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace torchprep {

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

// Names a local variable must not take: keywords and what the generated file imports.
const std::set<std::string> &reservedNames()
{
    static const std::set<std::string> names = {"False",      "None",
                                                "True",       "and",
                                                "as",         "assert",
                                                "async",      "await",
                                                "break",      "class",
                                                "continue",   "def",
                                                "del",        "elif",
                                                "else",       "except",
                                                "finally",    "for",
                                                "from",       "global",
                                                "if",         "import",
                                                "in",         "is",
                                                "lambda",     "nonlocal",
                                                "not",        "or",
                                                "pass",       "raise",
                                                "return",     "try",
                                                "while",      "with",
                                                "yield",      "self",
                                                "torch",      "nn",
                                                "F",          "os",
                                                "warnings",   "int",
                                                "float",      "bool",
                                                "str",        "len",
                                                "list",       "max",
                                                "min",        "abs",
                                                "print",      "range",
                                                "super",      "RuntimeError",
                                                "math",       "getattr",
                                                "setattr",    "hasattr",
                                                "isinstance", "tuple",
                                                "dict",       "type",
                                                "object",     "Exception",
                                                "load_model", "exec",
                                                "eval",       "open",
                                                "compile",    "globals",
                                                "locals",     "vars",
                                                "callable",   "iter",
                                                "next",       "sum",
                                                "any",        "all",
                                                "zip",        "map",
                                                "filter",     "sorted",
                                                "reversed",   "enumerate",
                                                "round",      "divmod",
                                                "hash",       "id",
                                                "repr",       "format",
                                                "chr",        "ord",
                                                "bytes",      "set",
                                                "frozenset",  "slice",
                                                "property",   "NotImplemented",
                                                "Ellipsis",   "match",
                                                "case"};
    return names;
}

// True for a name that may be written as Python code as it is: an ASCII identifier that is no
// keyword or name the file relies on, and no dunder (`self.__class__ = ...` changes the class;
// `self.__x` is mangled inside a class body).
bool isPlainName(const std::string &name)
{
    return !name.empty() && pythonIdentifier(name) == name && !reservedNames().count(name) &&
           name.compare(0, 2, "__") != 0;
}

std::string floatLiteral(double value)
{
    if (std::isnan(value))
        return "float('nan')";
    if (std::isinf(value))
        return value > 0 ? "float('inf')" : "float('-inf')";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    std::string text = buf;
    if (text.find_first_of(".en") == std::string::npos)
        text += ".0";
    return text;
}

// A Python str literal in plain ASCII: quotes, backslashes, controls and everything past ASCII
// escaped, so no text from a model file can end the literal or the line it is on.
std::string stringLiteral(const std::string &text)
{
    if (!isValidUtf8(text))
        throw InputError("the name or string '" + printable(text) +
                         "' is not valid UTF-8: it has no Python form");
    std::string out = "'";
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        char buf[16];
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x80) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
            ++i;
        } else { // a valid multi-byte sequence: its code point
            const int length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            unsigned code = c & (0xff >> (length + 1));
            for (int k = 1; k < length; ++k)
                code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
            std::snprintf(buf, sizeof buf, code > 0xffff ? "\\U%08x" : "\\u%04x", code);
            out += buf;
            i += static_cast<std::size_t>(length);
        }
    }
    return out + "'";
}

template <typename List> std::string listLiteral(const List &items, bool tuple)
{
    std::string out = tuple ? "(" : "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + pythonLiteral(items[i]);
    if (tuple && items.size() == 1)
        out += ",";
    return out + (tuple ? ")" : "]");
}

bool isTensor(const Value *value)
{
    return value->type()->kind() == c10::TypeKind::TensorType;
}

bool isModule(const Value *value)
{
    auto cls = value->type()->cast<c10::ClassType>();
    return cls && cls->is_module();
}

// Ops on Python numbers, strings and lists, written as Python writes them.
const std::map<std::string, std::string> &binaryOperators()
{
    static const std::map<std::string, std::string> ops = {
        {"add", "+"},     {"sub", "-"},       {"mul", "*"},
        {"div", "/"},     {"floordiv", "//"}, {"remainder", "%"},
        {"pow", "**"},    {"eq", "=="},       {"ne", "!="},
        {"lt", "<"},      {"le", "<="},       {"gt", ">"},
        {"ge", ">="},     {"__and__", "&"},   {"__or__", "|"},
        {"__xor__", "^"}, {"__is__", "is"},   {"__isnot__", "is not"}};
    return ops;
}

const std::map<std::string, std::string> &builtinCalls()
{
    static const std::map<std::string, std::string> calls = {
        {"Int", "int"},   {"Float", "float"}, {"Bool", "bool"}, {"str", "str"}, {"len", "len"},
        {"list", "list"}, {"abs", "abs"},     {"max", "max"},   {"min", "min"}};
    return calls;
}

class FunctionWriter
{
  public:
    FunctionWriter(Graph &graph, bool isMethod, PythonScope &scope)
        : graph_(graph), isMethod_(isMethod), scope_(scope)
    {
    }

    std::vector<std::string> write(const std::string &name)
    {
        std::string params;
        for (std::size_t i = 0; i < graph_.inputs().size(); ++i) {
            Value *in = graph_.inputs()[i];
            const std::string param = (isMethod_ && i == 0) ? bind(in, "self") : define(in);
            params += (i ? ", " : "") + param;
        }
        if (!isPythonFunctionName(name))
            throw InputError("method name '" + printable(name) + "' is not a Python identifier");
        lines_.push_back("def " + name + "(" + params + "):");
        writeBlock(graph_.block(), 1);
        const auto outs = graph_.outputs();
        if (outs.size() == 1)
            emit(1, "return " + expr(outs[0]));
        else
            emit(1, "return " + tupleOf(outs));
        return std::move(lines_);
    }

  private:
    // ---- names and expressions ----

    std::string bind(Value *value, const std::string &expression)
    {
        exprs_[value] = expression;
        return expression;
    }

    // A fresh local variable for `value`, named after its debug name.
    std::string define(Value *value)
    {
        std::string base = pythonIdentifier(nameHint(value));
        if (!isPlainName(base))
            base = "v_" + base;
        std::string name = base;
        for (int k = 1; !used_.insert(name).second; ++k)
            name = base + "_" + std::to_string(k);
        return bind(value, name);
    }

    // "x" for %x.1; for a nameless %12, what computes it: "conv1" for self.conv1(...), "add".
    std::string nameHint(Value *value)
    {
        if (value->hasDebugName()) {
            const std::string base = value->debugNameBase();
            if (!base.empty() && !std::isdigit(static_cast<unsigned char>(base[0])))
                return base;
        }
        Node *node = value->node();
        if (node->kind() == c10::prim::CallMethod &&
            node->input(0)->node()->kind() == c10::prim::GetAttr)
            return node->input(0)->node()->s(c10::attr::name);
        if (node->kind().is_aten()) { // "__getitem__" -> "getitem", "Bool" -> "bool_"
            std::string op = node->kind().toUnqualString();
            op.erase(0, op.find_first_not_of('_'));
            op.erase(op.find_last_not_of('_') + 1);
            for (char &c : op)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return op.empty() ? "v" : op;
        }
        return "v";
    }

    std::string expr(Value *value)
    {
        auto known = exprs_.find(value);
        if (known != exprs_.end())
            return known->second;
        Node *producer = value->node();
        if (producer->kind() == c10::prim::Constant)
            return bind(value, constantExpression(value));
        throw InputError("internal: value %" + value->debugName() + " used before it is defined");
    }

    std::string constantExpression(Value *value)
    {
        const c10::optional<c10::IValue> constant = torch::jit::toIValue(value);
        if (!constant)
            throw InputError("no Python form for a constant of type " + value->type()->str());
        if (constant->isTensor())
            return scope_.tensorConstant(constant->toTensor());
        return pythonLiteral(*constant);
    }

    template <typename Values> std::string joined(const Values &values)
    {
        std::string out;
        for (std::size_t i = 0; i < values.size(); ++i)
            out += (i ? ", " : "") + expr(values[i]);
        return out;
    }

    template <typename Values> std::string tupleOf(const Values &values)
    {
        return "(" + joined(values) + (values.size() == 1 ? ",)" : ")");
    }

    // "a, b" as the left side of an assignment of `node`'s outputs (fresh variables).
    std::string targets(Node *node)
    {
        std::string out;
        for (std::size_t i = 0; i < node->outputs().size(); ++i)
            out += (i ? ", " : "") + define(node->outputs()[i]);
        return out;
    }

    void emit(int indent, const std::string &line)
    {
        lines_.push_back(std::string(4 * indent, ' ') + line);
    }

    // `node`'s outputs take the value of `expression`; a statement when it has none in use.
    void assign(Node *node, int indent, const std::string &expression)
    {
        if (node->outputs().empty() ||
            (node->outputs().size() == 1 && !node->output()->hasUses() &&
             node->output()->type()->kind() == c10::TypeKind::NoneType)) {
            emit(indent, expression);
            return;
        }
        emit(indent, targets(node) + " = " + expression);
    }

    // ---- statements ----

    // `more`: statements follow in the same suite, so an empty block needs no `pass`.
    void writeBlock(Block *block, int indent, bool more = false)
    {
        const std::size_t before = lines_.size();
        for (Node *node : block->nodes())
            writeNode(node, indent);
        if (lines_.size() == before && !more)
            emit(indent, "pass");
    }

    void writeNode(Node *node, int indent)
    {
        const c10::Symbol kind = node->kind();
        if (kind == c10::prim::Constant)
            return; // written where it is used
        if (kind == c10::prim::GetAttr) {
            const std::string read = attributeOf(expr(node->input(0)), node->s(c10::attr::name));
            if (isModule(node->output()))
                bind(node->output(), read);
            else
                assign(node, indent, read);
            return;
        }
        if (kind == c10::prim::SetAttr) {
            emit(indent, attributeOf(expr(node->input(0)), node->s(c10::attr::name)) + " = " +
                             expr(node->input(1)));
            return;
        }
        if (kind == c10::prim::CallMethod) {
            const std::string method = node->s(c10::attr::name);
            const std::string object = expr(node->input(0));
            std::vector<Value *> args(node->inputs().begin() + 1, node->inputs().end());
            // A trace records an nn.Identity whose output nothing reads as a call with no input:
            // it computes nothing, and the layer's Python forward would want its input.
            if (args.empty() && !node->hasUses() && torchNnLayer(node->input(0)))
                return;
            const bool call = object != "self" && (method == "forward" || tracedLayerCall(node));
            assign(node, indent,
                   (call ? object : attributeOf(object, method)) + "(" + joined(args) + ")");
            return;
        }
        if (kind == c10::prim::CallFunction) {
            auto fn = node->input(0)->type()->cast<c10::FunctionType>();
            if (!fn)
                throw InputError("no Python form for a call of a function value");
            std::vector<Value *> args(node->inputs().begin() + 1, node->inputs().end());
            assign(node, indent, scope_.function(*fn->function()) + "(" + joined(args) + ")");
            return;
        }
        if (kind == c10::prim::If) {
            writeIf(node, indent);
            return;
        }
        if (kind == c10::prim::Loop) {
            writeLoop(node, indent);
            return;
        }
        if (writePrim(node, indent))
            return;
        writeOperator(node, indent);
    }

    static bool torchNnLayer(const Value *module)
    {
        auto cls = module->type()->cast<c10::ClassType>();
        return cls && cls->name() &&
               isTorchNnLayer(demangleClassName(cls->name()->qualifiedName()));
    }

    // A traced model calls the second use of a layer through "forward1": for a torch.nn layer
    // that is its forward again, and Python has only forward.
    static bool tracedLayerCall(Node *call)
    {
        const std::string method = call->s(c10::attr::name);
        if (method.compare(0, 7, "forward") != 0 || method.size() == 7 ||
            method.find_first_not_of("0123456789", 7) != std::string::npos)
            return false;
        auto cls = call->input(0)->type()->cast<c10::ClassType>();
        return cls && cls->name() &&
               isTorchNnLayer(demangleClassName(cls->name()->qualifiedName()));
    }

    static std::string attributeOf(const std::string &object, const std::string &name)
    {
        if (isPlainName(name))
            return object + "." + name;
        return "getattr(" + object + ", " + stringLiteral(name) + ")";
    }

    void writeIf(Node *node, int indent)
    {
        std::vector<std::string> names;
        for (Value *out : node->outputs())
            names.push_back(define(out));
        emit(indent, "if " + expr(node->input(0)) + ":");
        for (std::size_t b = 0; b < 2; ++b) {
            if (b == 1)
                emit(indent, "else:");
            Block *block = node->blocks()[b];
            writeBlock(block, indent + 1, !names.empty());
            for (std::size_t i = 0; i < names.size(); ++i)
                emit(indent + 1, names[i] + " = " + expr(block->outputs()[i]));
        }
    }

    // prim::Loop(max_trips, cond, carried...) { block(i, carried...) -> (cond, carried...) }
    void writeLoop(Node *node, int indent)
    {
        Block *body = node->blocks()[0];
        const std::size_t carried = node->inputs().size() - 2;
        std::vector<std::string> state;
        for (std::size_t k = 0; k < carried; ++k) {
            const std::string init = expr(node->inputs()[k + 2]);
            state.push_back(define(body->inputs()[k + 1]));
            emit(indent, state.back() + " = " + init);
        }
        const c10::optional<c10::IValue> trips = torch::jit::toIValue(node->input(0));
        const c10::optional<c10::IValue> firstCond = torch::jit::toIValue(node->input(1));
        const c10::optional<c10::IValue> nextCond = torch::jit::toIValue(body->outputs()[0]);
        const bool forRange = firstCond && firstCond->isBool() && firstCond->toBool() && nextCond &&
                              nextCond->isBool() && nextCond->toBool();
        const std::string counter = define(body->inputs()[0]);
        std::string cond;
        if (forRange) {
            emit(indent, "for " + counter + " in range(" + expr(node->input(0)) + "):");
        } else {
            cond = "cond_" + counter;
            used_.insert(cond);
            emit(indent, counter + " = 0");
            emit(indent, cond + " = " + expr(node->input(1)));
            const bool unbounded =
                trips && trips->isInt() && trips->toInt() == std::numeric_limits<int64_t>::max();
            emit(indent, "while " + cond +
                             (unbounded ? "" : " and " + counter + " < " + expr(node->input(0))) +
                             ":");
        }
        writeBlock(body, indent + 1, carried > 0 || !forRange);
        std::vector<std::string> next;
        std::vector<std::string> values;
        if (!forRange) {
            next.push_back(cond);
            values.push_back(expr(body->outputs()[0]));
        }
        for (std::size_t k = 0; k < carried; ++k) {
            next.push_back(state[k]);
            values.push_back(expr(body->outputs()[k + 1]));
        }
        if (!next.empty()) {
            std::string lhs, rhs;
            for (std::size_t i = 0; i < next.size(); ++i) {
                lhs += (i ? ", " : "") + next[i];
                rhs += (i ? ", " : "") + values[i];
            }
            emit(indent + 1, lhs + " = " + rhs);
        }
        if (!forRange)
            emit(indent + 1, counter + " += 1");
        for (std::size_t k = 0; k < carried; ++k)
            emit(indent, define(node->outputs()[k]) + " = " + state[k]);
    }

    // The prim ops with a Python spelling; false for any other node.
    bool writePrim(Node *node, int indent)
    {
        const c10::Symbol kind = node->kind();
        const auto &in = node->inputs();
        if (kind == c10::prim::ListConstruct) {
            assign(node, indent, "[" + joined(in) + "]");
        } else if (kind == c10::prim::TupleConstruct) {
            assign(node, indent, tupleOf(in));
        } else if (kind == c10::prim::DictConstruct) {
            std::string items;
            for (std::size_t i = 0; i + 1 < in.size(); i += 2)
                items += (i ? ", " : "") + expr(in[i]) + ": " + expr(in[i + 1]);
            assign(node, indent, "{" + items + "}");
        } else if (kind == c10::prim::ListUnpack || kind == c10::prim::TupleUnpack) {
            if (node->outputs().empty())
                return true;
            emit(indent,
                 targets(node) + (node->outputs().size() == 1 ? "," : "") + " = " + expr(in[0]));
        } else if (kind == c10::prim::TupleIndex) {
            assign(node, indent, expr(in[0]) + "[" + expr(in[1]) + "]");
        } else if (kind == c10::prim::unchecked_cast) {
            bind(node->output(), expr(in[0]));
        } else if (kind == c10::prim::Uninitialized) {
            bind(node->output(), "None");
        } else if (kind == c10::prim::RaiseException) {
            emit(indent, "raise RuntimeError(" + expr(in[0]) + ")");
        } else if (kind == c10::prim::NumToTensor) {
            assign(node, indent, "torch.ops.prim.NumToTensor.Scalar(" + expr(in[0]) + ")");
        } else if (kind == c10::prim::device || kind == c10::prim::dtype ||
                   kind == c10::prim::is_cuda || kind == c10::prim::requires_grad ||
                   kind == c10::prim::layout || std::string(kind.toQualString()) == "prim::data") {
            assign(node, indent, expr(in[0]) + "." + std::string(kind.toUnqualString()));
        } else if (kind == c10::prim::Print) {
            assign(node, indent, "print(" + joined(in) + ")");
        } else if (kind == c10::prim::max || kind == c10::prim::min || kind == c10::prim::abs) {
            assign(node, indent, std::string(kind.toUnqualString()) + "(" + joined(in) + ")");
        } else {
            return false;
        }
        return true;
    }

    bool anyTensorInput(Node *node) const
    {
        for (Value *in : node->inputs())
            if (isTensor(in))
                return true;
        return false;
    }

    void writeOperator(Node *node, int indent)
    {
        const std::string qualified = node->kind().toQualString();
        const std::string name = node->kind().toUnqualString();
        const auto &in = node->inputs();
        const bool aten = node->kind().is_aten();
        if (aten && writeListOrNumberOp(node, indent, name))
            return;
        if (aten && in.size() >= 1 && isTensor(in[0])) {
            if (name == "size" && in.size() == 2) {
                assign(node, indent, expr(in[0]) + ".size(" + expr(in[1]) + ")");
                return;
            }
            if ((name == "dim" || name == "numel") && in.size() == 1) {
                assign(node, indent, expr(in[0]) + "." + name + "()");
                return;
            }
        }
        const c10::FunctionSchema *schema = node->maybeSchema();
        if (!schema)
            throw InputError("no Python form for " + qualified);
        const std::string overload =
            schema->overload_name().empty() ? "default" : schema->overload_name();
        std::string call = "torch.ops." + std::string(node->kind().ns().toUnqualString()) + "." +
                           name + "." + overload + "(";
        const auto &args = schema->arguments();
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (i)
                call += ", ";
            if (i < args.size() && args[i].kwarg_only())
                call += args[i].name() + "=";
            call += expr(in[i]);
        }
        assign(node, indent, call + ")");
    }

    // aten ops on Python values (sizes, lists, flags) written with Python's operators and
    // methods: torch.ops would copy a list and lose an append.
    bool writeListOrNumberOp(Node *node, int indent, const std::string &name)
    {
        const auto &in = node->inputs();
        if (name == "__getitem__" && in.size() == 2) {
            assign(node, indent, expr(in[0]) + "[" + expr(in[1]) + "]");
            return true;
        }
        if (writeListMutation(node, indent, name))
            return true;
        if (anyTensorInput(node)) {
            if ((name == "Int" || name == "Float" || name == "Bool") && in.size() == 1) {
                assign(node, indent, builtinCalls().at(name) + "(" + expr(in[0]) + ")");
                return true;
            }
            return false;
        }
        auto binary = binaryOperators().find(name);
        if (binary != binaryOperators().end() && in.size() == 2) {
            assign(node, indent,
                   "(" + expr(in[0]) + " " + binary->second + " " + expr(in[1]) + ")");
            return true;
        }
        auto builtin = builtinCalls().find(name);
        if (builtin != builtinCalls().end()) {
            assign(node, indent, builtin->second + "(" + joined(in) + ")");
            return true;
        }
        if (name == "neg" && in.size() == 1) {
            assign(node, indent, "(-" + expr(in[0]) + ")");
        } else if (name == "__not__" && in.size() == 1) {
            assign(node, indent, "(not " + expr(in[0]) + ")");
        } else if (name == "__contains__" && in.size() == 2) {
            assign(node, indent, "(" + expr(in[1]) + " in " + expr(in[0]) + ")");
        } else if (name == "slice" && in.size() == 4) {
            assign(node, indent,
                   expr(in[0]) + "[" + expr(in[1]) + ":" + expr(in[2]) + ":" + expr(in[3]) + "]");
        } else if (name == "format" && !in.empty()) {
            std::vector<Value *> rest(in.begin() + 1, in.end());
            assign(node, indent, expr(in[0]) + ".format(" + joined(rest) + ")");
        } else if (name == "warn" && !in.empty()) {
            emit(indent, "warnings.warn(" + expr(in[0]) + ")");
        } else {
            return false;
        }
        return true;
    }

    // Lists are Python lists: an append must reach the list itself.
    bool writeListMutation(Node *node, int indent, const std::string &name)
    {
        const auto &in = node->inputs();
        if (in.empty() || in[0]->type()->kind() != c10::TypeKind::ListType)
            return false;
        if (name == "append" || name == "extend" || name == "insert" || name == "clear") {
            std::vector<Value *> rest(in.begin() + 1, in.end());
            emit(indent, expr(in[0]) + "." + name + "(" + joined(rest) + ")");
            for (Value *out : node->outputs())
                bind(out, expr(in[0]));
        } else if (name == "pop" && in.size() == 2) {
            assign(node, indent, expr(in[0]) + ".pop(" + expr(in[1]) + ")");
        } else if (name == "_set_item" && in.size() == 3) {
            emit(indent, expr(in[0]) + "[" + expr(in[1]) + "] = " + expr(in[2]));
            for (Value *out : node->outputs())
                bind(out, expr(in[0]));
        } else {
            return false;
        }
        return true;
    }

    Graph &graph_;
    bool isMethod_;
    PythonScope &scope_;
    std::vector<std::string> lines_;
    std::unordered_map<const Value *, std::string> exprs_;
    std::set<std::string> used_;
};

} // namespace

bool isPythonName(const std::string &name)
{
    return isPlainName(name);
}

bool isPythonFunctionName(const std::string &name)
{
    static const std::set<std::string> keywords = {
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",    "__init__"};
    return !name.empty() && pythonIdentifier(name) == name && !keywords.count(name);
}

std::string pythonIdentifier(const std::string &text)
{
    std::string out;
    for (char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
        out = "_" + out;
    return out;
}

std::string pythonLiteral(const c10::IValue &value)
{
    if (value.isNone())
        return "None";
    if (value.isBool())
        return value.toBool() ? "True" : "False";
    if (value.isInt())
        return std::to_string(value.toInt());
    if (value.isDouble())
        return floatLiteral(value.toDouble());
    if (value.isString())
        return stringLiteral(value.toStringRef());
    if (value.isDevice())
        return "torch.device(" + stringLiteral(value.toDevice().str()) + ")";
    if (value.isIntList())
        return listLiteral(value.toIntVector(), false);
    if (value.isDoubleList())
        return listLiteral(value.toDoubleVector(), false);
    if (value.isBoolList()) {
        std::vector<c10::IValue> items;
        for (bool b : value.toBoolList())
            items.emplace_back(b);
        return listLiteral(items, false);
    }
    if (value.isList()) {
        std::vector<c10::IValue> items;
        for (const c10::IValue &item : value.toListRef())
            items.push_back(item);
        return listLiteral(items, false);
    }
    if (value.isTuple()) {
        std::vector<c10::IValue> items;
        for (const c10::IValue &item : value.toTupleRef().elements())
            items.push_back(item);
        return listLiteral(items, true);
    }
    throw InputError("no Python literal for a constant of type " + value.tagKind());
}

std::vector<std::string> writePythonFunction(const std::string &name, Graph &graph, bool isMethod,
                                             PythonScope &scope)
{
    return FunctionWriter(graph, isMethod, scope).write(name);
}

} // namespace torchprep
