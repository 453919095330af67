#include "pipeline/prepare_job.h"

#include "base/errors.h"
#include "io/run_files.h"
#include "pipeline/analysed_model.h"
#include "torchscript/torch_model.h"

#include <chrono>
#include <filesystem>

namespace torchprep {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string stemOf(const PrepareJob &job)
{
    return fs::path(job.output).stem().string();
}

} // namespace

void checkJobFiles(const PrepareJob &job)
{
    RunFiles files;
    files.reads(job.input, "the input model");
    if (!job.inputs.inputsFile.empty())
        files.reads(job.inputs.inputsFile, "--inputs");
    files.writes(job.output, "-o");
    if (!job.onnxOutput.empty())
        files.writes(job.onnxOutput, "--onnx");
    if (!job.emitPythonDir.empty()) {
        std::error_code ec;
        if (fs::exists(job.emitPythonDir, ec) && !fs::is_directory(job.emitPythonDir, ec))
            throw InputError("--emit-python '" + job.emitPythonDir + "' is a file, not a folder");
        for (const std::string &path : pythonPackagePaths(stemOf(job), job.emitPythonDir))
            files.writes(path, "--emit-python");
    }
    files.check();
}

PrepareOutcome runPrepareJob(const PrepareJob &job)
{
    checkJobFiles(job);
    PrepareOutcome outcome;
    auto start = Clock::now();
    const std::shared_ptr<const TorchModel> original = TorchModel::load(job.input);
    if (job.inputs.shapes.empty() && job.inputs.inputsFile.empty())
        throw InputError("--input-shape is required (or --inputs FILE) to prove the prepared model "
                         "equivalent: TorchScript files do not keep input shapes (e.g. "
                         "--input-shape 1,3,224,224)");
    outcome.timing.load = since(start);

    // A copy of the loaded model (cheaper than reading the file twice), rewritten, its graph
    // rebuilt and re-validated with the exclusions the preparer resolved.
    start = Clock::now();
    const PreparedModel prepared = prepareCopy(original, job.options);
    outcome.result = prepared.result;
    outcome.remaining = prepared.analysed.report().findings;
    outcome.timing.passes = since(start);

    start = Clock::now();
    const PreparedProof proven = provePrepared(*original, *prepared.analysed.model(), job.options,
                                               job.inputs, job.tolerance, &outcome.result.passes);
    outcome.proof = proven.proof;
    outcome.diagnosis = proven.diagnosis;
    if (!outcome.proof.passed) {
        outcome.timing.diagnosis = since(start); // the proof, then finding what broke it
        return outcome;
    }
    outcome.timing.proof = since(start);
    start = Clock::now();
    if (!job.emitPythonDir.empty()) // made in memory first: a failure writes nothing
        outcome.python = emitPythonPackage(*prepared.analysed.model(), stemOf(job));
    prepared.analysed.model()->saveAtomically(job.output);
    outcome.written = true;
    if (!job.emitPythonDir.empty()) {
        preparePythonFolder(job.emitPythonDir);
        outcome.pythonPaths = writePythonPackage(outcome.python, job.emitPythonDir);
    }
    outcome.timing.write = since(start);
    if (!job.onnxOutput.empty()) {
        start = Clock::now();
        OnnxExportOptions onnx;
        onnx.opset = job.onnxOpset;
        onnx.inputs = job.inputs;
        outcome.onnxAsked = true;
        outcome.onnx = exportOnnx(*prepared.analysed.model(), &prepared.analysed.graph(),
                                  job.onnxOutput, onnx);
        outcome.timing.onnx = since(start);
    }
    return outcome;
}

} // namespace torchprep
