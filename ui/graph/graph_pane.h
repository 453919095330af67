// One graph on screen, whoever shows it: the controller (what is open, the layouts), the scene
// that mirrors it and the view onto the scene, wired controller -> scene directly. The main
// window holds one; the before/after view two. reveal() opens what hides some nodes and, once
// they are laid out, selects them; nodeSelected() tells only of the user's own selection.
#pragma once

#include "graph/legend_widget.h"
#include "graph/model_graph.h"
#include "graph/node_mark.h"

#include <QHash>
#include <QWidget>

#include <memory>
#include <set>
#include <vector>

class QLabel;

namespace torchprep {

class GraphController;
class GraphScene;
class GraphView;
class ModelSession;
class OverviewView;
class WorkTracker;
struct SessionShapes;

class GraphPane : public QWidget
{
    Q_OBJECT
  public:
    enum class Kind {
        Model,   // a model and its findings, the minimap over the view, the colour key below it
        Version, // one side of a before/after: changes marked instead of findings, a title above
    };

    GraphPane(Kind kind, WorkTracker *work, QWidget *parent = nullptr);
    ~GraphPane() override;

    // Shows `session` with `marks` outlined (its graph's nodes). Another graph opens at a
    // readable default and is looked at from its start; a re-validation keeps what is open.
    void setSession(std::shared_ptr<const ModelSession> session,
                    QHash<NodeId, NodeMark> marks = {});
    // Another graph, opened with exactly these calls.
    void setSession(std::shared_ptr<const ModelSession> session, std::set<NodeId> expanded,
                    QHash<NodeId, NodeMark> marks);
    void clear();
    std::shared_ptr<const ModelSession> session() const;
    // What is outlined from now on (nodes of the session shown).
    void setMarks(QHash<NodeId, NodeMark> marks);
    // Model panes: the key's row explaining the outline, shown while something is outlined.
    void setMarkKey(const LegendWidget::Row &row);
    // Tensor shapes on the edges (while they are the session's graph's); null: none.
    void setShapes(std::shared_ptr<const SessionShapes> shapes);
    // Fills by node of the session's graph (the per-layer divergence) and the key's rows that
    // explain them; empty: none.
    void setOverlay(QHash<NodeId, QColor> fills, const QVector<LegendWidget::Row> &keyRows = {});
    // Search matches, each with a halo (nodes of the session's graph).
    void setHighlights(std::vector<NodeId> nodes);
    // Model panes: the colour key below the graph shown or hidden.
    void setKeyVisible(bool visible);
    bool keyVisible() const;
    // The key's rows as drawn now (also below an exported picture).
    QVector<LegendWidget::Row> keyRows() const;
    // Version panes: the line above the graph (rich text) and its tooltip.
    void setTitle(const QString &title, const QString &toolTip);
    // Places `bar` (e.g. the search bar) above the graph; the pane takes it.
    void addAbove(QWidget *bar);

    // Opens what hides `nodes`, then selects them (without nodeSelected()) and, with `centre`,
    // brings the first into view: at once when nothing needs a layout, else once laid out.
    void reveal(const std::vector<NodeId> &nodes, bool centre = true);
    // Opens or closes the module `call` (a double-click, its tree row); a Model pane keeps the
    // call selected and brings it into view once laid out. toggled() follows.
    void toggle(NodeId call);
    void expandAll();
    void collapseAll();
    // True once a layout of the current session is on screen (false while none is).
    bool hasLayout() const { return laidOut_; }
    // "71 boxes, 15 groups (layout 0.02 s)"; "" before the first layout.
    QString layoutSummary() const;
    // The graph as laid out now with its colour key below, PNG or SVG by `path`'s suffix; `title`
    // names an SVG.
    bool exportPicture(const QString &path, const QString &title, QString *error);

    GraphController *controller() const { return controller_; }
    GraphScene *scene() const { return scene_; }
    GraphView *view() const { return view_; }

  signals:
    void nodeSelected(torchprep::NodeId node);       // by the user; kNoId when cleared
    void toggled(torchprep::NodeId call, bool open); // the user opened or closed a module
    void laidOut(); // a layout of the session is on screen, any pending reveal applied

  protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

  private:
    void onContentChanged();
    void applyReveal();
    void placeOverlays();
    void updateKey();
    QRectF firstLook() const; // the inputs and the first finding, in scene coordinates

    Kind kind_;
    GraphController *controller_;
    GraphScene *scene_;
    GraphView *view_;
    QLabel *title_ = nullptr;
    LegendWidget *legend_ = nullptr;
    OverviewView *overview_ = nullptr;
    LegendWidget::Row markKey_;
    bool hasMarkKey_ = false;
    QVector<LegendWidget::Row> overlayKey_;
    std::vector<NodeId> revealing_;
    bool revealPending_ = false;
    bool revealCentres_ = true;
    bool firstLayout_ = false; // the next layout is the session's first: look at its start
    bool laidOut_ = false;
};

} // namespace torchprep
