#include "torchscript/model_run_torch.h"

#include "base/dtype_names.h"
#include "libtorch/dtypes_torch.h"

#include "base/errors.h"
#include "base/printable.h"
#include "io/archive_check.h"
#include "io/regular_file.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <cmath>
#include <cstdio>

#include <unistd.h>

namespace torchprep {

namespace {

void flattenInto(const c10::IValue &value, std::vector<at::Tensor> &out)
{
    if (value.isTensor()) {
        out.push_back(value.toTensor());
    } else if (value.isTuple()) {
        for (const auto &e : value.toTupleRef().elements())
            flattenInto(e, out);
    } else if (value.isList()) {
        for (const auto &e : value.toListRef())
            flattenInto(e, out);
    } else if (value.isGenericDict()) {
        for (const auto &e : value.toGenericDict())
            flattenInto(e.value(), out);
    }
}

} // namespace

at::ScalarType scalarTypeNamed(const std::string &dtype)
{
    const std::optional<at::ScalarType> type = scalarTypeOf(dtype);
    if (!type || !isKnownDtype(dtype))
        throw InputError("--dtype '" + dtype + "': use " + inputDtypesText());
    return *type;
}

static void requireAllocatable(const Shape &shape, at::ScalarType dtype,
                               const std::string &dtypeName)
{
    std::uint64_t bytes = c10::elementSize(dtype);
    bool overflow = false;
    for (std::int64_t d : shape)
        overflow = overflow || __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(d), &bytes);
    const std::uint64_t memory = static_cast<std::uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
                                 static_cast<std::uint64_t>(::sysconf(_SC_PAGE_SIZE));
    if (overflow || bytes > memory) {
        char size[32];
        std::snprintf(size, sizeof size, "%.3g GiB", static_cast<double>(bytes) / (1ull << 30));
        throw InputError(
            "--input-shape " + shapeText(shape) + " is too large: one " + dtypeName +
            " tensor of " +
            (overflow ? std::string("that shape overflows 64 bits") : std::string(size)) +
            ", more than this machine's memory");
    }
}

std::vector<c10::IValue> randomInputs(const InputSpec &spec, int batch, const at::Device &device)
{
    for (std::size_t i = 0; i < spec.shapes.size(); ++i)
        requireAllocatable(spec.shapes[i], scalarTypeNamed(spec.dtypeOf(i)), spec.dtypeOf(i));
    torch::manual_seed(spec.seed + static_cast<std::uint64_t>(batch));
    std::vector<c10::IValue> inputs;
    for (std::size_t i = 0; i < spec.shapes.size(); ++i) {
        const Shape &shape = spec.shapes[i];
        const at::ScalarType dtype = scalarTypeNamed(spec.dtypeOf(i));
        const ValueRange range = spec.rangeOf(i);
        const auto options = at::TensorOptions().dtype(dtype);
        try {
            // Drawn on the CPU, so a seed gives the same numbers on every device.
            at::Tensor t;
            if (dtype == at::kBool)
                t = torch::randint(range.set ? static_cast<int64_t>(range.low) : 0,
                                   (range.set ? static_cast<int64_t>(range.high) : 1) + 1, shape,
                                   at::TensorOptions().dtype(at::kLong))
                        .to(at::kBool);
            else if (at::isFloatingType(dtype))
                t = range.set ? torch::rand(shape, options) * (range.high - range.low) + range.low
                              : torch::randn(shape, options);
            else
                t = torch::randint(range.set ? static_cast<int64_t>(std::ceil(range.low)) : 0,
                                   (range.set ? static_cast<int64_t>(std::floor(range.high)) : 9) +
                                       1,
                                   shape, options);
            inputs.emplace_back(t.to(device));
        } catch (const std::exception &) { // c10::Error or std::bad_alloc from the allocator
            throw InputError("--input-shape " + describeInput(spec, i) +
                             ": cannot allocate that tensor on " + device.str());
        }
    }
    return inputs;
}

// The largest --inputs file read: far above any batch of inputs, far below what hurts.
constexpr std::uint64_t kMaxInputsFileBytes = std::uint64_t(8) << 30;

// A file torch.save wrote, checked like a model file before libtorch unpickles it (regular
// file, bounded, no bombs, no deep nesting). `what` names it in messages.
c10::IValue loadSavedValue(const std::string &path, const std::string &what)
{
    try {
        checkArchive(path, what);
    } catch (const InputError &e) {
        throw InputError(std::string(e.what()) + " (tensors are saved with torch.save(x, FILE))");
    }
    const RegularFile file(path, what);
    if (file.size() > kMaxInputsFileBytes)
        throw InputError(what + " is " + std::to_string(file.size() >> 20) +
                         " MiB, more than the " + std::to_string(kMaxInputsFileBytes >> 20) +
                         " MiB a file of tensors may be");
    const std::string content = file.read(0, static_cast<std::size_t>(file.size()));
    const std::vector<char> bytes(content.begin(), content.end());
    try {
        return torch::jit::pickle_load(bytes);
    } catch (const std::exception &e) {
        throw InputError(what +
                         " is not a file saved by torch.save: " + printable(firstLine(e.what())));
    }
}

std::vector<c10::IValue> loadInputsFile(const std::string &path, const at::Device &device)
{
    const std::string what = "--inputs '" + printable(path) + "'";
    const c10::IValue value = loadSavedValue(path, what);
    std::vector<c10::IValue> items;
    if (value.isTensor()) {
        items.push_back(value);
    } else if (value.isTuple()) {
        for (const auto &e : value.toTupleRef().elements())
            items.push_back(e);
    } else if (value.isList()) {
        for (const auto &e : value.toListRef())
            items.push_back(e);
    }
    if (items.empty())
        throw InputError(what + " holds no tensor: save a tensor or a tuple of tensors");
    for (c10::IValue &item : items) {
        if (!item.isTensor())
            throw InputError(what + ": every input must be a tensor (found " + item.tagKind() +
                             ")");
        item = item.toTensor().to(device);
    }
    return items;
}

std::vector<at::Tensor> loadOutputsFile(const std::string &path, const at::Device &device)
{
    const std::string what = "the reference outputs '" + printable(path) + "'";
    std::vector<at::Tensor> outputs = flattenTensors(loadSavedValue(path, what));
    if (outputs.empty())
        throw InputError(
            what + " hold no tensor: save the model's outputs with torch.save(outputs, FILE)");
    for (at::Tensor &t : outputs)
        t = t.to(device);
    return outputs;
}

std::vector<c10::IValue> batchInputs(const InputSpec &spec, int batch, const at::Device &device)
{
    return spec.inputsFile.empty() ? randomInputs(spec, batch, device)
                                   : loadInputsFile(spec.inputsFile, device);
}

std::vector<at::Tensor> flattenTensors(const c10::IValue &value)
{
    std::vector<at::Tensor> out;
    flattenInto(value, out);
    return out;
}

c10::IValue runForward(torch::jit::Module &module, const std::vector<c10::IValue> &inputs,
                       const std::string &what)
{
    try {
        return module.forward(inputs);
    } catch (const c10::Error &e) {
        throw InputError("the " + what + " model rejects the inputs: " +
                         interpreterErrorLine(e.what_without_backtrace()));
    } catch (const std::exception &e) { // the interpreter's own errors
        throw InputError("the " + what +
                         " model rejects the inputs: " + interpreterErrorLine(e.what()));
    }
}

} // namespace torchprep
