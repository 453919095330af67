// Any two model files side by side in a window of their own: a model and its hand-edited
// version, last week's export and today's. Both load in the background; the window holds
// the before/after view and a comparison of the two files' outputs. Whoever opens it shows it
// once both files are loaded (loaded()); a file that cannot be read ends in failed() alone.
#pragma once

#include <QMainWindow>
#include <QString>

#include <memory>

namespace torchprep {

class ComparisonPanel;
class DiffView;
class ModelLoader;
class ModelSession;
class WorkTracker;

class DiffWindow : public QMainWindow
{
    Q_OBJECT
  public:
    explicit DiffWindow(QWidget *parent = nullptr);
    ~DiffWindow() override;

    // Loads both files; ready() or failed() follows.
    void openPair(const QString &before, const QString &after);
    // This window's background work: loads, layouts, comparisons.
    WorkTracker *work() const { return work_; }
    bool busy() const;
    // Shows the comparison dock and compares the two files' outputs with its inputs.
    bool compareOutputs();

    DiffView *diffView() const { return view_; }
    ComparisonPanel *comparisonPanel() const { return comparison_; }

  signals:
    void loaded();                      // both files are read: the window has something to show
    void ready();                       // both graphs are laid out
    void failed(const QString &reason); // one file could not be opened: one line that names it

  private:
    void onLoaded(int side, std::shared_ptr<const ModelSession> session);
    void onFailed(const QString &path, const QString &reason);

    WorkTracker *work_;
    DiffView *view_;
    ComparisonPanel *comparison_;
    ModelLoader *loaders_[2];
    std::shared_ptr<const ModelSession> sessions_[2];
    QString paths_[2];
    bool failed_ = false;
};

} // namespace torchprep
