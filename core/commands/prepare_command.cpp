// `torchprep prepare MODEL.pt|DIR... -o OUT.pt|OUTDIR [inputs] [options] [--json]`
#include "base/errors.h"
#include "base/json_writer.h"
#include "base/printable.h"
#include "base/shared_options.h"
#include "commands/arguments.h"
#include "commands/cli.h"
#include "commands/model_batch.h"
#include "commands/prepare_report.h"
#include "graph/onnx_opsets.h"
#include "io/run_files.h"
#include "pipeline/prepare_job.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>

namespace torchprep {

namespace {

namespace fs = std::filesystem;

std::string prepareUsage()
{
    using namespace shared_option;
    return "usage: torchprep prepare MODEL.pt -o OUT.pt (--input-shape "
           "SHAPE[:DTYPE][:LOW..HIGH]... | --inputs FILE)\n"
           "         [--dtype float32] [--batches 3] [--exclude MODULE_PATH]... [--exclude-class "
           "CLASS]...\n"
           "         [--only STEP]... [--allow OP]... [--tolerance 1e-5]\n"
           "         [--ops-library PATH]... [--emit-python DIR] [--onnx OUT.onnx] [--opset 17] "
           "[--json]\n"
           "       torchprep prepare MODEL.pt|DIR... -o OUTDIR [-j N] [same options]\n" +
           optionHelp({&kInputShape, &kInputs, &kOpsLibrary}) +
           "  --opset N  the ONNX opset that --onnx exports at and the re-validation judges ops at "
           "(default 17)\n"
           "  --only STEP  run only the steps named: fix passes linear_to_layer, "
           "functional_to_module, unroll_reuse\n"
           "               (with the whole set-up), or set-up steps own_types, fused_fast_paths,\n"
           "               specialize_attention, inline_calls\n"
           "  several models or folders: each written to OUTDIR/NAME.pt, one row per model (JSON "
           "Lines with --json)\n";
}

struct PrepareRow
{
    PrepareJob job;
    PrepareOutcome outcome;
    std::string error;
    double seconds = 0;
    int exitCode = kExitUnusable;
};

void runRow(PrepareRow &row)
{
    const auto start = std::chrono::steady_clock::now();
    row.error = errorOf([&] {
        row.outcome = runPrepareJob(row.job);
        row.exitCode = row.outcome.proof.passed ? kExitPassed : kExitFindings;
    });
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string rowText(const PrepareRow &row)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "  %.2f s", row.seconds);
    if (!row.error.empty())
        return row.job.input + "  unusable  " + row.error + "\n";
    std::size_t changes = 0;
    for (const PassLog &pass : row.outcome.result.passes)
        changes += pass.changes.size();
    const EquivalenceReport &proof = row.outcome.proof;
    std::snprintf(buf, sizeof buf, "max |diff| %.3g  %.2f s", proof.maxAbsDiff, row.seconds);
    return row.job.input + "  " +
           (proof.passed                ? "proven"
            : proof.inputsGaveNoNumbers ? "no-numbers"
                                        : "FAILED") +
           "  " + std::to_string(changes) + " changes  " +
           std::to_string(row.outcome.remaining.size()) + " remaining  " + buf +
           (row.outcome.written ? "  -> " + row.job.output : std::string()) +
           (row.outcome.diagnosis.brokenBy.empty()
                ? ""
                : "  broken by " + row.outcome.diagnosis.brokenBy) +
           "\n";
}

std::string rowJson(const PrepareRow &row)
{
    if (row.error.empty())
        return compactJson(prepareJson(row.job, row.outcome)) + "\n";
    JsonWriter json;
    json.beginObject();
    json.key("input").value(row.job.input);
    json.key("output").null();
    json.key("error").value(row.error);
    json.endObject();
    return compactJson(json.str()) + "\n";
}

} // namespace

