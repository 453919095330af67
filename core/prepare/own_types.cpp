// own types: every instance of user code gets a class type of its own, as tracing gives it.
#include "graph/module_classes.h"
#include "prepare/own_types_torch.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <unordered_set>

namespace torchprep {

namespace {

using torch::jit::Module;

// Points the `self.<name>` reads of `block` at the child's new type.
void retypeReads(torch::jit::Block *block, const torch::jit::Value *self, const std::string &name,
                 const c10::ClassTypePtr &type)
{
    for (torch::jit::Node *node : block->nodes()) {
        if (node->kind() == c10::prim::GetAttr && node->input(0) == self &&
            node->s(c10::attr::name) == name)
            node->output()->setType(type);
        for (torch::jit::Block *sub : node->blocks())
            retypeReads(sub, self, name, type);
    }
}

// A copy of `type` (attributes, constants, methods) under a mangled name; nothing when the
// type has hooks or properties, which a copy would have to carry too.
c10::ClassTypePtr copyType(const c10::ClassTypePtr &type,
                           const std::shared_ptr<torch::jit::CompilationUnit> &unit)
{
    if (!type->getForwardHooks().empty() || !type->getForwardPreHooks().empty() ||
        !type->properties().empty() || !type->name())
        return nullptr;
    const c10::QualifiedName name = unit->mangle(*type->name());
    auto copy = c10::ClassType::create(name, unit, /*is_module=*/true, type->doc_string());
    for (std::size_t i = 0; i < type->numAttributes(); ++i)
        copy->addAttribute(type->getAttributeName(i), type->getAttribute(i), type->is_parameter(i),
                           type->is_buffer(i));
    for (std::size_t i = 0; i < type->numConstants(); ++i)
        copy->addConstant(type->getConstantName(i), type->getConstant(i));
    unit->register_type(copy);
    for (torch::jit::Function *method : type->methods()) {
        auto graph = torch::jit::toGraphFunction(*method).graph()->copy();
        graph->inputs().at(0)->setType(copy);
        copy->addMethod(unit->create_function(c10::QualifiedName(name, method->name()), graph));
    }
    return copy;
}

class OwnTypes
{
  public:
    PassLog log{step_id::kOwnTypes, {}};

    void run(const Module &module, const std::string &path = "")
    {
        if (!visited_.insert(module._ivalue().get()).second)
            return;
        claimed_.insert(module.type().get());
        const c10::ClassTypePtr type = module.type();
        for (std::size_t slot = 0; slot < type->numAttributes(); ++slot) {
            auto childType = type->getAttribute(slot)->cast<c10::ClassType>();
            const c10::IValue value = module._ivalue()->getSlot(slot);
            if (!childType || !childType->is_module() || !value.isObject())
                continue;
            Module child(value.toObject());
            const std::string cls = demangleClassName(childType->name()->qualifiedName());
            const std::string name = type->getAttributeName(slot);
            const std::string childPath = path.empty() ? name : path + "." + name;
            if (!isLeafModuleClass(cls) && !visited_.count(child._ivalue().get()) &&
                claimed_.count(childType.get())) {
                const Module owned = withOwnType(module, slot, child);
                if (owned._ivalue() != child._ivalue())
                    log.changes.push_back({log.name, childPath, cls, {}});
                child = owned;
            }
            run(child, childPath);
        }
    }

  private:
    Module withOwnType(const Module &parent, std::size_t slot, const Module &child)
    {
        auto unit = child._ivalue()->compilation_unit();
        const c10::ClassTypePtr type = copyType(child.type(), unit);
        if (!type)
            return child;
        auto object =
            c10::ivalue::Object::create(c10::StrongTypePtr(unit, type), type->numAttributes());
        for (std::size_t i = 0; i < type->numAttributes(); ++i)
            object->setSlot(i, child._ivalue()->getSlot(i));
        const std::string name = parent.type()->getAttributeName(slot);
        parent._ivalue()->setSlot(slot, object);
        parent.type()->unsafeChangeAttributeType(name, type);
        for (torch::jit::Function *method : parent.type()->methods()) {
            auto graph = torch::jit::toGraphFunction(*method).graph();
            retypeReads(graph->block(), graph->inputs().at(0), name, type);
        }
        return Module(object);
    }

    std::unordered_set<const c10::ivalue::Object *> visited_;
    std::unordered_set<const c10::ClassType *> claimed_;
};

} // namespace

PassLog giveInstancesOwnTypes(Module &root)
{
    OwnTypes own;
    own.run(root);
    return own.log;
}

} // namespace torchprep
