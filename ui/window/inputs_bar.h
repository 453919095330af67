// The line above the graph about tensor shapes: it asks for the inputs of a file not yet
// described (once per file: "Not Now" is remembered), says when they could not be recorded, and
// is hidden otherwise.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace torchprep {

class InputsBar : public QFrame
{
    Q_OBJECT
  public:
    explicit InputsBar(QWidget *parent = nullptr);

    // Asks for the inputs of `model` (a file name).
    void ask(const QString &model);
    // The shapes could not be recorded: `reason`, and a way to describe the inputs again.
    void showFailure(const QString &reason);
    QString text() const;

  signals:
    void describeRequested();
    void declined();

  private:
    QLabel *text_;
    QPushButton *describe_;
    QPushButton *notNow_;
};

} // namespace torchprep
