// How each check looks in the Studio: its colour (the core's catalogue names it, the palette
// here gives it a shade) and its title for people, shared by the graph, the key, the tree's
// badges, the findings table and the reports; and the fills of the graph's boxes.
#pragma once

#include <QColor>
#include <QString>

#include <string>

namespace torchprep {

// The Studio's shade of a colour the catalogue names ("orange"); grey for a name it lacks.
QColor paletteColor(const std::string &colourKey);
QColor checkColor(const std::string &check);
QString checkTitle(const std::string &check);

// Fill colours for the kinds of graph boxes.
QColor opFill();
QColor layerFill();
QColor collapsedFill(); // a user module shown as one box
QColor groupFill(int depth);
QColor selectionColor();

} // namespace torchprep
