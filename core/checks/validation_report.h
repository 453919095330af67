// How a validation report reads: JSON for pipelines, text for a terminal.
#pragma once

#include "checks/validator.h"

#include <string>

namespace torchprep {

class JsonWriter;

// {"model", "passed", "checks": [...], "findings": [...]} as `torchprep validate --json` prints.
std::string validationJson(const ValidationReport &report);

// Writes the "findings" array alone (the preparer's "remaining_findings" uses the same shape).
void writeFindingsJson(JsonWriter &json, const std::vector<Finding> &findings);

// One block per finding, grouped by check, then a summary line.
std::string validationText(const ValidationReport &report);

} // namespace torchprep
