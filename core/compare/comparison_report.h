// A comparison report as files: the JSON `torchprep compare --json` prints, and CSV for
// spreadsheets (one row per output and per layer).
#pragma once

#include "compare/comparison.h"

#include <string>

namespace torchprep {

// {"a", "b", "device", "passed", ..., "layers": [...], "first_divergence"} (README's shape);
// infinite SQNR is null.
std::string comparisonJson(const std::string &a, const std::string &b,
                           const ComparisonReport &report);

// kind,name,call,match,shape,compared,max_abs_diff,mean_abs_diff,cosine,sqnr_db; infinite
// SQNR as inf.
std::string comparisonCsv(const ComparisonReport &report);

} // namespace torchprep
