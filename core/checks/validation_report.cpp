#include "checks/validation_report.h"

#include "base/json_writer.h"
#include "checks/fix_text.h"

namespace torchprep {

void writeFindingsJson(JsonWriter &json, const std::vector<Finding> &findings)
{
    json.beginArray();
    for (const Finding &f : findings) {
        json.beginObject();
        json.key("check").value(f.check);
        json.key("severity").value(severityName(f.severity));
        json.key("module").value(f.module);
        if (f.check == "reused_module") {
            json.key("calls");
            if (f.calls == Finding::kCallsInLoop)
                json.null();
            else
                json.value(f.calls);
            if (f.method != "forward")
                json.key("method").value(f.method);
            json.key("call_sites").beginArray();
            for (const SourceLocation &site : f.callSites)
                site.known() ? json.value(site.str()) : json.null();
            json.endArray();
        }
        if (!f.op.empty())
            json.key("op").value(f.op);
        json.key("source");
        f.source.known() ? json.value(f.source.str()) : json.null();
        if (f.source.inferred)
            json.key("source_inferred").value(true);
        if (f.torchSource.known())
            json.key("torch_source").value(f.torchSource.str());
        if (f.manualFix)
            json.key("manual_fix").value(true);
        json.key("message").value(f.message);
        json.key("fix").value(f.fix);
        json.endObject();
    }
    json.endArray();
}

std::string validationJson(const ValidationReport &report)
{
    JsonWriter json;
    json.beginObject();
    json.key("model").value(report.modelPath);
    json.key("format").value(report.format == ModelFormat::ExportedProgram ? "torch.export"
                                                                           : "torchscript");
    json.key("passed").value(report.passed());
    json.key("checks").beginArray();
    for (const CheckSummary &check : report.checks) {
        json.beginObject();
        json.key("name").value(check.name);
        json.key("passed").value(check.passed());
        if (!check.judged)
            json.key("judged").value(false);
        json.key("count").value(check.count);
        json.key("warnings").value(check.warnings);
        json.endObject();
    }
    json.endArray();
    json.key("findings");
    writeFindingsJson(json, report.findings);
    json.endObject();
    return json.str() + "\n";
}

std::string validationText(const ValidationReport &report)
{
    std::string out;
    for (const CheckSummary &check : report.checks) {
        if (check.count == 0)
            continue;
        out += check.name + " (" + std::to_string(check.count) + ")\n";
        for (const Finding &f : report.findings) {
            if (f.check != check.name)
                continue;
            out += "  " + displayPath(f.module);
            if (!f.op.empty())
                out += "  " + f.op;
            if (f.source.known())
                out += "  " + f.source.str() + (f.source.inferred ? " (line inferred)" : "");
            if (f.severity == Severity::Warning)
                out += "  [warning]";
            const bool prepared = report.format == ModelFormat::TorchScript;
            out += "\n    " + f.message + "\n    fix: " + f.fix +
                   (f.manualFix && prepared ? " (by hand: torchprep prepare leaves this)" : "") +
                   "\n";
        }
        out += "\n";
    }
    std::string failed;
    for (const CheckSummary &check : report.checks)
        if (check.count > 0)
            failed += (failed.empty() ? "" : ", ") + check.name + " " + std::to_string(check.count);
    const std::size_t warnings = report.warningCount();
    std::size_t judged = 0;
    std::string unjudged;
    for (const CheckSummary &check : report.checks) {
        judged += check.judged ? 1 : 0;
        if (!check.judged)
            unjudged += (unjudged.empty() ? "" : ", ") + check.name;
    }
    if (!unjudged.empty())
        unjudged = "; " + unjudged +
                   " not judged for a torch.export program (export its TorchScript form to check)";
    if (report.findings.empty())
        out += report.modelPath + ": all " + std::to_string(judged) + " checks passed" + unjudged +
               "\n";
    else if (report.passed())
        out += report.modelPath + ": all " + std::to_string(judged) + " checks passed, " +
               std::to_string(warnings) + " warning" + (warnings == 1 ? "" : "s") + " (" + failed +
               ")" + unjudged + "\n";
    else
        out += report.modelPath + ": " + std::to_string(report.findings.size()) + " finding" +
               (report.findings.size() == 1 ? "" : "s") + " (" + failed + ")" + unjudged + "\n";
    return out;
}

} // namespace torchprep
