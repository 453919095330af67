// Export out of process (Python's torch.onnx), proof in ONNX Runtime (Python), both fed files from
// a private temporary folder that goes when the export is done.
#include "onnx/onnx_export.h"

#include "libtorch/dtypes_torch.h"

#include "base/errors.h"
#include "base/json_reader.h"
#include "base/json_writer.h"
#include "base/printable.h"
#include "compare/comparison_torch.h"
#include "io/atomic_file.h"
#include "io/subprocess.h"
#include "onnx/onnx_scripts.h"
#include "torchscript/model_run_torch.h"
#include "torchscript/torch_model_impl.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace torchprep {

namespace {

namespace fs = std::filesystem;

constexpr int kExportSeconds = 1800; // a large model's export takes minutes, not hours
constexpr int kRuntimeSeconds = 1800;

// A private folder (mkdtemp) removed with everything in it when the export is done.
class ScratchFolder
{
  public:
    ScratchFolder()
    {
        const char *tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/torchprep-onnx-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw InputError("cannot make a temporary folder for the ONNX export");
        path_ = pattern;
    }
    ~ScratchFolder()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string &name) const { return (path_ / name).string(); }

  private:
    fs::path path_;
};

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw InputError("cannot write the temporary file " + path);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The last line a helper printed: its JSON result.
JsonValue resultOf(const ProcessResult &run, const std::string &what)
{
    std::string text = run.out;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    const auto line = text.rfind('\n');
    return parseJson(line == std::string::npos ? text : text.substr(line + 1), what);
}

// ONNX Runtime's numpy name of an input type ("float32"); nothing for one it takes no input of.
std::optional<std::string> onnxDtype(at::ScalarType type)
{
    if (type == at::kBFloat16 || isComplexType(type)) // numpy has neither
        return std::nullopt;
    return dtypeNameOf(type);
}

at::ScalarType scalarTypeOfOnnx(const std::string &name)
{
    const std::optional<at::ScalarType> type = scalarTypeOf(name);
    if (!type || onnxDtype(*type) != name) // aliases and types ONNX Runtime has none of
        throw InputError("ONNX Runtime returned a tensor of type " + printable(name));
    return *type;
}

// The Pythons that may have onnxruntime, in the order they are tried: the one the user names
// (`named`), the exporter's (`exporter`), python3 on PATH (a venv the user activated).
std::vector<std::string> onnxRuntimePythons(const std::string &named, const std::string &exporter)
{
    std::vector<std::string> found;
    for (const std::string &candidate : {named, exporter, std::string("python3")}) {
        const std::string python = candidate.empty() ? std::string() : findExecutable({candidate});
        if (!python.empty() && std::find(found.begin(), found.end(), python) == found.end())
            found.push_back(python);
    }
    return found;
}

std::string joinedPythons(const std::vector<std::string> &pythons)
{
    std::string text;
    for (const std::string &python : pythons)
        text += (text.empty() ? "" : ", ") + python;
    return text;
}

// Runs the TorchScript model as the proof does: plain interpreter, seeded, no gradients.
std::vector<at::Tensor> torchScriptOutputs(const TorchModel &model,
                                           const std::vector<c10::IValue> &inputs)
{
    torch::NoGradGuard noGrad;
    torch::jit::GraphOptimizerEnabledGuard plainInterpreter(false);
    torch::jit::Module module = model.impl().module;
    return flattenTensors(runForward(module, inputs, "TorchScript"));
}

