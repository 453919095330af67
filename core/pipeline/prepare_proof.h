// The one rule every front end holds a prepared model to: it is written only once proven equal
// to the model it came from, on described inputs; a failed proof names the step that broke it
// and the first layer to differ. The CLI's prepare and the Studio's exports both ask here, and
// say the verdict in the same words.
#pragma once

#include "compare/equivalence.h"
#include "prepare/preparer.h"

#include <string>

namespace torchprep {

class TorchModel;

// When a proof fails: which step broke it, found by re-running the preparer from the original
// one prefix of steps at a time (the set-up's, then the fix passes'), and where the outputs
// part first (per-layer comparison of the original with the model as that step left it).
struct ProofDiagnosis
{
    std::string brokenBy;        // the first step after which the proof fails; "" when not found
    std::string firstDivergence; // first layer beyond tolerance after that step; "" when none
};

struct PreparedProof
{
    EquivalenceReport proof;
    ProofDiagnosis diagnosis; // empty when the proof holds
};

// Holds `prepared` to `original` (neither is modified) on `inputs`. When they differ, re-runs the
// preparer from `original` with `options` to name the step that broke it; `passes`, when given,
// are the fix passes' logs of the run that made `prepared` (a pass that changed nothing is not
// tried). Throws InputError when a model rejects the inputs.
PreparedProof provePrepared(const TorchModel &original, const TorchModel &prepared,
                            const PrepareOptions &options, const InputSpec &inputs,
                            double tolerance, const std::vector<PassLog> *passes = nullptr);

// "3 random batches of [1,3,64,64] float32", or "the inputs in FILE".
std::string inputsText(const InputSpec &inputs);
// "equivalence: proven on 3 random batches of ...: max |diff| 0, ... (tolerance 1e-05)".
std::string proofLine(const EquivalenceReport &proof, const InputSpec &inputs);
// "broken by: pass unroll_reuse; first layer to differ: layer1.0"; "" when nothing was named.
std::string brokenByLine(const ProofDiagnosis &diagnosis);
// Why a prepared model that failed its proof was not written, in one line.
std::string notProvenReason(const EquivalenceReport &proof);

} // namespace torchprep
