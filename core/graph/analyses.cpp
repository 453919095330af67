#include "graph/analyses.h"

namespace torchprep {

const ValueFacts &GraphAnalyses::values()
{
    if (!values_)
        values_ = analyseValues(graph_);
    return *values_;
}

} // namespace torchprep
