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
    // False for a check that says nothing about this model's format (ONNX export of a .pt2):
    // it is listed, never counted as passed.
    bool judged = true;
    bool passed() const { return judged && count == warnings; }
};

struct ValidationReport
{
    std::string modelPath;
    ModelFormat format = ModelFormat::TorchScript;
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
