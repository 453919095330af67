// The `torchprep` command line: subcommand dispatch, exit codes, one-line errors.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace torchprep {

// Exit codes shared by every subcommand.
enum ExitCode {
    kExitPassed = 0,   // the check passed
    kExitFindings = 1, // the model has findings (validate) or the outputs differ
    kExitUnusable = 2, // the input or the arguments cannot be used
};

// Runs `torchprep ARGS...` (args without the program name). Never throws: every error is
// one line on `err` and exit code 2.
int runCli(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// `torchprep compare ...`
int runCompare(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// `torchprep export-onnx ...`
int runExportOnnx(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// `torchprep prepare ...`
int runPrepare(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// `torchprep validate ...`
int runValidate(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

} // namespace torchprep
