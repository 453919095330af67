// The user's source around a line, the line highlighted; when the file is not on this
// machine it says where the line was. It follows the window's selection: the chosen finding's
// line, else the selected node's.
#pragma once

#include "graph/model_graph.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace torchprep {

class Selection;

class SourcePanel : public QWidget
{
    Q_OBJECT
  public:
    explicit SourcePanel(Selection *selection, QWidget *parent = nullptr);

    void showLocation(const SourceLocation &location);
    void clear();
    // What the panel shows now (the heading and the text), for tests.
    QString heading() const;
    QString text() const;

  private:
    void follow(bool sessionChanged);

    Selection *selection_;
    QLabel *heading_;
    QPlainTextEdit *text_;
};

} // namespace torchprep
