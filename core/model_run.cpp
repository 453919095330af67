#include "model_run_torch.h"

#include "errors.h"

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
    if (dtype == "float32" || dtype == "float")
        return at::kFloat;
    if (dtype == "float64" || dtype == "double")
        return at::kDouble;
    if (dtype == "float16" || dtype == "half")
        return at::kHalf;
    if (dtype == "bfloat16")
        return at::kBFloat16;
    if (dtype == "int64" || dtype == "long")
        return at::kLong;
    if (dtype == "int32" || dtype == "int")
        return at::kInt;
    throw InputError("--dtype '" + dtype +
                     "': use float32, float64, float16, bfloat16, int64 or int32");
}

static void requireAllocatable(const Shape &shape, at::ScalarType dtype, const std::string &dtypeName)
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
        throw InputError("--input-shape " + shapeText(shape) + " is too large: one " + dtypeName + " tensor of " +
                         (overflow ? std::string("that shape overflows 64 bits") : std::string(size)) +
                         ", more than this machine's memory");
    }
}

std::vector<c10::IValue> randomInputs(const InputSpec &spec, int batch, const at::Device &device)
{
    const at::ScalarType dtype = scalarTypeNamed(spec.dtype);
    for (const Shape &shape : spec.shapes)
        requireAllocatable(shape, dtype, spec.dtype);
    torch::manual_seed(spec.seed + static_cast<std::uint64_t>(batch));
    std::vector<c10::IValue> inputs;
    for (const Shape &shape : spec.shapes) {
        const auto options = at::TensorOptions().dtype(dtype);
        try {
            // Drawn on the CPU, so a seed gives the same numbers on every device.
            at::Tensor t = at::isFloatingType(dtype) ? torch::randn(shape, options)
                                                     : torch::randint(0, 10, shape, options);
            inputs.emplace_back(t.to(device));
        } catch (const std::exception &) { // c10::Error or std::bad_alloc from the allocator
            throw InputError("--input-shape " + shapeText(shape) + ": cannot allocate a " + spec.dtype +
                             " tensor of that shape on " + device.str());
        }
    }
    return inputs;
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
        throw InputError("the " + what + " model rejects the inputs: " +
                         interpreterErrorLine(e.what()));
    }
}

std::string shapeText(const Shape &shape)
{
    std::string text;
    for (auto d : shape)
        text += (text.empty() ? "" : ",") + std::to_string(d);
    return "[" + text + "]";
}

} // namespace torchprep
