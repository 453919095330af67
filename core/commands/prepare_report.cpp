#include "commands/prepare_report.h"

#include "base/json_writer.h"
#include "base/report_text.h"
#include "checks/fix_text.h"
#include "checks/validation_report.h"
#include "onnx/onnx_report.h"

#include <algorithm>
#include <sstream>

namespace torchprep {

namespace {

void writeSteps(JsonWriter &json, const std::string &key, const std::vector<PassLog> &logs)
{
    json.key(key).beginArray();
    for (const PassLog &pass : logs) {
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
}

void writeProof(JsonWriter &json, const PrepareJob &job, const PrepareOutcome &outcome)
{
    const EquivalenceReport &proof = outcome.proof;
    const InputSpec &spec = job.inputs;
    json.key("equivalence").beginObject();
    json.key("passed").value(proof.passed);
    json.key("max_abs_diff").value(proof.maxAbsDiff);
    json.key("mean_abs_diff").value(proof.meanAbsDiff);
    json.key("cosine").value(proof.cosine);
    json.key("tolerance").value(proof.tolerance);
    json.key("batches").value(spec.inputsFile.empty() ? spec.batches : 1);
    json.key("dtype").value(spec.dtype);
    json.key("inputs").beginArray();
    for (const Shape &shape : spec.shapes) {
        json.beginArray();
        for (auto d : shape)
            json.value(static_cast<std::int64_t>(d));
        json.endArray();
    }
    json.endArray();
    json.key("input_dtypes").beginArray();
    for (std::size_t i = 0; i < spec.shapes.size(); ++i)
        json.value(spec.dtypeOf(i));
    json.endArray();
    json.key("inputs_file");
    spec.inputsFile.empty() ? json.null() : json.value(spec.inputsFile);
    if (!proof.mismatch.empty())
        json.key("mismatch").value(proof.mismatch);
    if (!proof.reason.empty())
        json.key("reason").value(proof.reason);
    json.key("non_finite").value(proof.nonFinite);
    json.key("non_finite_mismatches").value(proof.nonFiniteMismatches);
    json.key("inputs_gave_no_numbers").value(proof.inputsGaveNoNumbers);
    json.key("broken_by");
    outcome.diagnosis.brokenBy.empty() ? json.null() : json.value(outcome.diagnosis.brokenBy);
    json.key("first_divergence");
    outcome.diagnosis.firstDivergence.empty() ? json.null()
                                              : json.value(outcome.diagnosis.firstDivergence);
    json.endObject();
}

void writePython(JsonWriter &json, const PrepareOutcome &outcome)
{
    json.key("python");
    if (outcome.pythonPaths.empty()) {
        json.null();
        return;
    }
    json.beginObject();
    json.key("source").value(outcome.pythonPaths[0]);
    json.key("state_dict").value(outcome.pythonPaths[1]);
    json.key("class").value(outcome.python.rootClass);
    json.key("plain_layers").beginArray();
    for (const std::string &path : outcome.python.plainLayers)
        json.value(path);
    json.endArray();
    json.endObject();
}

void writeTiming(JsonWriter &json, const PrepareTimings &t)
{
    json.key("timing_ms").beginObject();
    json.key("load").value(t.load);
    json.key("passes").value(t.passes);
    json.key("proof").value(t.proof);
    json.key("write").value(t.write);
    json.key("diagnosis").value(t.diagnosis);
    json.key("onnx").value(t.onnx);
    json.endObject();
}

} // namespace

std::string prepareJson(const PrepareJob &job, const PrepareOutcome &outcome)
{
    JsonWriter json;
    json.beginObject();
    json.key("input").value(job.input);
    json.key("output");
    outcome.written ? json.value(job.output) : json.null();
    writeSteps(json, "set_up", outcome.result.setUp);
    writeSteps(json, "passes", outcome.result.passes);
    writeProof(json, job, outcome);
    json.key("remaining_findings");
    writeFindingsJson(json, outcome.remaining);
    writePython(json, outcome);
    json.key("onnx");
    if (outcome.onnxAsked) {
        OnnxExportOptions options;
        options.opset = job.onnxOpset;
        writeOnnxJson(json, job.output, job.onnxOutput, options, outcome.onnx);
    } else {
        json.null();
    }
    writeTiming(json, outcome.timing);
    json.endObject();
    return json.str() + "\n";
}

std::string prepareText(const PrepareJob &job, const PrepareOutcome &outcome)
{
    std::ostringstream out;
    std::string changedSetUp; // the set-up steps that changed something, and how many modules
    for (const PassLog &step : outcome.result.setUp)
        if (!step.changes.empty())
            changedSetUp += (changedSetUp.empty() ? "" : ", ") + step.name + " " +
                            std::to_string(step.changes.size());
    if (!changedSetUp.empty())
        out << "set-up: " << changedSetUp << "\n";
    for (const PassLog &pass : outcome.result.passes) {
        out << pass.name << ": " << pass.changes.size() << " change"
            << (pass.changes.size() == 1 ? "" : "s") << "\n";
        for (const PreparedChange &c : pass.changes)
            out << "  " << c.module << "  " << c.op
                << (c.source.known() ? "  " + shortSource(c.source) : std::string()) << "\n";
    }
    const EquivalenceReport &proof = outcome.proof;
    out << proofLine(proof, job.inputs) << "\n";
    if (const std::string broken = brokenByLine(outcome.diagnosis); !broken.empty())
        out << broken << "\n";
    if (outcome.remaining.empty()) {
        out << "remaining findings: none\n";
    } else {
        out << "remaining findings: " << outcome.remaining.size() << "\n";
        for (const Finding &f : outcome.remaining)
            out << "  " << f.check << "  " << displayPath(f.module) << "  " << f.message << "\n";
    }
    out << (outcome.written ? "wrote " + job.output : "nothing written: " + notProvenReason(proof))
        << "\n";
    if (!outcome.pythonPaths.empty()) {
        out << "wrote " << outcome.pythonPaths[0] << " and " << outcome.pythonPaths[1] << " (class "
            << outcome.python.rootClass << "; load_model() builds it with its weights)\n";
        if (!outcome.python.plainLayers.empty())
            out << "  torch.nn layers written op by op (constructor arguments not in the file): "
                << outcome.python.plainLayers.size() << "\n";
    }
    if (outcome.onnxAsked) {
        OnnxExportOptions options;
        options.opset = job.onnxOpset;
        out << onnxText(job.onnxOutput, options, outcome.onnx);
    }
    const PrepareTimings &t = outcome.timing;
    out << "time: load " << milliseconds(t.load) << ", passes " << milliseconds(t.passes)
        << ", proof " << milliseconds(t.proof) << ", write " << milliseconds(t.write)
        << (t.diagnosis > 0 ? ", diagnosis " + milliseconds(t.diagnosis) : std::string()) << "\n";
    return out.str();
}

} // namespace torchprep