OnnxProof proveInRuntime(const TorchModel &model, const std::vector<c10::IValue> &inputs,
                         const ScratchFolder &scratch, const std::string &onnxPath,
                         double tolerance, const std::string &exporterPython)
{
    OnnxProof proof;
    const char *variable = std::getenv("TORCHPREP_ONNXRUNTIME_PYTHON");
    const std::string named = variable ? variable : "";
    if (!named.empty() && findExecutable({named}).empty()) {
        proof.note = "no ONNX Runtime: TORCHPREP_ONNXRUNTIME_PYTHON names " + printable(named) +
                     ", which is no program";
        return proof;
    }
    const std::vector<std::string> pythons = onnxRuntimePythons(named, exporterPython);
    if (pythons.empty()) {
        proof.note = "no ONNX Runtime: no python3 was found to run it (Debian: python3)";
        return proof;
    }
    JsonWriter manifest;
    manifest.beginObject();
    manifest.key("model").value(onnxPath);
    manifest.key("outdir").value(scratch.file(""));
    manifest.key("inputs").beginArray();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const at::Tensor t = inputs[i].toTensor().contiguous().cpu();
        const std::optional<std::string> dtype = onnxDtype(t.scalar_type());
        if (!dtype) {
            proof.note =
                "ONNX Runtime takes no " + std::string(c10::toString(t.scalar_type())) + " input";
            return proof;
        }
        const std::string file = scratch.file("input_" + std::to_string(i) + ".bin");
        writeText(file, std::string(static_cast<const char *>(t.data_ptr()), t.nbytes()));
        manifest.beginObject();
        manifest.key("dtype").value(*dtype);
        manifest.key("shape").beginArray();
        for (auto d : t.sizes())
            manifest.value(static_cast<std::int64_t>(d));
        manifest.endArray();
        manifest.key("file").value(file);
        manifest.endObject();
    }
    manifest.endArray();
    manifest.endObject();
    const std::string manifestPath = scratch.file("ort.json");
    writeText(manifestPath, manifest.str());
    const std::string script = scratch.file("run_onnxruntime.py");
    writeText(script, onnxRuntimeScript());
    // The first Python that imports onnxruntime runs it; exit 3 means this one has none.
    ProcessResult run;
    for (const std::string &python : pythons) {
        run = runProcess({python, script, manifestPath}, kRuntimeSeconds);
        if (!run.started || run.exitCode == 3)
            continue;
        break;
    }
    if (!run.started || run.exitCode == 3) {
        proof.note =
            "no ONNX Runtime: none of " + printable(joinedPythons(pythons)) +
            " imports onnxruntime; install it with `pip install onnxruntime` in a venv and set "
            "TORCHPREP_ONNXRUNTIME_PYTHON to that venv's python";
        return proof;
    }
    if (run.timedOut) {
        proof.note = "ONNX Runtime did not finish within " + std::to_string(kRuntimeSeconds) + " s";
        return proof;
    }
    const JsonValue result = resultOf(run, "ONNX Runtime's result");
    if (!result["error"].isNull()) {
        proof.note = "ONNX Runtime: " + printable(result["error"].string());
        return proof;
    }
    proof.ran = true;
    proof.runtime = "onnxruntime " + printable(result["version"].string());
    const std::vector<at::Tensor> expected = torchScriptOutputs(model, inputs);
    const JsonValue &outputs = result["outputs"];
    if (outputs.items.size() != expected.size()) {
        proof.verdict = "ONNX Runtime returns " + std::to_string(outputs.items.size()) +
                        " outputs, TorchScript " + std::to_string(expected.size());
        return proof;
    }
    proof.passed = true;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const JsonValue &o = outputs.items[i];
        std::vector<int64_t> shape;
        for (const JsonValue &d : o["shape"].items)
            shape.push_back(static_cast<int64_t>(d.number));
        const std::string bytes = readFile(o["file"].string());
        const at::ScalarType type = scalarTypeOfOnnx(o["dtype"].string());
        at::Tensor got = at::empty(shape, at::TensorOptions().dtype(type));
        if (static_cast<std::size_t>(got.nbytes()) != bytes.size() ||
            expected[i].sizes() != got.sizes()) {
            proof.passed = false;
            proof.verdict = "output " + std::to_string(i) + " has another shape in ONNX Runtime";
            return proof;
        }
        std::copy(bytes.begin(), bytes.end(), static_cast<char *>(got.data_ptr()));
        const DifferenceMetrics m = measureDifference(expected[i], got);
        proof.outputs.push_back(m);
        proof.maxAbsDiff = std::max(proof.maxAbsDiff, m.maxAbsDiff);
        const Agreement agreement = agreementOf(m, tolerance);
        if (!agreement.agrees && proof.passed) {
            proof.passed = false;
            proof.verdict = "output " + std::to_string(i) + ": " + agreement.reason;
        }
    }
    return proof;
}

