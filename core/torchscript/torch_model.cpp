// Loading a TorchScript file, with a one-line reason for every way it can fail.
#include "torchscript/torch_model.h"

#include "base/errors.h"
#include "base/large_stack.h"
#include "base/printable.h"
#include "io/archive_check.h"
#include "io/atomic_file.h"
#include "io/run_files.h"
#include "libtorch/missing_aten_ops.h"
#include "libtorch/ops_libraries.h"
#include "libtorch/type_registry.h"
#include "torchscript/debug_info_check.h"
#include "torchscript/torch_model_impl.h"

#include <torch/csrc/jit/api/function_impl.h>

#include <algorithm>
#include <set>

namespace torchprep {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string &path)
{
    return "'" + printable(path) + "'";
}

// Every method and function graph of the model: their ops, blocks included.
std::size_t countNodes(const torch::jit::Block *block)
{
    std::size_t n = 0;
    for (const torch::jit::Node *node : block->nodes()) {
        ++n;
        for (const torch::jit::Block *sub : node->blocks())
            n += countNodes(sub);
    }
    return n;
}

// The interpreter compiles a graph recursively along its data flow: refuse what no stack holds.
void requireRunnableSize(const torch::jit::Module &module, const std::string &path)
{
    std::set<const c10::ClassType *> seen;
    for (const torch::jit::Module &m : module.modules()) {
        if (!seen.insert(m.type().get()).second)
            continue;
        for (const torch::jit::Function *fn : m.type()->methods()) {
            if (!fn->isGraphFunction())
                continue;
            const std::size_t nodes = countNodes(torch::jit::toGraphFunction(*fn).graph()->block());
            if (nodes > kMaxGraphNodes)
                throw InputError(quoted(path) + ": method " + printable(fn->name()) + " of " +
                                 printable(m.type()->name()->qualifiedName()) + " has " +
                                 std::to_string(nodes) + " ops, more than the " +
                                 std::to_string(kMaxGraphNodes) + " TorchPrep can run");
        }
    }
}

// "torchvision::nms" from libtorch's "Unknown builtin op: torchvision::nms"; "" otherwise.
std::string unknownOp(const std::string &reason)
{
    const std::string marker = "Unknown builtin op: ";
    const auto at = reason.find(marker);
    if (at == std::string::npos)
        return {};
    std::string op = reason.substr(at + marker.size());
    op = op.substr(0, op.find_first_of(" .\t'\""));
    return op.find("::") == std::string::npos ? std::string() : op;
}

// " (torch 2.6 has it)" from the census of torch 2.x files, "" for an op it never met.
std::string newerTorchWithOp(const std::string &op)
{
    const std::string version = torchVersionWithOp(op);
    return version.empty() ? std::string() : " (torch " + version + " has it)";
}

// What torch.save wrote, told by the classes its pickle names.
std::string describeTorchSave(const ArchiveContents &archive)
{
    const std::string cls = archive.objectClass();
    return cls.empty()
               ? "a state_dict or tensors"
               : "a whole model pickled with torch.save(model) (class " + printable(cls) + ")";
}

} // namespace

TorchModel::TorchModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchModel::~TorchModel() = default;

const std::string &TorchModel::path() const
{
    return impl_->path;
}

void TorchModel::saveAtomically(const std::string &path) const
{
    if (sameFile(path, impl_->path))
        throw InputError(quoted(path) +
                         " is the file the model was loaded from: choose another file");
    try {
        AtomicFile file(path);
        impl_->module.save(file.stream());
        file.commit();
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) {
        throw InputError("cannot write " + quoted(path) + ": " + printable(firstLine(e.what())));
    }
}

std::unique_ptr<TorchModel> TorchModel::copy() const
{
    auto impl = std::make_unique<Impl>();
    impl->path = impl_->path;
    // clone(): new class types and graphs, attributes deep-copied; a pass edits only the copy.
    const std::lock_guard<std::mutex> registering(typeRegistryMutex());
    impl->module = impl_->module.clone();
    return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
}

std::unique_ptr<TorchModel> TorchModel::load(const std::string &path)
{
    return load(path, "cpu");
}

std::unique_ptr<TorchModel> TorchModel::load(const std::string &path, const std::string &device)
{
    const ArchiveContents archive = checkArchive(path, quoted(path));
    if (archive.isExportedProgram())
        throw InputError(quoted(path) + " is a torch.export program (.pt2): TorchPrep validates, " +
                         "views and compares it, but prepares and exports TorchScript files only " +
                         "(save one with torch.jit.trace(model, example).save(path))");
    if (archive.isTorchSave())
        throw InputError(quoted(path) + " holds " + describeTorchSave(archive) +
                         " saved with torch.save, not a TorchScript model: save the model with "
                         "torch.jit.trace(model, example).save(path)");
    checkDebugInfo(archive, quoted(path));
    registerMissingAtenOps(); // torch 2.x's ops before any file that calls them is read
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    std::set<std::string> triedNamespaces;
    for (;;) {
        try {
            impl->module = torch::jit::load(path, at::Device(device));
            break;
        } catch (const std::exception &e) { // c10::Error and the script compiler's own errors
            const std::string reason = firstLine(e.what());
            // An op of a custom library (torchvision::nms): load the library that provides it,
            // once.
            const std::string op = unknownOp(reason);
            const std::string ns = op.substr(0, op.find("::"));
            if (!op.empty() && triedNamespaces.insert(ns).second) {
                const std::string library = findOpsLibraryFor(ns);
                if (!library.empty()) {
                    loadOpsLibrary(library);
                    continue;
                }
            }
            if (ns == "aten" || ns == "prim")
                throw InputError(quoted(path) + " uses the op " + printable(op) +
                                 ", which the linked libtorch " + linkedTorchVersion() +
                                 " lacks: the file was saved by a newer torch" +
                                 newerTorchWithOp(op) + ", and TorchPrep has no kernel for it yet");
            const std::vector<std::string> loadedLibraries = loadedOpsLibraries();
            const std::string own = op.empty() ? std::string() : findOpsLibraryFor(ns);
            if (!own.empty() && std::find(loadedLibraries.begin(), loadedLibraries.end(), own) !=
                                    loadedLibraries.end())
                throw InputError(quoted(path) + " uses the op " + printable(op) + ", which " +
                                 opsLibraryProvider(ns) +
                                 " here lacks: the file was saved with a newer " + printable(ns) +
                                 "; load an operator library that has it, built for libtorch " +
                                 linkedTorchVersion() + ", with --ops-library PATH");
            if (!op.empty())
                throw InputError(quoted(path) + " uses the op " + printable(op) +
                                 ", which no loaded library provides: it comes with " +
                                 opsLibraryProvider(ns) + "; load it with --ops-library PATH");
            throw InputError(
                quoted(path) + " cannot be loaded as TorchScript: " +
                (reason.empty() ? std::string("libtorch gave no reason") : printable(reason)));
        }
    }
    if (!impl->module.find_method("forward"))
        throw InputError(quoted(path) + " has no forward method to analyse");
    requireRunnableSize(impl->module, path);
    impl->module.eval();
    return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
}

} // namespace torchprep
