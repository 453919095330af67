// Errors the core reports to its users: always one line, never a stack trace.
#pragma once

#include <stdexcept>
#include <string>

namespace torchprep {

// A file or argument the user gave cannot be used (CLI exit code 2).
class InputError : public std::runtime_error
{
  public:
    explicit InputError(const std::string &oneLine) : std::runtime_error(oneLine) {}
};

// Keeps only the first line of a message: torch errors carry multi-line C++ backtraces.
std::string firstLine(const std::string &message);

// The reason inside a TorchScript interpreter error ("The following operation failed ...
// Traceback ... RuntimeError: expected input to have 3 channels"): the last "Error: " line,
// else the first line.
std::string interpreterErrorLine(const std::string &message);

} // namespace torchprep
