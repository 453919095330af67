// `torchprep validate MODEL.pt [--exclude MODULE_PATH]... [--allow OP]... [--json]`
#include "../analysed_model.h"
#include "../errors.h"
#include "../validation_report.h"
#include "arguments.h"
#include "cli.h"

#include <ostream>

namespace torchprep {

int runValidate(const std::vector<std::string> &args, std::ostream &out, std::ostream & /*err*/)
{
    const Arguments parsed = parseArguments(args, {"--exclude", "--allow"}, {"--json", "--help"});
    if (parsed.has("--help")) {
        out << "usage: torchprep validate MODEL.pt [--exclude MODULE_PATH]... [--allow OP]... "
               "[--json]\n";
        return kExitPassed;
    }
    if (parsed.positional.size() != 1)
        throw InputError("validate takes exactly one model file (got " +
                         std::to_string(parsed.positional.size()) + ")");
    CheckOptions options;
    options.excludedModules = parsed.all("--exclude");
    for (const std::string &op : parsed.all("--allow"))
        options.allowedOps.add(op);

    const AnalysedModel analysed = AnalysedModel::load(parsed.positional.front(), options);
    const ValidationReport &report = analysed.report();
    out << (parsed.has("--json") ? validationJson(report) : validationText(report));
    return report.passed() ? kExitPassed : kExitFindings;
}

} // namespace torchprep
