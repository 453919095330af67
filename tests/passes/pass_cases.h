// Plain C++ (no torch, no Qt): each preparer step run on a small graph or module written as
// text, its result held to FileCheck patterns. tst_passes runs them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace torchprep::testing {

struct PassCase
{
    std::string name;
    std::function<std::string()>
        run; // "" when the step did what its header guarantees, else why not
};

std::vector<PassCase> passCases();

} // namespace torchprep::testing
