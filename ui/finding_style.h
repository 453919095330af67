// How each check looks in the Studio: one colour and one short title per check, shared by
// the graph, the legend, the tree badges and the findings table.
#pragma once

#include <QColor>
#include <QString>

#include <string>

namespace torchprep {

QColor checkColor(const std::string &check);
QString checkTitle(const std::string &check);

// Fill colours for the kinds of graph boxes.
QColor opFill();
QColor layerFill();
QColor groupFill(int depth);
QColor selectionColor();

} // namespace torchprep
