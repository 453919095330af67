// One model through the whole of `prepare`: load, rewrite, prove, re-validate, write. The CLI runs
// it for one model or for many; nothing is written unless the proof holds.
#pragma once

#include "compare/equivalence.h"
#include "export/python_export.h"
#include "onnx/onnx_export.h"
#include "prepare/preparer.h"

#include <string>
#include <vector>

namespace torchprep {

struct PrepareJob
{
    std::string input;
    std::string output;
    std::string emitPythonDir; // "" for none
    std::string onnxOutput;    // "" for none: prepare --onnx OUT.onnx
    int onnxOpset = 17;
    PrepareOptions options;
    InputSpec inputs;
    double tolerance = 1e-5;
};

// When a proof fails: which step broke it, found by re-running the steps from the original one
// prefix at a time (the set-up's, then the passes'), and where the outputs part first (per-layer comparison of the original with
// the model as that pass left it).
struct ProofDiagnosis
{
    std::string brokenBy;        // the first step (set-up or pass) after which the proof fails; "" when not found
    std::string firstDivergence; // first layer beyond tolerance after that pass; "" when none
};

// Milliseconds spent in each step.
struct PrepareTimings
{
    double load = 0;
    double passes = 0; // the passes, rebuilding the graph and re-validating it
    double proof = 0;
    double write = 0;
    double diagnosis = 0;
    double onnx = 0;
};

struct PrepareOutcome
{
    PrepareResult result;
    EquivalenceReport proof;
    ProofDiagnosis diagnosis;
    std::vector<Finding> remaining; // findings of the prepared model, exclusions honoured
    bool written = false;
    PythonPackage python;                 // emitted source, when asked and proven
    std::vector<std::string> pythonPaths; // STEM.py, STEM_state_dict.pt once written
    bool onnxAsked = false;
    OnnxExportResult onnx;                // the prepared model exported, when asked
    PrepareTimings timing;
};

// The files a job reads and writes, checked against each other (RunFiles) before any work.
// Throws InputError naming the first clash.
void checkJobFiles(const PrepareJob &job);

// Runs the job. Throws InputError (one line) for unusable input; a failed proof is an outcome,
// not an error, and writes nothing.
PrepareOutcome runPrepareJob(const PrepareJob &job);

} // namespace torchprep
