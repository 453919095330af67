// Command-line arguments of the torchprep subcommands.
#pragma once

#include "base/input_spec.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace torchprep {

struct Arguments
{
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> values; // repeatable "--name value"
    std::set<std::string> flags;                            // "--json"

    bool has(const std::string &flag) const { return flags.count(flag) > 0; }
    const std::vector<std::string> &all(const std::string &option) const;
};

// The last --tolerance given, or 1e-5: an absolute difference, a number >= 0. Throws
// InputError naming the bad text.
double toleranceArgument(const Arguments &parsed);

// The last value of `option` as a whole number in [min, max], or `fallback` when it is not given.
// Strict: "lots", "3x", "1e3", "" and numbers out of range are errors naming the option.
long long wholeNumberArgument(const Arguments &parsed, const std::string &option,
                              long long fallback, long long min, long long max);

// The inputs --input-shape SHAPE[:DTYPE][:LOW..HIGH] (repeatable), --dtype (the default),
// --inputs FILE and --batches describe; empty shapes and no file when none is given.
InputSpec inputSpecArgument(const Arguments &parsed);

// Loads every --ops-library PATH given (custom operator libraries, e.g. torchvision's).
void loadOpsLibraries(const Arguments &parsed);

// How many random batches a proof or comparison draws: one bound for every command.
constexpr long long kMaxBatches = 100000;

// Accepts "--name value" and "--name=value" for `valued` options and bare `flags`.
// Throws InputError naming the first unknown option or a missing value.
Arguments parseArguments(const std::vector<std::string> &args, const std::set<std::string> &valued,
                         const std::set<std::string> &flags);

} // namespace torchprep
