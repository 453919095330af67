// How much of the user's source a TorchScript model graph is built with.
#pragma once

namespace torchprep {

// How many source lines the graph carries. Reading a traced op's line means reading its
// module's debug info, the build's largest cost; a traced layer call's line is read from the
// layer's own.
enum class SourceDetail {
    All,       // every op and call (the Studio shows them)
    ForChecks, // what findings need: data ops, control flow, constructors, calls of modules
               // that run more than once (`validate`)
};

} // namespace torchprep
