// `torchprep prepare MODEL.pt -o OUT.pt [--input-shape S]... [--dtype T] [--exclude P]...
//  [--exclude-class C]... [--only PASS]... [--allow OP]... [--tolerance T] [--json]`
#include "../checks/fix_text.h"
#include "../equivalence.h"
#include "../export/python_export.h"
#include "../errors.h"
#include "../graph_builder.h"
#include "../json_writer.h"
#include "../prepare/preparer.h"
#include "../torch_model.h"
#include "../validation_report.h"
#include "../io/run_files.h"
#include "arguments.h"
#include "cli.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>

namespace torchprep {

namespace {

namespace fs = std::filesystem;

const char *kPrepareUsage =
    "usage: torchprep prepare MODEL.pt -o OUT.pt --input-shape 1,3,224,224 [--input-shape S]...\n"
    "         [--dtype float32] [--exclude MODULE_PATH]... [--exclude-class CLASS]...\n"
    "         [--only linear_to_layer|functional_to_module|unroll_reuse]... [--allow OP]... [--tolerance 1e-5]\n"
    "         [--emit-python DIR] [--json]\n";

// What --emit-python wrote: nothing when it was not asked for or the proof failed.
struct PythonFiles
{
    PythonPackage package;
    std::vector<std::string> paths; // STEM.py, STEM_state_dict.pt
};

std::string number(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
}

void writeJson(std::ostream &out, const std::string &input, const std::string &output,
               const PrepareResult &result, const EquivalenceReport &proof,
               const InputSpec &spec, const std::vector<Finding> &remaining, bool written,
               const PythonFiles &python)
{
    JsonWriter json;
    json.beginObject();
    json.key("input").value(input);
    json.key("output");
    written ? json.value(output) : json.null();
    json.key("passes").beginArray();
    for (const PassLog &pass : result.passes) {
        json.beginObject();
        json.key("name").value(pass.name);
        json.key("changes").beginArray();
        for (const PreparedChange &c : pass.changes) {
            json.beginObject();
            json.key("kind").value(c.kind);
            json.key("module").value(c.module);
            json.key("op").value(c.op);
            json.key("source");
            c.source.known() ? json.value(c.source.str()) : json.null();
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.key("equivalence").beginObject();
    json.key("passed").value(proof.passed);
    json.key("max_abs_diff").value(proof.maxAbsDiff);
    json.key("mean_abs_diff").value(proof.meanAbsDiff);
    json.key("cosine").value(proof.cosine);
    json.key("tolerance").value(proof.tolerance);
    json.key("batches").value(spec.batches);
    json.key("dtype").value(spec.dtype);
    json.key("inputs").beginArray();
    for (const Shape &shape : spec.shapes) {
        json.beginArray();
        for (auto d : shape)
            json.value(static_cast<std::int64_t>(d));
        json.endArray();
    }
    json.endArray();
    if (!proof.mismatch.empty())
        json.key("mismatch").value(proof.mismatch);
    if (!proof.reason.empty())
        json.key("reason").value(proof.reason);
    json.key("non_finite").value(proof.nonFinite);
    json.key("non_finite_mismatches").value(proof.nonFiniteMismatches);
    json.endObject();
    json.key("remaining_findings");
    writeFindingsJson(json, remaining);
    json.key("python");
    if (python.paths.empty()) {
        json.null();
    } else {
        json.beginObject();
        json.key("source").value(python.paths[0]);
        json.key("state_dict").value(python.paths[1]);
        json.key("class").value(python.package.rootClass);
        json.key("plain_layers").beginArray();
        for (const std::string &path : python.package.plainLayers)
            json.value(path);
        json.endArray();
        json.endObject();
    }
    json.endObject();
    out << json.str() << "\n";
}

void writeText(std::ostream &out, const std::string &output, const PrepareResult &result,
               const EquivalenceReport &proof, const InputSpec &spec,
               const std::vector<Finding> &remaining, bool written, const PythonFiles &python)
{
    for (const PassLog &pass : result.passes) {
        out << pass.name << ": " << pass.changes.size() << " change"
            << (pass.changes.size() == 1 ? "" : "s") << "\n";
        for (const PreparedChange &c : pass.changes)
            out << "  " << c.module << "  " << c.op
                << (c.source.known() ? "  " + shortSource(c.source) : std::string()) << "\n";
    }
    std::string shapes;
    for (const Shape &shape : spec.shapes)
        shapes += (shapes.empty() ? "" : " ") + shapeText(shape);
    out << "equivalence: " << (proof.passed ? "proven" : "FAILED") << " on " << spec.batches
        << " random batches of " << shapes << " " << spec.dtype << ": max |diff| "
        << number(proof.maxAbsDiff) << ", mean |diff| " << number(proof.meanAbsDiff)
        << ", cosine " << number(proof.cosine) << " (tolerance " << number(proof.tolerance) << ")"
        << (proof.nonFinite ? "; " + std::to_string(proof.nonFinite) + " NaN/Inf elements, the same in both"
                            : std::string())
        << (proof.mismatch.empty() ? "" : "; " + proof.mismatch)
        << (proof.reason.empty() ? "" : "; " + proof.reason) << "\n";
    if (remaining.empty()) {
        out << "remaining findings: none\n";
    } else {
        out << "remaining findings: " << remaining.size() << "\n";
        for (const Finding &f : remaining)
            out << "  " << f.check << "  " << displayPath(f.module) << "  " << f.message << "\n";
    }
    const std::string why = !proof.mismatch.empty() ? proof.mismatch
                            : !proof.reason.empty() ? proof.reason
                                                    : "the prepared model computes different outputs";
    out << (written ? "wrote " + output : "nothing written: " + why) << "\n";
    if (!python.paths.empty()) {
        out << "wrote " << python.paths[0] << " and " << python.paths[1] << " (class "
            << python.package.rootClass << "; load_model() builds it with its weights)\n";
        if (!python.package.plainLayers.empty())
            out << "  torch.nn layers written op by op (constructor arguments not in the file): "
                << python.package.plainLayers.size() << "\n";
    }
}

} // namespace

int runPrepare(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed = parseArguments(
        args,
        {"-o", "--output", "--input-shape", "--dtype", "--exclude", "--exclude-class", "--only",
         "--allow", "--tolerance", "--batches", "--emit-python"},
        {"--json", "--help"});
    if (parsed.has("--help")) {
        out << kPrepareUsage;
        return kExitPassed;
    }
    if (parsed.positional.size() != 1)
        throw InputError("prepare takes exactly one model file (got " +
                         std::to_string(parsed.positional.size()) + ")");
    const std::string input = parsed.positional.front();
    std::vector<std::string> outputs = parsed.all("-o");
    for (const std::string &o : parsed.all("--output"))
        outputs.push_back(o);
    if (outputs.size() != 1)
        throw InputError("prepare needs one output file: -o OUT.pt");
    const std::string output = outputs.front();
    const std::vector<std::string> &emitDirs = parsed.all("--emit-python");
    const std::string stem = fs::path(output).stem().string();
    // Every output against every input and every other output, before any work or any write.
    RunFiles files;
    files.reads(input, "the input model");
    files.writes(output, "-o");
    if (!emitDirs.empty())
        for (const std::string &path : pythonPackagePaths(stem, emitDirs.back()))
            files.writes(path, "--emit-python");
    files.check();

    InputSpec spec;
    for (const std::string &shape : parsed.all("--input-shape"))
        spec.shapes.push_back(parseShape(shape));
    if (!parsed.all("--dtype").empty())
        spec.dtype = parsed.all("--dtype").back();
    spec.batches = static_cast<int>(wholeNumberArgument(parsed, "--batches", spec.batches, 1, kMaxBatches));
    const double tolerance = toleranceArgument(parsed);

    PrepareOptions options;
    options.excludedModules = parsed.all("--exclude");
    options.excludedClasses = parsed.all("--exclude-class");
    options.onlyPasses = parsed.all("--only");
    for (const std::string &op : parsed.all("--allow"))
        options.allowedOps.add(op);

    std::error_code ec;
    if (!emitDirs.empty() && fs::exists(emitDirs.back(), ec) && !fs::is_directory(emitDirs.back(), ec))
        throw InputError("--emit-python '" + emitDirs.back() + "' is a file, not a folder");

    const auto original = TorchModel::load(input);
    if (spec.shapes.empty())
        throw InputError("--input-shape is required to prove the prepared model equivalent: "
                         "TorchScript files do not keep input shapes (e.g. --input-shape 1,3,224,224)");
    const auto prepared = TorchModel::load(input);
    const PrepareResult result = prepareModel(*prepared, options);
    const EquivalenceReport proof = proveEquivalent(*original, *prepared, spec, tolerance);
    const std::vector<Finding> remaining =
        validateGraph(buildModelGraph(*prepared), result.checkOptions).findings;
    PythonFiles python;
    if (proof.passed && !emitDirs.empty()) // written in memory first: a failure writes nothing
        python.package = emitPythonPackage(*prepared, stem);
    if (proof.passed)
        prepared->saveAtomically(output);
    if (proof.passed && !emitDirs.empty())
        python.paths = writePythonPackage(python.package, emitDirs.back());
    if (parsed.has("--json"))
        writeJson(out, input, output, result, proof, spec, remaining, proof.passed, python);
    else
        writeText(out, output, result, proof, spec, remaining, proof.passed, python);
    return proof.passed ? kExitPassed : kExitFindings;
}

} // namespace torchprep
