// The Studio's main window: wires the loader, the graph controller, the scene and view, and
// the side panels together, and owns the menus, settings and exports. Holds no model state
// of its own beyond the opened session and the current (possibly fixed) one. The fix
// workflow (fixes, the Before / After tab, comparing with the fixed model) is wired in
// main_window_fixes.cpp, menus and exports in main_window_actions.cpp.
#pragma once

#include "model_graph.h"
#include "node_mark.h"

#include <QHash>
#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QTableView;
class QTreeView;
class QUndoStack;

namespace torchprep {

class ComparisonPanel;
class DiffView;
class DiffWindow;
class FindingsModel;
class FixController;
class GraphController;
class GraphScene;
class GraphView;
struct GraphLayout;
class LegendWidget;
class ModelLoader;
class ModelSession;
class ModuleTreeModel;
class OverviewView;
class PropertiesPanel;
class SearchBar;
class SourcePanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens in the background; modelOpened() or openFailed() follows.
    void openModel(const QString &path);
    void closeModel();
    // Selects finding `index` of the report: reveals and centres its node, shows its source.
    void showFinding(int index);
    // Reveals, selects and centres `node` (expanding groups as needed).
    void revealNode(NodeId node);
    bool busy() const;
    // Shows the comparison dock and compares the open model (A) with `path` (B) using the
    // dock's inputs; false when no model is open or a comparison is running.
    bool compareWith(const QString &path);

    bool exportPng(const QString &path, QString *error);
    bool exportSvg(const QString &path, QString *error);
    bool exportFindingsJson(const QString &path, QString *error);
    bool exportReport(const QString &path, QString *error);
    // The current (possibly fixed) model as TorchScript; never over the opened file.
    bool exportPreparedModel(const QString &path, QString *error);
    // STEM.py and STEM_state_dict.pt in `dir`, STEM from `stem`'s file name.
    bool exportPythonSource(const QString &dir, const QString &stem, QString *error);
    // The Before / After tab's two graphs side by side with the key, PNG or SVG by suffix.
    bool exportDiffPicture(const QString &path, QString *error);

    // Fixes run in the background as one undo step each; fixApplied() follows. False when
    // nothing is open or busy. Empty `keys`: every finding.
    bool fixFindings(const QStringList &keys, const QString &label);
    bool fixSelected();
    bool fixAll();
    bool fixAllOfSelectedKind();
    QUndoStack *undoStack() const;
    // True once a fix is applied (and not undone): the model on screen is not the file's.
    bool fixed() const;

    // The Before / After tab: the opened model beside the fixed one, their changes marked.
    void showDiff();
    void showGraph();
    // Compares the opened model (A) with the fixed one (B), in memory, in the comparison dock;
    // false when nothing is fixed or a comparison is running.
    bool compareWithFixed();
    // Any two files side by side in a window of their own (deleted when closed).
    DiffWindow *openDiff(const QString &before, const QString &after);
    // What the last fix (or undo) changed, outlined in the graph until the next one.
    const QHash<NodeId, NodeMark> &lastChangeMarks() const { return lastChange_; }

    std::shared_ptr<const ModelSession> session() const { return session_; }
    GraphController *graphController() const { return controller_; }
    GraphScene *graphScene() const { return scene_; }
    GraphView *graphView() const { return view_; }
    FindingsModel *findingsModel() const { return findings_; }
    QTableView *findingsTable() const { return findingsTable_; }
    ModuleTreeModel *moduleTreeModel() const { return tree_; }
    SearchBar *searchBar() const { return search_; }
    PropertiesPanel *propertiesPanel() const { return properties_; }
    SourcePanel *sourcePanel() const { return source_; }
    ComparisonPanel *comparisonPanel() const { return comparison_; }
    DiffView *diffView() const { return diffView_; }
    QTabWidget *tabs() const { return tabs_; }

signals:
    void modelOpened();
    void openFailed(const QString &reason);
    void layoutApplied();
    void fixApplied();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildActions();
    void buildDocks();
    void wireFixes();
    void onFixedSessionChanged(std::shared_ptr<const ModelSession> session, const QString &message);
    void setLastChange(QHash<NodeId, NodeMark> marks);
    void refreshDiff();
    void updateFixedState();
    void onTabChanged(int index);
    QByteArray graphDockState(); // the Graph tab's docks, whichever tab is shown
    // sameGraph: a re-validation of the graph on screen (keeps expansion and layouts).
    void setSession(std::shared_ptr<const ModelSession> session, bool newModel, bool sameGraph = true);
    QStringList selectedFindingKeys(QString *check = nullptr) const;
    void onLayoutReady(std::shared_ptr<const GraphLayout> layout);
    void onNodeSelected(NodeId node);
    void onFindingActivated(const QModelIndex &index);
    void onModuleActivated(const QModelIndex &index);
    void applyPendingSelection();
    void updateBusy();
    void updateSummary();
    void placeOverlays();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void chooseAndOpen();
    void exportWithDialog(const QString &title, const QString &filter, const QString &suffix,
                          bool (MainWindow::*write)(const QString &, QString *));
    void showError(const QString &title, const QString &text);
    void showComparisonDock();

    std::shared_ptr<const ModelSession> session_;
    std::shared_ptr<const ModelSession> opened_; // as loaded from the file: the diff's "before"
    ModelLoader *loader_;
    FixController *fixes_;
    GraphController *controller_;
    GraphScene *scene_;
    GraphView *view_;
    OverviewView *overview_;
    LegendWidget *legend_;
    FindingsModel *findings_;
    QTableView *findingsTable_ = nullptr;
    ModuleTreeModel *tree_;
    QTreeView *treeView_ = nullptr;
    PropertiesPanel *properties_ = nullptr;
    SourcePanel *source_ = nullptr;
    ComparisonPanel *comparison_ = nullptr;
    DiffView *diffView_;
    QTabWidget *tabs_;
    QAction *compareFixedAction_ = nullptr;
    QHash<NodeId, NodeMark> lastChange_;
    SearchBar *search_;
    QProgressBar *progress_;
    QLabel *summary_;
    QMenu *recentMenu_ = nullptr;
    NodeId pendingSelect_ = kNoId;
    int pendingFinding_ = -1;
    bool firstLayout_ = false;
    // Busy as the GUI thread has seen it: a worker's future ends before its result reaches us,
    // so the watchers' isRunning() alone would report idle too early.
    bool loading_ = false;
    bool fixing_ = false;
    bool layingOut_ = false;
    bool syncing_ = false; // a panel is following another: don't echo back
    bool diffStale_ = false;      // the Before / After tab shows an older state
    bool showDiffAfterFix_ = false; // a bulk fix is running: show its diff when it lands
    int shownTab_ = 0;
    QByteArray graphDocks_; // each tab's dock arrangement while the other is shown
    QByteArray diffDocks_;
    QString loadingPath_;
};

} // namespace torchprep
