// `torchprep validate MODEL.pt|DIR... [-j N] [--exclude MODULE_PATH]... [--exclude-class CLASS]...
//  [--allow OP]... [--opset N|none] [--json]`
#include "base/errors.h"
#include "base/json_writer.h"
#include "base/printable.h"
#include "checks/validation_report.h"
#include "commands/arguments.h"
#include "commands/cli.h"
#include "commands/model_batch.h"
#include "graph/onnx_opsets.h"
#include "pipeline/analysed_model.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>

namespace torchprep {

namespace {

struct ValidateRow
{
    std::string path;
    ValidationReport report;
    std::string error; // one line when the model could not be validated
    double seconds = 0;
    int exitCode = kExitUnusable;
};

ValidateRow validateOne(const std::string &path, const CheckOptions &options)
{
    ValidateRow row;
    row.path = path;
    const auto start = std::chrono::steady_clock::now();
    row.error = errorOf([&] {
        row.report = AnalysedModel::load(path, options, SourceDetail::ForChecks).report();
        row.exitCode = row.report.passed() ? kExitPassed : kExitFindings;
    });
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return row;
}

std::string seconds(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", value);
    return buf;
}

std::string padded(const std::string &text, std::size_t width)
{
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// One line per model: the verdict, the count of each check, the time.
class SummaryTable
{
  public:
    SummaryTable(std::ostream &out, std::size_t pathWidth)
        : out_(out), width_(std::min<std::size_t>(pathWidth, 60))
    {
        out_ << padded("model", width_) << "  " << padded("verdict", 9);
        for (const std::string &check : checkNames())
            out_ << "  " << check;
        out_ << "  time\n";
    }

    void add(const ValidateRow &row)
    {
        out_ << padded(row.path, width_) << "  ";
        if (!row.error.empty()) {
            out_ << padded("unusable", 9) << "  " << row.error << "\n";
            ++unusable_;
            return;
        }
        out_ << padded(row.report.passed() ? "passed" : "findings", 9);
        for (const std::string &check : checkNames()) {
            int count = 0;
            for (const CheckSummary &c : row.report.checks)
                if (c.name == check)
                    count = c.count;
            const std::string cell = std::to_string(count);
            out_ << "  "
                 << std::string(check.size() > cell.size() ? check.size() - cell.size() : 0, ' ')
                 << cell;
        }
        out_ << "  " << seconds(row.seconds) << "\n";
        ++(row.report.passed() ? passed_ : findings_);
    }

    void finish(std::size_t models, double total)
    {
        out_ << "\n"
             << models << " model" << (models == 1 ? "" : "s") << ": " << passed_ << " passed, "
             << findings_ << " with findings, " << unusable_ << " unusable (" << seconds(total)
             << ")\n";
    }

  private:
    std::ostream &out_;
    std::size_t width_;
    std::size_t passed_ = 0, findings_ = 0, unusable_ = 0;
};

std::string jsonLine(const ValidateRow &row)
{
    if (row.error.empty()) {
        std::string line = compactJson(validationJson(row.report));
        while (!line.empty() && line.back() == '\n')
            line.pop_back();
        line.pop_back(); // the closing brace: the time joins the object
        JsonWriter time;
        time.beginObject().key("seconds").value(row.seconds).endObject();
        return line + "," + compactJson(time.str()).substr(1) + "\n";
    }
    JsonWriter json;
    json.beginObject();
    json.key("model").value(row.path);
    json.key("passed").value(false);
    json.key("error").value(row.error);
    json.key("seconds").value(row.seconds);
    json.endObject();
    return compactJson(json.str()) + "\n";
}

} // namespace

int runValidate(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed =
        parseArguments(args,
                       {"--exclude", "--exclude-class", "--allow", "--ops-library", "--opset",
                        "--onnx-torch", "-j", "--jobs"},
                       {"--json", "--help"});
    if (parsed.has("--help")) {
        out << "usage: torchprep validate MODEL.pt|DIR... [-j N] [--exclude MODULE_PATH]...\n"
               "         [--exclude-class CLASS]... [--allow OP]... [--opset N|none] [--onnx-torch "
               "VERSION]\n"
               "         [--ops-library PATH]... [--json]\n"
               "  --opset: the ONNX opset onnx_exportable judges ops at (default 17); none leaves "
               "it out\n"
               "  --onnx-torch: whose exporter judges them: Debian's torch (default) or " +
                   joinedOnnxExporters() +
                   "\n"
                   "  several models or folders: one row per model, JSON Lines with --json, the "
                   "worst exit code\n";
        return kExitPassed;
    }
    if (parsed.positional.empty())
        throw InputError("validate takes one or more model files or folders (got none)");
    CheckOptions options;
    options.excludedModules = parsed.all("--exclude");
    options.excludedClasses = parsed.all("--exclude-class");
    for (const std::string &op : parsed.all("--allow"))
        options.allowedOps.add(op);
    if (!parsed.all("--onnx-torch").empty())
        options.onnxTorch = parsed.all("--onnx-torch").back();
    const std::vector<std::string> &opset = parsed.all("--opset");
    if (!opset.empty() && opset.back() == "none")
        options.onnxOpset = 0;
    else
        options.onnxOpset = static_cast<int>(wholeNumberArgument(
            parsed, "--opset", options.onnxOpset, onnxMinOpset(), onnxMaxOpset(options.onnxTorch)));
    loadOpsLibraries(parsed);

    if (!isBatch(parsed.positional)) {
        const AnalysedModel analysed =
            AnalysedModel::load(parsed.positional.front(), options, SourceDetail::ForChecks);
        const ValidationReport &report = analysed.report();
        out << (parsed.has("--json") ? validationJson(report) : validationText(report));
        return report.passed() ? kExitPassed : kExitFindings;
    }

    Arguments jobs = parsed;
    for (const std::string &j : parsed.all("--jobs"))
        jobs.values["-j"].push_back(j);
    const int workers = static_cast<int>(wholeNumberArgument(jobs, "-j", 1, 1, 256));
    const std::vector<std::string> paths = expandModelPaths(parsed.positional);
    if (paths.empty())
        throw InputError("no .pt files in " + printable(parsed.positional.front()));
    std::size_t width = 5;
    for (const std::string &p : paths)
        width = std::max(width, p.size());
    const bool json = parsed.has("--json");
    std::vector<ValidateRow> rows(paths.size());
    std::vector<int> codes(paths.size(), kExitUnusable);
    const auto start = std::chrono::steady_clock::now();
    std::optional<SummaryTable> text;
    if (!json)
        text.emplace(out, width);
    runInOrder(
        paths.size(), workers, [&](std::size_t i) { rows[i] = validateOne(paths[i], options); },
        [&](std::size_t i) {
            codes[i] = rows[i].exitCode;
            if (json)
                out << jsonLine(rows[i]) << std::flush;
            else
                text->add(rows[i]);
        });
    if (!json)
        text->finish(
            paths.size(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return worstExitCode(codes);
}

} // namespace torchprep
