// How one prepare outcome reads: JSON for pipelines (one document, or one line in batch mode),
// text for a terminal, one summary row per model in batch mode.
#pragma once

#include "pipeline/prepare_job.h"

#include <string>

namespace torchprep {

// {"input", "output", "passes", "equivalence", "remaining_findings", "python", "timing_ms"}.
std::string prepareJson(const PrepareJob &job, const PrepareOutcome &outcome);

// The passes' changes, the proof, the remaining findings and what was written.
std::string prepareText(const PrepareJob &job, const PrepareOutcome &outcome);

} // namespace torchprep
