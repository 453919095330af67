// An op's arguments by the names its schema gives them ("self", "other", "alpha"), so a node's
// inputs read `alpha=1` rather than `%41: int`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace torchprep {

// The argument names of `op` ("aten::add") called with `count` inputs: those of the first
// overload libtorch registers with that many arguments. Empty when libtorch knows no such op
// (prim:: plumbing, a library not loaded) or no overload takes `count` arguments. Thread-safe.
std::vector<std::string> opArgumentNames(const std::string &op, std::size_t count);

} // namespace torchprep
