// The before/after view: two versions of a model side by side in two graph panes, opened alike
// and aligned by module path, their changes marked in colour in both graphs and listed below.
// Selecting a change selects it in both graphs; selecting a box selects its twin; pan and zoom
// follow; opening or closing a module does the same to its twin.
#pragma once

#include "graph/graph_diff.h"
#include "graph/legend_widget.h"

#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace torchprep {

class ChangesModel;
class GraphPane;
class GraphScene;
class GraphView;
class ModelSession;
class ViewSync;
class LatestJob;
class WorkTracker;

class DiffView : public QWidget
{
    Q_OBJECT
  public:
    enum Side { Before = 0, After = 1 };

    explicit DiffView(WorkTracker *work, QWidget *parent = nullptr);
    ~DiffView() override;

    // Diffs `after` against `before` in the background, then lays both out; laidOut() follows.
    // The latest call wins. The titles name the two versions ("resnet18.pt", "after 3 fixes").
    void setSessions(std::shared_ptr<const ModelSession> before,
                     std::shared_ptr<const ModelSession> after, const QString &beforeTitle,
                     const QString &afterTitle);
    // Nothing to show: `text` says why (e.g. no fix applied yet).
    void showPlaceholder(const QString &text);

    // The diff or a layout runs, or a graph is not on screen yet.
    bool busy() const;
    bool hasContent() const { return diff_ != nullptr; }
    std::shared_ptr<const ModelSession> session(Side side) const;
    QString title(Side side) const { return titles_[side]; }
    std::shared_ptr<const GraphDiff> diff() const { return diff_; }

    ChangesModel *changesModel() const { return changes_; }
    QTableView *changesTable() const { return table_; }
    GraphPane *pane(Side side) const { return panes_[side]; }
    GraphScene *scene(Side side) const;
    GraphView *view(Side side) const;
    ViewSync *viewSync() const { return sync_; }
    QPushButton *compareButton() const { return compare_; }

    // Selects change `row` in the table and its nodes in both graphs, and brings them into view.
    void selectChange(int row);
    // Selects the module at `path` (its first call) in both graphs; false when neither has it.
    bool selectModule(const QString &path);
    // The node standing for `node` of `side` in the other graph, or kNoId.
    NodeId twinOf(Side side, NodeId node) const;

    // "16 changes: 8 rewritten ops, 8 unrolled reuses".
    QString summaryText() const;
    // One key row per kind of change present, with its count.
    QVector<LegendWidget::Row> legendRows() const;
    // Both graphs side by side with the key: PNG or SVG by `path`'s suffix.
    bool exportPicture(const QString &path, QString *error);

  protected:
    void showEvent(QShowEvent *event) override;

  signals:
    void laidOut(); // both graphs are on screen (after setSessions, and after each re-layout)
    void compareRequested();

  private:
    QWidget *buildChangesBox();
    // Shows the two sessions and their diff, computed off the GUI thread.
    void showDiff(const std::shared_ptr<const ModelSession> &before,
                  const std::shared_ptr<const ModelSession> &after,
                  std::shared_ptr<const GraphDiff> diff);
    void onLaidOut();
    void onNodeSelected(Side side, NodeId node);
    void onToggled(Side side, NodeId call, bool open);
    void selectNodes(const std::vector<NodeId> &before, const std::vector<NodeId> &after);
    void centreSelection();
    void exportWithDialog();

    LatestJob *diffing_;
    GraphPane *panes_[2];
    QString titles_[2]; // "resnet18.pt", "after Fix all"
    std::shared_ptr<const GraphDiff> diff_;
    std::vector<int> entryOf_[2];     // node -> row of the change holding it, -1 for none
    std::vector<NodeId> selected_[2]; // the change (or module) being brought into view
    ChangesModel *changes_;
    QStackedWidget *stack_;
    QSplitter *sides_;   // before | after
    QSplitter *content_; // graphs over the changes
    bool sized_ = false; // the splitters got their first sizes
    QLabel *placeholder_;
    QLabel *summary_;
    QTableView *table_;
    QCheckBox *syncBox_;
    QPushButton *compare_;
    QPushButton *export_;
    ViewSync *sync_ = nullptr;
    bool choosingRow_ = false; // the table follows the graphs: don't select the change again
    bool centring_ = false;    // a selection waits for its layouts before it is centred
    bool firstShow_ = false;   // the next layouts are the first of these sessions
};

} // namespace torchprep
