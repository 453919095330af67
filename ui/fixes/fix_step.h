// One fix step as computed off the GUI thread: the core prepares a copy of the current model
// with only the given findings, rebuilds its graph and re-validates it. The current model is
// never modified; the step is the new session plus what the preparer changed.
#pragma once

#include "prepare/preparer.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class ModelSession;

struct FixResult
{
    std::shared_ptr<const ModelSession> before;
    std::shared_ptr<const ModelSession> after;
    std::vector<PreparedChange> changes; // every pass's changes, in pipeline order
    QString label;                       // "Fix reused_module layer1.0.relu", for the history
};

// Fixes the findings named by `keys` (findingKey()s; empty: all) in a copy of `current`'s
// model. Throws InputError (one line) when there is no model or the preparer refuses.
FixResult applyFixes(std::shared_ptr<const ModelSession> current,
                     const std::vector<std::string> &keys);

// "3 modules added: layer1.0.module_add, ...": the status bar's account of `changes`.
QString describeChanges(const std::vector<PreparedChange> &changes);

} // namespace torchprep
