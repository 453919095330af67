// Keeps two graph views of two versions of a model on the same place: the same zoom, and the
// twin of the box nearest one view's centre at the same spot of the other. Graphs of two
// versions differ in size, so scroll positions alone would drift apart.
#pragma once

#include <QObject>

#include <functional>

class QGraphicsItem;

namespace torchprep {

class GraphView;

class ViewSync : public QObject
{
    Q_OBJECT
  public:
    // `twin(item, toSecond)`: the item in the other view's scene standing for the same node, or
    // nullptr. `toSecond` says which way: from the first view's scene to the second's, or back.
    using TwinOf = std::function<QGraphicsItem *(QGraphicsItem *item, bool toSecond)>;

    ViewSync(GraphView *first, GraphView *second, TwinOf twin, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool enabled() const { return enabled_; }
    // Moves `leader`'s partner to match `leader` now.
    void follow(GraphView *leader);
    // Puts the twin of `item` (in `leader`'s scene) where `item` sits in `leader`: a selected
    // box's twin comes into view beside it. With sync off, only brings the twin into view.
    void alignOn(GraphView *leader, QGraphicsItem *item);

  private:
    // Centres `follower` so that `twin` sits where `anchor` sits in `leader`.
    void place(GraphView *leader, QGraphicsItem *anchor, GraphView *follower, QGraphicsItem *twin);

    GraphView *first_;
    GraphView *second_;
    TwinOf twin_;
    bool enabled_ = true;
    bool following_ = false;
};

} // namespace torchprep
