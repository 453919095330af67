// Asks what a model's forward takes, once per file: the shapes `prepare --input-shape` takes
// (one line per input, SHAPE[:DTYPE][:LOW..HIGH]) or a file of inputs saved with torch.save.
// The tensor shapes on the graph and the comparison's inputs both use the answer.
#pragma once

#include "session/model_inputs.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;

namespace torchprep {

class InputsDialog : public QDialog
{
    Q_OBJECT
  public:
    // `model` names the file; `signature` is forward's ("x: Tensor, lengths: Tensor").
    InputsDialog(const QString &model, const QString &signature, const ModelInputs &inputs,
                 QWidget *parent = nullptr);

    ModelInputs inputs() const;
    void setInputs(const ModelInputs &inputs);
    // Accepts when the description reads; else shows why and stays open.
    void accept() override;

  private:
    QRadioButton *byShape_;
    QRadioButton *byFile_;
    QPlainTextEdit *shapes_;
    QLineEdit *file_;
    QLabel *error_;
};

} // namespace torchprep
