// The graph as a picture: PNG (raster, scaled so labels stay sharp) or SVG (vector).
// Every picture draws whole laid-out graphs at their current expansion, without the selection.
#pragma once

#include "graph/legend_widget.h"

#include <QList>
#include <QString>
#include <QVector>

class QGraphicsScene;

namespace torchprep {

// One graph with its colour `key` below it, PNG or SVG by `path`'s suffix; `title` names an SVG.
// Return false and set `error` to one line when the file cannot be written.
bool exportScene(QGraphicsScene &scene, const QVector<LegendWidget::Row> &key, const QString &path,
                 const QString &title, QString *error);

// One graph of a side-by-side picture, under its title.
struct ScenePanel
{
    QGraphicsScene *scene = nullptr;
    QString title;
};

// Graphs side by side, each under its title, with `heading` above and the colour `key` below:
// the before/after view as one picture. PNG or SVG by `path`'s suffix. An empty heading or
// title takes no room.
bool exportScenesSideBySide(const QList<ScenePanel> &panels, const QString &heading,
                            const QVector<LegendWidget::Row> &key, const QString &path,
                            QString *error);

} // namespace torchprep
