// Many models in one run (libtorch starts once): the files and folders a command was given,
// worked through by -j workers, each result printed in the order given as soon as it is ready.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace torchprep {

// Files as given and every *.pt and *.pt2 below each folder (sorted; links to folders not
// followed). A path that does not exist stays in the list: its row says so.
std::vector<std::string> expandModelPaths(const std::vector<std::string> &paths);

// True when the paths name more than one model or any folder: the command runs in batch mode.
bool isBatch(const std::vector<std::string> &paths);

// Runs work(i) for every i < count on `workers` threads (each with a large stack; libtorch's
// intra-op threads shared out between them) and calls emit(i) for i = 0, 1, ... in order, each
// as soon as it and every result before it are done. work must not throw.
void runInOrder(std::size_t count, int workers, const std::function<void(std::size_t)> &work,
                const std::function<void(std::size_t)> &emit);

// Runs `work` and returns "" or, when it throws, the one line that says why (as the CLI prints it).
std::string errorOf(const std::function<void()> &work);

// The worst of the exit codes: 2 over 1 over 0.
int worstExitCode(const std::vector<int> &codes);

} // namespace torchprep
