// Each step on graph text, as PyTorch tests its JIT passes: IR parsed by parseIR, or a module
// written with Module::define; the step; FileCheck on the graph it leaves.
#include "pass_cases.h"

#include "checks/finding.h"
#include "prepare/functional_to_module_torch.h"
#include "prepare/graph_caches_torch.h"
#include "prepare/inline_calls_torch.h"
#include "prepare/linear_to_layer_torch.h"
#include "prepare/own_types_torch.h"
#include "prepare/pass_state_torch.h"
#include "prepare/rewrite_support_torch.h"
#include "prepare/unroll_fixed_loops_torch.h"
#include "prepare/unroll_reused_modules_torch.h"
#include "torchscript/static_values_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/irparser.h>
#include <torch/csrc/jit/testing/file_check.h>
#include <torch/script.h>

#include <sstream>

namespace torchprep::testing {

namespace {

using torch::jit::Module;
using torch::jit::testing::FileCheck;

std::shared_ptr<torch::jit::Graph> parsed(const std::string &ir)
{
    auto graph = std::make_shared<torch::jit::Graph>();
    torch::jit::parseIR(ir, graph.get());
    return graph;
}

torch::jit::Graph &forwardGraph(Module &module)
{
    return *torch::jit::toGraphFunction(module.get_method("forward").function()).graph();
}

std::string graphText(const torch::jit::Graph &graph)
{
    std::ostringstream text;
    text << graph;
    return text.str();
}

// What a module must return on a fixed input, computed with ATen itself (running the module before
// a step would leave libtorch's executor with the old graph; the preparer runs a fresh copy).
struct Outputs
{
    at::Tensor input = torch::randn({2, 3});
    at::Tensor expected;
    explicit Outputs(const std::function<at::Tensor(const at::Tensor &)> &truth)
        : expected(truth(input))
    {
    }

