// Command-line arguments of the torchprep subcommands.
#pragma once

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

// Accepts "--name value" and "--name=value" for `valued` options and bare `flags`.
// Throws InputError naming the first unknown option or a missing value.
Arguments parseArguments(const std::vector<std::string> &args, const std::set<std::string> &valued,
                         const std::set<std::string> &flags);

} // namespace torchprep
