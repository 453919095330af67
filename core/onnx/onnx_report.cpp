#include "onnx/onnx_report.h"

#include "base/json_writer.h"
#include "base/report_text.h"
#include "checks/fix_text.h"

#include <sstream>

namespace torchprep {

void writeOnnxJson(JsonWriter &json, const std::string &input, const std::string &output,
                   const OnnxExportOptions &options, const OnnxExportResult &result)
{
    json.beginObject();
    json.key("input").value(input);
    json.key("output");
    result.written ? json.value(output) : json.null();
    json.key("opset").value(options.opset);
    json.key("exporter").value(result.exporter);
    json.key("exported").value(result.exported);
    json.key("error");
    result.error.empty() ? json.null() : json.value(result.error);
    json.key("refused_ops").beginArray();
    for (const OnnxRefusal &r : result.refusals) {
        json.beginObject();
        json.key("op").value(r.op);
        json.key("sources").beginArray();
        for (const SourceLocation &s : r.sources)
            json.value(s.str());
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.key("checked").value(result.checked);
    json.key("checker");
    result.checkerNote.empty() ? json.null() : json.value(result.checkerNote);
    const OnnxProof &proof = result.proof;
    json.key("proof").beginObject();
    json.key("ran").value(proof.ran);
    json.key("runtime");
    proof.runtime.empty() ? json.null() : json.value(proof.runtime);
    json.key("note");
    proof.note.empty() ? json.null() : json.value(proof.note);
    json.key("passed").value(proof.passed);
    json.key("verdict");
    proof.verdict.empty() ? json.null() : json.value(proof.verdict);
    json.key("max_abs_diff").value(proof.maxAbsDiff);
    json.key("tolerance").value(options.tolerance);
    json.endObject();
    json.endObject();
}

std::string onnxJson(const std::string &input, const std::string &output,
                     const OnnxExportOptions &options, const OnnxExportResult &result)
{
    JsonWriter json;
    writeOnnxJson(json, input, output, options, result);
    return json.str() + "\n";
}

std::string onnxText(const std::string &output, const OnnxExportOptions &options,
                     const OnnxExportResult &result)
{
    std::ostringstream out;
    if (!result.exported) {
        out << "onnx: the exporter (" << result.exporter << ") refuses the model at opset "
            << options.opset << ": " << result.error << "\n";
        for (const OnnxRefusal &r : result.refusals) {
            out << "  " << r.op;
            for (const SourceLocation &s : r.sources)
                out << "  " << shortSource(s);
            out << "\n";
        }
        out << "nothing written\n";
        return out.str();
    }
    out << "onnx: exported by " << result.exporter << " at opset " << options.opset << "; "
        << (result.checked ? "the ONNX checker passes" : result.checkerNote) << "\n";
    const OnnxProof &proof = result.proof;
    if (proof.ran)
        out << "onnx proof: " << (proof.passed ? "proven" : "FAILED") << " in " << proof.runtime
            << ": max |diff| " << threeSignificant(proof.maxAbsDiff) << " (tolerance "
            << threeSignificant(options.tolerance) << ")"
            << (proof.verdict.empty() ? "" : "; " + proof.verdict) << "\n";
    else
        out << "onnx proof: not run: " << proof.note << "\n";
    out << (result.written
                ? "wrote " + output
                : "nothing written: " + (result.error.empty() ? proof.verdict : result.error))
        << "\n";
    return out.str();
}

} // namespace torchprep
