// Running a helper program (Python's torch.onnx exporter, node with ONNX Runtime) and reading
// what it printed, with a time limit.
#pragma once

#include <string>
#include <vector>

namespace torchprep {

struct ProcessResult
{
    bool started = false;  // false: the program could not be run at all (not installed)
    bool timedOut = false; // killed after the limit
    int exitCode = -1;     // -1 when it died of a signal
    std::string out;
    std::string err;
};

// Runs `argv` (argv[0] looked up on PATH when it has no slash) with stdin closed, waits at most
// `seconds`, and returns what it printed. Never throws for the program's own failures.
ProcessResult runProcess(const std::vector<std::string> &argv, int seconds);

// The first of `candidates` that is an executable file, or "" (a name without a slash is looked
// up on PATH).
std::string findExecutable(const std::vector<std::string> &candidates);

} // namespace torchprep
