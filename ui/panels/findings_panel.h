// The findings table: every finding of the session on screen. It follows the selection (the
// chosen finding, else every finding on the selected node) and selects what the user clicks.
#pragma once

#include <QTableView>

#include <memory>
#include <vector>

namespace torchprep {

class FindingsModel;
class ModelSession;
class Selection;

class FindingsPanel : public QTableView
{
    Q_OBJECT
  public:
    explicit FindingsPanel(Selection *selection, QWidget *parent = nullptr);

    FindingsModel *findingsModel() const { return model_; }
    // Indexes into the report of the selected rows, in row order.
    std::vector<int> selectedFindings() const;

  private:
    // The selection's session: the panel shows what it shows.
    void setSession(std::shared_ptr<const ModelSession> session);
    void follow();
    void choose(const QModelIndex &index);

    Selection *selection_;
    FindingsModel *model_;
    bool following_ = false; // the table is moved by the selection: not the user's choice
};

} // namespace torchprep
