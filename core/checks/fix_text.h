// Pieces of the fix texts the checks write, so they read alike.
#pragma once

#include "graph/model_graph.h"

#include <map>
#include <set>
#include <string>

namespace torchprep {

// "model.py:57" from "/home/me/model.py:57"; "" when unknown.
std::string shortSource(const SourceLocation &source);

// " at model.py:57", or "" when the line is unknown.
std::string atSource(const SourceLocation &source);

// "; or run `torchprep prepare`" where the preparer can make the fix (a TorchScript file), ""
// for a torch.export program, whose fixes are made in the source.
std::string orRunPrepare(const ModelGraph &graph);

// Hands out attribute names for new submodules that clash neither with the module's
// children nor with names handed out before for the same module.
class AttributeNamer
{
  public:
    explicit AttributeNamer(const ModelGraph &graph) : graph_(graph) {}
    // `base` if free in `owner`, else base_1, base_2, ...
    std::string next(ModuleId owner, const std::string &base);

  private:
    const ModelGraph &graph_;
    std::map<ModuleId, std::set<std::string>> taken_;
    std::map<std::pair<ModuleId, std::string>, int> nextSuffix_; // keeps naming linear
};

} // namespace torchprep
