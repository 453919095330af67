// The validator: the six guideline checks over one model graph.
#pragma once

#include "checks/finding.h"

#include <string>
#include <vector>

namespace torchprep {

struct CheckSummary
{
    std::string name;
    std::size_t count = 0; // findings, warnings included
    std::size_t warnings = 0;
    bool passed() const { return count == warnings; }
};

struct ValidationReport
{
    std::string modelPath;
    std::vector<CheckSummary> checks; // all six, in the order they run
    std::vector<Finding> findings;    // grouped by check, in that order
    // No errors: warnings alone pass.
    bool passed() const;
    std::size_t warningCount() const;
};

// The checks' names, in the order they run.
const std::vector<std::string> &checkNames();

// Runs every check. Throws InputError when an excluded path names no module of the model.
ValidationReport validateGraph(const ModelGraph &graph, const CheckOptions &options);

} // namespace torchprep
