// One model through the whole of `prepare`: load, rewrite, prove, re-validate, write. The CLI runs
// it for one model or for many; nothing is written unless the proof holds.
#pragma once

#include "export/python_export.h"
#include "onnx/onnx_export.h"
#include "pipeline/prepare_proof.h"
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

// Milliseconds spent in each step.
struct PrepareTimings
{
    double load = 0;
    double passes = 0; // the passes, rebuilding the graph and re-validating it
    double proof = 0;  // a proof that holds
    double write = 0;
    double diagnosis = 0; // a proof that fails, and finding the step that broke it
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
    OnnxExportResult onnx; // the prepared model exported, when asked
    PrepareTimings timing;
};

// The files a job reads and writes, checked against each other (RunFiles) before any work.
// Throws InputError naming the first clash.
void checkJobFiles(const PrepareJob &job);

// Runs the job. Throws InputError (one line) for unusable input; a failed proof is an outcome,
// not an error, and writes nothing.
PrepareOutcome runPrepareJob(const PrepareJob &job);

} // namespace torchprep
