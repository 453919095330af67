// A node marked as changed in a graph: its colour, and whether it counts in a collapsed
// module's badge (a change's own node does; the body of an added module only shares its colour).
#pragma once

#include <QColor>

namespace torchprep {

struct NodeMark
{
    QColor color;
    bool counted = true;
};

} // namespace torchprep