std::vector<OnnxRefusal> refusalsOf(const JsonValue &ops, const ModelGraph *graph)
{
    std::vector<OnnxRefusal> refusals;
    for (const JsonValue &op : ops.items) {
        OnnxRefusal refusal;
        refusal.op = printable(op.string());
        if (graph) {
            for (const GraphNode &node : graph->nodes) {
                const bool same = node.op == refusal.op || node.op == refusal.op + "_";
                if (same && node.source.known())
                    refusal.sources.push_back(node.source);
            }
        }
        refusals.push_back(std::move(refusal));
    }
    return refusals;
}

} // namespace

std::string onnxPython()
{
    std::vector<std::string> candidates;
    if (const char *python = std::getenv("TORCHPREP_PYTHON"))
        candidates.push_back(python);
    candidates.push_back("/usr/bin/python3");
    candidates.push_back("python3");
    return findExecutable(candidates);
}

OnnxExportResult exportOnnx(const TorchModel &model, const ModelGraph *graph,
                            const std::string &output, const OnnxExportOptions &options)
{
    const std::string python =
        options.python.empty() ? onnxPython() : findExecutable({options.python});
    if (python.empty())
        throw InputError(
            options.python.empty()
                ? "exporting to ONNX runs PyTorch's exporter, which needs python3 with "
                  "torch (Debian: python3-torch): no python3 was found"
                : "--python '" + printable(options.python) + "' is no program here");
    if (options.opset < 7)
        throw InputError("--opset " + std::to_string(options.opset) +
                         ": PyTorch exports opsets 7 and later");
    const ScratchFolder scratch;
    OnnxExportResult result;
    const std::string modelPath = scratch.file("model.pt");
    const std::string inputsPath = scratch.file("inputs.pt");
    const std::string onnxPath = scratch.file("model.onnx");
    std::vector<c10::IValue> inputs;
    try {
        model.impl().module.save(modelPath);
        inputs = batchInputs(options.inputs, 0);
        const std::vector<char> bytes = torch::jit::pickle_save(c10::ivalue::Tuple::create(inputs));
        writeText(inputsPath, std::string(bytes.begin(), bytes.end()));
    } catch (const InputError &) {
        throw;
    } catch (const std::exception &e) {
        throw InputError("cannot prepare the ONNX export: " + printable(firstLine(e.what())));
    }
    const std::string script = scratch.file("export_onnx.py");
    writeText(script, onnxExportScript());
    const ProcessResult run =
        runProcess({python, script, modelPath, inputsPath, onnxPath, std::to_string(options.opset)},
                   kExportSeconds);
    if (!run.started)
        throw InputError("cannot run " + printable(python));
    if (run.timedOut)
        throw InputError("PyTorch's ONNX exporter did not finish within " +
                         std::to_string(kExportSeconds) + " s");
    if (run.exitCode == 3)
        throw InputError(
            "exporting to ONNX runs PyTorch's exporter, which needs Python with torch (Debian: "
            "python3-torch): " +
            printable(python) + " has no torch");
    JsonValue exported;
    try {
        exported = resultOf(run, "the exporter's result");
    } catch (const InputError &) {
        throw InputError("PyTorch's ONNX exporter failed: " +
                         printable(firstLine(run.err.empty() ? run.out : run.err)));
    }
    result.exporter = "torch " + printable(exported["torch"].string()) +
                      " (TorchScript exporter) in " + printable(python);
    if (!exported["opset_error"].isNull())
        throw InputError("--opset " + std::to_string(options.opset) + ": " +
                         printable(exported["opset_error"].string()));
    result.exported = exported["exported"].truth();
    result.checked = exported["checked"].truth();
    result.checkerNote = printable(exported["checker"].string());
    if (!result.exported) {
        result.error = printable(exported["error"].string());
        result.refusals = refusalsOf(exported["ops"], graph);
        return result;
    }
    if (!result.checked && run.exitCode != 0) {
        result.error = "the ONNX checker refuses the exported model: " + result.checkerNote;
        return result;
    }
    result.proof = proveInRuntime(model, inputs, scratch, onnxPath, options.tolerance, python);
    if (result.proof.ran && !result.proof.passed)
        return result; // exported, but not what the model computes: nothing written
    writeFileAtomically(output, readFile(onnxPath));
    result.written = true;
    return result;
}

} // namespace torchprep
