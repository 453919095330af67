#include "commands/arguments.h"

#include "base/errors.h"
#include "libtorch/ops_libraries.h"

#include <cerrno>
#include <cstdlib>

namespace torchprep {

const std::vector<std::string> &Arguments::all(const std::string &option) const
{
    static const std::vector<std::string> none;
    auto it = values.find(option);
    return it == values.end() ? none : it->second;
}

Arguments parseArguments(const std::vector<std::string> &args, const std::set<std::string> &valued,
                         const std::set<std::string> &flags)
{
    Arguments parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        // "-j4": a one-letter option with its value attached.
        if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && valued.count(arg.substr(0, 2))) {
            parsed.values[arg.substr(0, 2)].push_back(arg.substr(2));
            continue;
        }
        const bool shortOption = valued.count(arg) || flags.count(arg); // "-o"
        if (!shortOption && (arg.size() < 2 || arg.compare(0, 2, "--") != 0 || arg == "--")) {
            parsed.positional.push_back(arg);
            continue;
        }
        std::string name = arg;
        std::string value;
        bool inlineValue = false;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inlineValue = true;
        }
        if (flags.count(name) && !inlineValue) {
            parsed.flags.insert(name);
            continue;
        }
        if (!valued.count(name))
            throw InputError("unknown option '" + name + "' (see --help)");
        if (!inlineValue) {
            if (i + 1 >= args.size())
                throw InputError("option '" + name + "' needs a value");
            value = args[++i];
        }
        parsed.values[name].push_back(value);
    }
    return parsed;
}

long long wholeNumberArgument(const Arguments &parsed, const std::string &option,
                              long long fallback, long long min, long long max)
{
    const std::vector<std::string> &values = parsed.all(option);
    if (values.empty())
        return fallback;
    const std::string &text = values.back();
    errno = 0;
    char *end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    const bool digits =
        !text.empty() && text.find_first_not_of("0123456789+-") == std::string::npos;
    if (!digits || *end != '\0' || errno == ERANGE || value < min || value > max)
        throw InputError(option + " '" + text + "': expected a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max));
    return value;
}

InputSpec inputSpecArgument(const Arguments &parsed)
{
    InputSpec spec;
    if (!parsed.all("--dtype").empty()) {
        spec.dtype = parsed.all("--dtype").back();
        if (!isKnownDtype(spec.dtype))
            throw InputError("--dtype '" + spec.dtype + "': use " + inputDtypesText());
    }
    for (const std::string &text : parsed.all("--input-shape"))
        addInputArgument(spec, text);
    if (!parsed.all("--inputs").empty())
        spec.inputsFile = parsed.all("--inputs").back();
    if (!spec.inputsFile.empty() && !spec.shapes.empty())
        throw InputError("give either --inputs or --input-shape, not both");
    spec.batches =
        static_cast<int>(wholeNumberArgument(parsed, "--batches", spec.batches, 1, kMaxBatches));
    return spec;
}

void loadOpsLibraries(const Arguments &parsed)
{
    for (const std::string &path : parsed.all("--ops-library"))
        loadOpsLibrary(path);
}

double toleranceArgument(const Arguments &parsed)
{
    const std::vector<std::string> &values = parsed.all("--tolerance");
    if (values.empty())
        return 1e-5;
    const std::string &text = values.back();
    char *end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(value >= 0))
        throw InputError("--tolerance '" + text + "': expected a number >= 0, e.g. 1e-5");
    return value;
}

} // namespace torchprep