    // "" when `module`, run as the preparer leaves it, returns what it must, else both results.
    std::string same(Module &module) const
    {
        clearGraphCaches(module);
        const at::Tensor after = module.forward({input}).toTensor();
        if (after.sizes() == expected.sizes() && at::allclose(after, expected))
            return {};
        std::ostringstream why;
        why << "outputs differ: " << expected << " expected, " << after << " after the step";
        return why.str();
    }
};

// A module of user code whose forward is `code`, with `children` registered under their names.
Module userModule(const std::string &name, const std::string &code,
                  const std::vector<std::pair<std::string, Module>> &children = {})
{
    Module module(name);
    for (const auto &[child, value] : children)
        module.register_module(child, value);
    module.define(code);
    return module;
}

std::string foldDecidedBranchesCase()
{
    auto graph = parsed(R"IR(
graph(%x : Tensor):
  %c : bool = prim::Constant[value=1]()
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      %b : Tensor = aten::sigmoid(%x)
      -> (%b)
  return (%y)
)IR");
    foldDecidedBranches(graph);
    FileCheck().check_not("prim::If")->check("aten::relu")->check_not("aten::sigmoid")->run(*graph);
    return {};
}

std::string staticValueCase()
{
    std::unordered_map<std::string, torch::jit::Value *> values;
    auto graph = std::make_shared<torch::jit::Graph>();
    torch::jit::parseIR(R"IR(
graph(%x : int):
  %one : int = prim::Constant[value=1]()
  %fixed : int[] = prim::ListConstruct(%one, %one)
  %grown : int[] = prim::ListConstruct(%one)
  %appended : int[] = aten::append(%grown, %x)
  %ran : int[] = prim::ListConstruct(%one, %x)
  %a : int = aten::len(%fixed)
  %b : int = aten::len(%ran)
  return (%a, %b, %grown)
)IR",
                        graph.get(), values);
    const auto fixed = staticValue(values.at("fixed"));
    if (!fixed || fixed->toIntList().vec() != std::vector<std::int64_t>{1, 1})
        return "[1, 1] of constants is not static";
    if (staticValue(values.at("grown")))
        return "a list appended to was taken for its first value";
    if (staticValue(values.at("ran")))
        return "a list holding an input was taken as static";
    return {};
}

// own_types: two instances of one class; the second gets a type of its own.
std::string ownTypesCase()
{
    const Module sub = userModule("Sub", "def forward(self, x):\n    return x * 2.0\n");
    Module net =
        userModule("Net", "def forward(self, x):\n    return self.b.forward(self.a.forward(x))\n",
                   {{"a", sub}, {"b", sub.deepcopy()}});
    const PassLog log = giveInstancesOwnTypes(net);
    if (log.changes.size() != 1 || log.changes[0].module != "b")
        return "expected one instance, b, given its own type";
    if (net.attr("a").toModule().type() == net.attr("b").toModule().type())
        return "a and b still share a type";
    FileCheck().check("__torch__.Sub = prim::GetAttr[name=\"a\"]")->run(forwardGraph(net));
    FileCheck()
        .check("___torch_mangle")
        ->check_same("prim::GetAttr[name=\"b\"]")
        ->run(forwardGraph(net));
    return {};
}

// inline_calls: a helper method's ops land in forward, one node each.
std::string inlineCallsCase()
{
    Module net = userModule("Net", "def _block(self, x):\n    return torch.relu(x)\n\n"
                                   "def forward(self, x):\n    return self._block(x) + 1.0\n");
    const Outputs outputs([](const at::Tensor &x) { return at::relu(x) + 1.0; });
    const PassLog log = inlineUserCalls(net);
    if (log.changes.size() != 1 || !log.changes[0].module.empty())
        return "expected the model's own forward, changed once";
    FileCheck()
        .check_not("prim::CallMethod")
        ->check("aten::relu")
        ->check("aten::add")
        ->run(forwardGraph(net));
    return outputs.same(net);
}

// unroll_fixed_loops: a loop of an attribute's count becomes that many bodies, counter
// constant; a loop sized by the input stays.
std::string unrollFixedLoopsCase()
{
    Module net("Net");
    net.register_attribute("iters", c10::IntType::get(), 3);
    net.define("def forward(self, x):\n"
               "    for i in range(self.iters):\n"
               "        x = torch.relu(x) + i\n"
               "    for j in range(x.size(0)):\n"
               "        x = x * 2.0\n"
               "    return x\n");
    const Outputs outputs([](const at::Tensor &x) {
        at::Tensor y = x;
        for (int i = 0; i < 3; ++i)
            y = at::relu(y) + i;
        for (int64_t j = 0; j < y.size(0); ++j)
            y = y * 2.0;
        return y;
    });
    const PassLog log = unrollFixedLoops(net);
    if (log.changes.size() != 1 || log.changes[0].op != "loop of 3")
        return "expected one loop of 3 unrolled";
    FileCheck()
        .check_count("aten::relu", 3, /*exactly=*/true)
        ->check("prim::Loop")
        ->check("aten::mul")
        ->run(forwardGraph(net));
    FileCheck().check_count("prim::Loop", 1, /*exactly=*/true)->run(forwardGraph(net));
    return outputs.same(net);
}

// functional_to_module: F.relu becomes a call of a new ReLU module, same outputs.
std::string functionalToModuleCase()
{
    Module net = userModule("Net", "def forward(self, x):\n    return torch.relu(x) * 3.0\n");
    const Outputs outputs([](const at::Tensor &x) { return at::relu(x) * 3.0; });
    CheckOptions options;
    PassState state(net, "", options);
    const PassLog log = convertFunctionalsToModules(state, {});
    if (log.changes.size() != 2)
        return "expected the relu and the mul wrapped, got " + std::to_string(log.changes.size());
    FileCheck()
        .check("prim::GetAttr[name=\"module_relu\"]")
        ->check("prim::CallMethod[name=\"forward\"]")
        ->check("prim::GetAttr[name=\"module_mul\"]")
        ->check_not("aten::relu")
        ->check_not("aten::mul")
        ->run(forwardGraph(net));
    return outputs.same(net);
}

// linear_to_layer: linear on the module's own parameters becomes an nn.Linear holding them.
std::string linearToLayerCase()
{
    Module net("Net");
    net.register_parameter("weight", torch::randn({4, 3}), false);
    net.register_parameter("bias", torch::randn({4}), false);
    net.define("def forward(self, x):\n    return torch.linear(x, self.weight, self.bias)\n");
    const at::Tensor weight = net.attr("weight").toTensor().clone(),
                     bias = net.attr("bias").toTensor().clone();
    const Outputs outputs([&](const at::Tensor &x) { return at::linear(x, weight, bias); });
    CheckOptions options;
    PassState state(net, "", options);
    const PassLog log = convertLinearToLayers(state, {});
    if (log.changes.size() != 1 || log.changes[0].module != "module_linear")
        return "expected one new layer, module_linear";
    FileCheck()
        .check("prim::GetAttr[name=\"module_linear\"]")
        ->check("prim::CallMethod[name=\"forward\"]")
        ->check_not("aten::linear")
        ->run(forwardGraph(net));
    if (net.type()->hasAttribute("weight"))
        return "the owner still holds the weight the layer took";
    return outputs.same(net);
}

// unroll_reuse: a module called twice; the second call runs a copy of its own.
std::string unrollReuseCase()
{
    const Module sub = userModule("Sub", "def forward(self, x):\n    return torch.sigmoid(x)\n");
    Module net = userModule(
        "Net", "def forward(self, x):\n    return self.sub.forward(self.sub.forward(x))\n",
        {{"sub", sub}});
    const Outputs outputs([](const at::Tensor &x) { return at::sigmoid(at::sigmoid(x)); });
    CheckOptions options;
    PassState state(net, "", options);
    const PassLog log = unrollReusedModules(state, {});
    if (log.changes.size() != 1 || log.changes[0].module != "module_sub_1")
        return "expected one copy, module_sub_1";
    FileCheck()
        .check_count("prim::CallMethod[name=\"forward\"]", 2, /*exactly=*/true)
        ->run(forwardGraph(net));
    std::vector<std::string> called; // the attribute each call's module is read from, in order
    for (const torch::jit::Node *node : forwardGraph(net).nodes())
        if (node->kind() == c10::prim::CallMethod)
            called.push_back(node->input(0)->node()->s(c10::attr::name));
    if (called != std::vector<std::string>{"sub", "module_sub_1"})
        return "the calls do not run sub, then its copy module_sub_1";
    if (net.attr("sub").toModule()._ivalue() == net.attr("module_sub_1").toModule()._ivalue())
        return "the copy is the same object";
    return outputs.same(net);
}

// clear_graph_caches: an optimized copy made before a rewrite is gone after it.
std::string clearGraphCachesCase()
{
    Module net = userModule("Net", "def forward(self, x):\n    return torch.relu(x)\n");
    auto &forward = torch::jit::toGraphFunction(net.get_method("forward").function());
    FileCheck().check("aten::relu")->run(*forward.optimized_graph()); // cached now
    torch::jit::Graph &graph = *forward.graph();
    for (torch::jit::Node *node : graph.nodes())
        if (node->kind() == c10::Symbol::fromQualString("aten::relu")) {
            torch::jit::WithInsertPoint here(node);
            torch::jit::Value *sigmoid =
                graph.insert(c10::Symbol::fromQualString("aten::sigmoid"), {node->input(0)});
            node->output()->replaceAllUsesWith(sigmoid);
            node->destroy();
            break;
        }
    if (graphText(*forward.optimized_graph()).find("aten::relu") == std::string::npos)
        return "the cache was not kept before the step: the case shows nothing";
    clearGraphCaches(net);
    FileCheck().check("aten::sigmoid")->check_not("aten::relu")->run(*forward.optimized_graph());
    return {};
}

std::string guarded(std::string (*run)())
{
    try {
        return run();
    } catch (const std::exception &e) { // FileCheck's and libtorch's
        return e.what();
    }
}

} // namespace

std::vector<PassCase> passCases()
{
    return {
        {"fold_decided_branches", [] { return guarded(foldDecidedBranchesCase); }},
        {"static_value", [] { return guarded(staticValueCase); }},
        {"own_types", [] { return guarded(ownTypesCase); }},
        {"inline_calls", [] { return guarded(inlineCallsCase); }},
        {"unroll_fixed_loops", [] { return guarded(unrollFixedLoopsCase); }},
        {"linear_to_layer", [] { return guarded(linearToLayerCase); }},
        {"functional_to_module", [] { return guarded(functionalToModuleCase); }},
        {"unroll_reuse", [] { return guarded(unrollReuseCase); }},
        {"clear_graph_caches", [] { return guarded(clearGraphCachesCase); }},
    };
}

} // namespace torchprep::testing
