// The Ctrl+F bar: type to find modules and ops (every match is highlighted as you type, and
// counted), Enter / F3 for the next match, Shift+Enter / Shift+F3 for the previous one, Escape
// to close (the highlights go with it). It searches the session of the window's selection,
// following it by itself.
#pragma once

#include "graph/model_graph.h"

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QLineEdit;

namespace torchprep {

class ModelSession;
class Selection;

class SearchBar : public QWidget
{
    Q_OBJECT
  public:
    explicit SearchBar(Selection *selection, QWidget *parent = nullptr);

    void activate(); // show, focus, select the text
    void setText(const QString &text);
    int matchCount() const { return static_cast<int>(matches_.size()); }
    int currentMatch() const { return current_; }
    const std::vector<NodeId> &matches() const { return matches_; }
    QString counterText() const;

  public slots:
    void next();
    void previous();

  signals:
    void matchRequested(torchprep::NodeId node);
    // Every match of the text as typed (empty: none, or the bar closed).
    void matchesChanged(const std::vector<torchprep::NodeId> &matches);

  protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void showEvent(QShowEvent *event) override;

  private:
    void setSession(std::shared_ptr<const ModelSession> session);
    void research();
    void step(int delta);
    void updateCounter();

    std::shared_ptr<const ModelSession> session_;
    QLineEdit *edit_;
    QLabel *counter_;
    std::vector<NodeId> matches_;
    int current_ = -1;
};

} // namespace torchprep
