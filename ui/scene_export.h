// The graph as a picture: PNG (raster, scaled so labels stay sharp) or SVG (vector).
// Both draw the whole laid-out graph at its current expansion, without the selection.
#pragma once

#include <QString>

class QGraphicsScene;

namespace torchprep {

// Return false and set `error` to one line when the file cannot be written.
bool exportScenePng(QGraphicsScene &scene, const QString &path, QString *error);
bool exportSceneSvg(QGraphicsScene &scene, const QString &path, const QString &title, QString *error);

} // namespace torchprep
