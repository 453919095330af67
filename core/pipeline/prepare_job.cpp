#include "pipeline/prepare_job.h"

#include "pipeline/analysed_model.h"
#include "compare/comparison.h"
#include "base/errors.h"
#include "io/run_files.h"
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

std::string stemOf(const PrepareJob &job) { return fs::path(job.output).stem().string(); }

// Re-runs the pipeline from the original, one more pass each time, until the proof fails.
ProofDiagnosis diagnose(const TorchModel &original, const PrepareJob &job, const PrepareResult &failed)
{
    ProofDiagnosis diagnosis;
    // The set-up first (fused fast paths removed, attention specialized): it changes what runs.
    // Only when the whole set-up breaks the proof are its steps tried one prefix at a time.
    auto provenAfter = [&](const std::vector<std::string> &only) {
        const auto candidate = original.copy();
        PrepareOptions options = job.options;
        options.onlyPasses = only;
        prepareModel(*candidate, options);
        return proveEquivalent(original, *candidate, job.inputs, job.tolerance).passed;
    };
    const std::vector<std::string> &setUp = prepareSetUpNames();
    if (!provenAfter(setUp)) {
        std::vector<std::string> prefix;
        for (const std::string &step : setUp) {
            prefix.push_back(step);
            if (!provenAfter(prefix)) {
                diagnosis.brokenBy = step;
                return diagnosis;
            }
        }
        diagnosis.brokenBy = setUp.back();
        return diagnosis;
    }
    std::vector<std::string> prefix;
    for (const PassLog &pass : failed.passes) {
        prefix.push_back(pass.name);
        if (pass.changes.empty())
            continue; // a pass that changed nothing broke nothing
        const auto candidate = original.copy();
        PrepareOptions options = job.options;
        options.onlyPasses = prefix;
        prepareModel(*candidate, options);
        if (proveEquivalent(original, *candidate, job.inputs, job.tolerance).passed)
            continue;
        diagnosis.brokenBy = pass.name;
        CompareOptions compare;
        compare.timed = false;
        compare.device = "cpu";
        compare.perLayer = true;
        compare.inputs = job.inputs;
        compare.tolerance = job.tolerance;
        compare.nameA = "original";
        compare.nameB = "prepared";
        try {
            diagnosis.firstDivergence = compareModels(original, *candidate, compare).firstDivergence;
        } catch (const InputError &) {
            // layers whose outputs cannot be compared one by one: the pass is still named
        }
        break;
    }
    return diagnosis;
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
                         "equivalent: TorchScript files do not keep input shapes (e.g. --input-shape 1,3,224,224)");
    outcome.timing.load = since(start);

    // A copy of the loaded model (cheaper than reading the file twice), rewritten, its graph
    // rebuilt and re-validated with the exclusions the preparer resolved.
    start = Clock::now();
    const PreparedModel prepared = prepareCopy(original, job.options);
    outcome.result = prepared.result;
    outcome.remaining = prepared.analysed.report().findings;
    outcome.timing.passes = since(start);

    start = Clock::now();
    outcome.proof = proveEquivalent(*original, *prepared.analysed.model(), job.inputs, job.tolerance);
    outcome.timing.proof = since(start);

    if (!outcome.proof.passed) {
        start = Clock::now();
        outcome.diagnosis = diagnose(*original, job, outcome.result);
        outcome.timing.diagnosis = since(start);
        return outcome;
    }
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
        outcome.onnx = exportOnnx(*prepared.analysed.model(), &prepared.analysed.graph(), job.onnxOutput, onnx);
        outcome.timing.onnx = since(start);
    }
    return outcome;
}

} // namespace torchprep