int runPrepare(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed = parseArguments(
        args,
        {"-o", "--output", "--input-shape", "--dtype", "--exclude", "--exclude-class", "--only",
         "--allow", "--tolerance", "--batches", "--emit-python", "--ops-library", "--inputs", "-j",
         "--jobs", "--onnx", "--opset"},
        {"--json", "--help"});
    if (parsed.has("--help")) {
        out << prepareUsage();
        return kExitPassed;
    }
    if (parsed.positional.empty())
        throw InputError("prepare takes one or more model files or folders (got none)");
    std::vector<std::string> outputs = parsed.all("-o");
    for (const std::string &o : parsed.all("--output"))
        outputs.push_back(o);
    if (outputs.size() != 1)
        throw InputError("prepare needs one output: -o OUT.pt (or -o OUTDIR for several models)");

    PrepareJob base;
    base.inputs = inputSpecArgument(parsed);
    base.tolerance = toleranceArgument(parsed);
    base.options.excludedModules = parsed.all("--exclude");
    base.options.excludedClasses = parsed.all("--exclude-class");
    base.options.onlyPasses = parsed.all("--only");
    for (const std::string &op : parsed.all("--allow"))
        base.options.allowedOps.add(op);
    if (!parsed.all("--emit-python").empty())
        base.emitPythonDir = parsed.all("--emit-python").back();
    base.onnxOpset = static_cast<int>(
        wholeNumberArgument(parsed, "--opset", base.onnxOpset, onnxMinOpset(), onnxMaxOpset()));
    base.options.onnxOpset = base.onnxOpset; // the export and the re-validation judge at one opset
    loadOpsLibraries(parsed);

    if (!isBatch(parsed.positional)) {
        PrepareJob job = base;
        job.input = parsed.positional.front();
        job.output = outputs.front();
        if (!parsed.all("--onnx").empty())
            job.onnxOutput = parsed.all("--onnx").back();
        const PrepareOutcome outcome = runPrepareJob(job);
        out << (parsed.has("--json") ? prepareJson(job, outcome) : prepareText(job, outcome));
        const bool onnxFine = !outcome.onnxAsked || outcome.onnx.written;
        return outcome.proof.passed && onnxFine ? kExitPassed : kExitFindings;
    }

    if (!parsed.all("--onnx").empty())
        throw InputError(
            "--onnx OUT.onnx takes one model; export several with export-onnx one by one");
    // Several models: -o names a folder; each model goes to OUTDIR/NAME.pt.
    const std::string outDir = outputs.front();
    std::error_code ec;
    if (fs::exists(outDir, ec) && !fs::is_directory(outDir, ec))
        throw InputError("-o '" + printable(outDir) +
                         "' is a file: with several models, -o names a folder");
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir, ec))
        throw InputError("-o '" + printable(outDir) + "': cannot create that folder");
    const std::vector<std::string> paths = expandModelPaths(parsed.positional);
    if (paths.empty())
        throw InputError("no .pt files in " + printable(parsed.positional.front()));
    Arguments jobs = parsed;
    for (const std::string &j : parsed.all("--jobs"))
        jobs.values["-j"].push_back(j);
    const int workers = static_cast<int>(wholeNumberArgument(jobs, "-j", 1, 1, 256));
    std::vector<PrepareRow> rows(paths.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
        rows[i].job = base;
        rows[i].job.input = paths[i];
        rows[i].job.output = (fs::path(outDir) / fs::path(paths[i]).filename()).string();
    }
    // Every output of the run against every input and every other output, before any work.
    RunFiles files;
    for (const PrepareRow &row : rows) {
        files.reads(row.job.input, "the input model");
        files.writes(row.job.output, "-o");
        if (!row.job.emitPythonDir.empty())
            for (const std::string &path : pythonPackagePaths(
                     fs::path(row.job.output).stem().string(), row.job.emitPythonDir))
                files.writes(path, "--emit-python");
    }
    files.check();
    std::vector<int> codes(paths.size(), kExitUnusable);
    const bool json = parsed.has("--json");
    runInOrder(
        paths.size(), workers, [&](std::size_t i) { runRow(rows[i]); },
        [&](std::size_t i) {
            codes[i] = rows[i].exitCode;
            out << (json ? rowJson(rows[i]) : rowText(rows[i])) << std::flush;
        });
    return worstExitCode(codes);
}

} // namespace torchprep
