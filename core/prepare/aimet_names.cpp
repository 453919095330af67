#include "prepare/aimet_names_torch.h"

#include "graph/op_catalogue.h"

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <unordered_set>

namespace torchprep {

namespace {

// Names fx will not give a node: Python's keywords and the builtins a generated forward may
// need (`sum` is taken, so torch.sum's first node is `sum_1`).
bool illegalInPython(const std::string &name)
{
    static const std::unordered_set<std::string> reserved = {
        "False",   "None",     "True",     "and",      "as",    "assert", "async",  "await",
        "break",   "class",    "continue", "def",      "del",   "elif",   "else",   "except",
        "finally", "for",      "from",     "global",   "if",    "import", "in",     "is",
        "lambda",  "nonlocal", "not",      "or",       "pass",  "raise",  "return", "try",
        "while",   "with",     "yield",    "abs",      "all",   "any",    "bool",   "dict",
        "divmod",  "filter",   "float",    "format",   "hash",  "id",     "input",  "int",
        "iter",    "len",      "list",     "map",      "max",   "min",    "next",   "open",
        "pow",     "print",    "range",    "reversed", "round", "set",    "slice",  "sorted",
        "str",     "sum",      "tuple",    "type",     "zip",   "inf",    "nan"};
    return reserved.count(name) > 0;
}

// fx's _Namespace.create_name: illegal characters become `_`, a trailing `_N` is the count
// to start from, and the first free `base`, `base_1`, `base_2`... is taken.
class FxNamespace
{
  public:
    std::string create(std::string candidate)
    {
        for (char &c : candidate)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
                c = '_';
        if (candidate.empty() || std::isdigit(static_cast<unsigned char>(candidate[0])))
            candidate = "_" + candidate;
        static const std::regex suffix("(.*)_(\\d+)$");
        std::smatch match;
        std::string base = candidate;
        long long num = 0;
        if (std::regex_match(candidate, match, suffix) && match[2].length() < 12) {
            base = match[1];
            num = std::stoll(match[2]);
            candidate = base + "_" + std::to_string(num);
        }
        while (used_.count(candidate) || illegalInPython(candidate))
            candidate = base + "_" + std::to_string(++num);
        used_.insert(candidate);
        return candidate;
    }

  private:
    std::unordered_set<std::string> used_;
};

// "module_relu_1" for fx node `layer1_0_relu_1` in scope `layer1.0`.
std::string moduleName(const std::string &fxName, const std::string &scope)
{
    std::string prefix = scope;
    for (char &c : prefix)
        if (c == '.')
            c = '_';
    if (!prefix.empty())
        prefix += "_";
    if (!prefix.empty() && fxName.size() > prefix.size() &&
        fxName.compare(0, prefix.size(), prefix) == 0)
        return "module_" + fxName.substr(prefix.size());
    return "module_" + fxName;
}

// The code a scripted node was compiled from ("a / b"); a trace keeps only file and line.
std::string codeOf(const torch::jit::Node *node)
{
    try {
        const auto generated = node->sourceRange().findSourceRangeThatGenerated();
        return generated && generated->source() ? generated->text().str() : std::string();
    } catch (const std::exception &) {
        return {};
    }
}

// fx names an operator by Python's operator module: `a / b` is `truediv` where torch.div and
// a.div are `div`, and `7.1 - x` (TorchScript's rsub) is `sub`. Scripted code says which was
// written (`torch.div`, `a / b`); a trace keeps only file and line, and takes the operator,
// which model code writes far more often.
std::string operatorName(const std::string &base, const std::string &code)
{
    const bool scripted = !code.empty() && code.find('\n') == std::string::npos;
    auto called = [&](const std::string &name) {
        return scripted && code.size() >= name.size() &&
               code.compare(code.size() - name.size(), name.size(), name) == 0;
    };
    if (base == "div" && !called("div"))
        return "truediv";
    if (base == "rsub" && !called("rsub"))
        return "sub";
    return base;
}

// fx's name for the op `node` (its TorchScript node `real`, when it has one): the function
// called, an operator by Python's operator module, a traced F.conv2d by its rank.
std::string opName(const GraphNode &node, const torch::jit::Node *real)
{
    std::string name = AimetNames::baseName(node.op, node.function);
    if (real && node.function.empty())
        name = operatorName(name, codeOf(real));
    if (name == "convolution" && real && real->inputs().size() > 3) // traced F.conv2d
        if (auto stride = staticValue(real->input(3)); stride && stride->isList())
            name = "conv" + std::to_string(stride->toListRef().size()) + "d";
    return name;
}

} // namespace

std::string AimetNames::baseName(const std::string &op, const std::string &function)
{
    std::string base = baseOpName(function.empty() ? op : function);
    // A reflected operator (`7.1 - x` traced as Tensor.__rsub__) is the operator to fx.
    static const std::map<std::string, std::string> reflected = {
        {"rsub", "sub"}, {"rdiv", "truediv"},   {"rtruediv", "truediv"}, {"radd", "add"},
        {"rmul", "mul"}, {"rmatmul", "matmul"}, {"rpow", "pow"}};
    if (function.size() > 4 && function.compare(function.size() - 2, 2, "__") == 0)
        if (const auto it = reflected.find(base); it != reflected.end())
            return it->second;
    if (base == "fn") // torch's boolean_dispatch (F.max_pool2d's return_indices) names its inner fn
        base = baseOpName(op);
    if (base == "upsample" || base.compare(0, 9, "upsample_") == 0)
        return "interpolate";
    return base;
}

AimetNames::AimetNames(const PassContext &context, const std::vector<Finding> &missing)
{
    const ModelGraph &graph = context.graph();
    std::set<NodeId> flagged;
    for (const Finding &f : missing)
        if (!f.nodes.empty())
            flagged.insert(f.nodes.front());
    FxNamespace fx;
    for (const SignatureEntry &input : graph.signatureInputs)
        fx.create(input.name);
    for (const GraphNode &node : graph.nodes) {
        if (node.insideTorch)
            continue;
        std::string candidate;
        if (node.kind == NodeKind::ModuleCall) {
            const ModuleInfo &callee = graph.modules[node.callee];
            if (node.expanded && !callee.composite)
                continue; // fx traces through the user's modules
            candidate = callee.path;
        } else if (flagged.count(node.id)) {
            candidate = opName(node, context.node(node.id));
        } else {
            continue;
        }
        torch::jit::Node *real = context.node(node.id);
        const std::string name = fx.create(candidate);
        if (!real)
            continue;
        const torch::jit::Module &owner = context.module(node.owner);
        names_.emplace(std::make_pair(owner._ivalue().get(), real),
                       moduleName(name, graph.modules[node.owner].path));
    }
}

std::string AimetNames::nameFor(const torch::jit::Module &owner, const torch::jit::Node *node) const
{
    auto it = names_.find({owner._ivalue().get(), node});
    return it == names_.end() ? std::string() : it->second;
}

} // namespace torchprep
