// The Studio's main window: the shell. It holds the start page, the graph pane, the side panels,
// the comparison dock, the fix workflow, the tensor shapes and the exports, and wires them to the
// window's one selection and one tracker of background work; it owns the menus, the docks,
// settings and recent files. The model on screen is the session it last showed; everything else
// lives in the parts it wires.
#pragma once

#include "graph/model_graph.h"

#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>

class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;

namespace torchprep {

class ComparisonPanel;
class DiffView;
class DiffWindow;
class FindingsPanel;
class FixCommands;
class FixPreview;
class FixWorkflow;
class GraphPane;
class ModelExports;
class ModelLoader;
class ModelSession;
class ModulesPanel;
class PropertiesPanel;
class SearchBar;
class Selection;
class ShapesFlow;
class SourcePanel;
class StartPage;
class WorkTracker;
struct ModelInputs;

class MainWindow : public QMainWindow
{
    Q_OBJECT
  public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens in the background; modelOpened() or openFailed() follows, then the layout. Fixes not
    // exported are not dropped without asking (see confirmDiscard()).
    void openModel(const QString &path);
    void closeModel();
    // When fixes are not exported, asks (window-modal, never blocking) whether to drop them and
    // runs `then` only once the user agrees; else runs it at once.
    void confirmDiscard(const std::function<void()> &then);
    // Fixes applied since the last export of the prepared model (or none applied).
    bool hasUnexportedFixes() const;
    // The inputs of the open model's file: remembered, and its tensor shapes recorded on them.
    void setModelInputs(const ModelInputs &inputs);
    void describeInputs();
    // The operator libraries loaded at start (Preferences), remembered; loads them now. The
    // lines of those that could not be loaded.
    QStringList setOpsLibraries(const QStringList &paths);
    // Selects finding `index` of the report: reveals and centres its node, shows its source.
    void showFinding(int index);
    // Reveals, selects and centres `node` (expanding groups as needed).
    void revealNode(NodeId node);
    // Anything running in the background: loads, validations, layouts, fixes, comparisons.
    bool busy() const;
    // Shows the comparison dock and compares the open model (A) with `path` (B) using the
    // dock's inputs; false when no model is open or a comparison is running.
    bool compareWith(const QString &path);

    // The Before / After tab: the opened model beside the fixed one, their changes marked.
    void showDiff();
    void showGraph();
    // Compares the opened model (A) with the fixed one (B), in memory, in the comparison dock;
    // false when nothing is fixed or a comparison is running.
    bool compareWithFixed();
    // Any two files side by side in a window of their own (deleted when closed).
    DiffWindow *openDiff(const QString &before, const QString &after);

    // The parts of the window.
    std::shared_ptr<const ModelSession> session() const { return session_; }
    WorkTracker *work() const { return work_; }
    Selection *selection() const { return selection_; }
    GraphPane *graphPane() const { return pane_; }
    SearchBar *searchBar() const { return search_; }
    FindingsPanel *findingsPanel() const { return findings_; }
    ModulesPanel *modulesPanel() const { return modules_; }
    PropertiesPanel *propertiesPanel() const { return properties_; }
    SourcePanel *sourcePanel() const { return source_; }
    ComparisonPanel *comparisonPanel() const { return comparison_; }
    FixWorkflow *fixWorkflow() const { return fixes_; }
    FixPreview *fixPreview() const { return fixPreview_; }
    ShapesFlow *shapes() const { return shapes_; }
    ModelExports *exports() const { return exports_; }
    FixCommands *fixCommands() const { return fixCommands_; }
    StartPage *startPage() const { return start_; }
    // The per-layer divergence on the graph's boxes (after a per-layer comparison).
    void setDivergenceShown(bool shown);
    DiffView *diffView() const;
    QTabWidget *tabs() const { return tabs_; }

  signals:
    void modelOpened();
    void openFailed(const QString &reason);
    void layoutApplied();
    void fixApplied();
    // The question about fixes not exported is on screen (its QMessageBox is a child).
    void discardAsked();

  protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

  private:
    void buildDocks();
    void buildActions();
    void wireWork();
    void wireSelection();
    void wireFixes();
    // Shows `session` everywhere: the graph, the panels, the search; the selection follows.
    void showSession(std::shared_ptr<const ModelSession> session);
    void onOpened(std::shared_ptr<const ModelSession> session);
    void onLaidOut();
    void onTabChanged(int index);
    void updateFixedState();
    void updateSummary();
    void updateActions(); // what needs a model (exports, fixes) only with one
    void showDivergence();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void chooseAndOpen();
    void showError(const QString &title, const QString &text);
    void showComparisonDock();
    QByteArray graphDockState();         // the Graph tab's docks, whichever tab is shown
    bool diffShown() const;              // the Before / After tab is the one on show
    void loadModel(const QString &path); // openModel() once agreed

    std::shared_ptr<const ModelSession> session_;
    WorkTracker *work_;
    Selection *selection_;
    ModelLoader *loader_;
    FixWorkflow *fixes_;
    GraphPane *pane_;
    SearchBar *search_;
    FindingsPanel *findings_;
    ModulesPanel *modules_;
    PropertiesPanel *properties_;
    SourcePanel *source_;
    ComparisonPanel *comparison_;
    ShapesFlow *shapes_;
    ModelExports *exports_;
    FixPreview *fixPreview_;
    FixCommands *fixCommands_; // after what it uses: members start in this order
    StartPage *start_;
    QStackedWidget *central_; // the start page, or the tabs
    QTabWidget *tabs_;
    QAction *compareFixedAction_ = nullptr;
    QAction *divergenceAction_ = nullptr;
    QList<QAction *> modelActions_; // enabled only with a model open
    QProgressBar *progress_;
    QLabel *summary_;
    QMenu *recentMenu_ = nullptr;
    QString busyMessage_; // the status bar's "Loading…" while it stands
    QString loadingPath_;
    int shownTab_ = 0;
    QByteArray graphDocks_; // each tab's dock arrangement while the other is shown
    QByteArray diffDocks_;
    bool closeAgreed_ = false;  // the user chose to drop fixes not exported: close now
    bool divergenceIsA_ = true; // the last per-layer comparison's A is the graph on show
};

} // namespace torchprep
