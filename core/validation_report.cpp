#include "validation_report.h"

#include "checks/fix_text.h"
#include "json_writer.h"

namespace torchprep {

void writeFindingsJson(JsonWriter &json, const std::vector<Finding> &findings)
{
    json.beginArray();
    for (const Finding &f : findings) {
        json.beginObject();
        json.key("check").value(f.check);
        json.key("module").value(f.module);
        if (f.check == "reused_module") {
            json.key("calls").value(f.calls);
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
    json.key("passed").value(report.passed());
    json.key("checks").beginArray();
    for (const CheckSummary &check : report.checks) {
        json.beginObject();
        json.key("name").value(check.name);
        json.key("passed").value(check.passed());
        json.key("count").value(check.count);
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
        if (check.passed())
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
            out += "\n    " + f.message + "\n    fix: " + f.fix + "\n";
        }
        out += "\n";
    }
    std::string failed;
    for (const CheckSummary &check : report.checks)
        if (!check.passed())
            failed += (failed.empty() ? "" : ", ") + check.name + " " + std::to_string(check.count);
    if (report.passed())
        out += report.modelPath + ": all " + std::to_string(report.checks.size()) +
               " checks passed\n";
    else
        out += report.modelPath + ": " + std::to_string(report.findings.size()) + " finding" +
               (report.findings.size() == 1 ? "" : "s") + " (" + failed + ")\n";
    return out;
}

} // namespace torchprep
