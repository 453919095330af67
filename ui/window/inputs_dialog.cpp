#include "inputs_dialog.h"

#include "session/guarded.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace torchprep {

InputsDialog::InputsDialog(const QString &model, const QString &signature,
                           const ModelInputs &inputs, QWidget *parent)
    : QDialog(parent),
      byShape_(new QRadioButton(tr("Random inputs of these shapes, one line per input:"))),
      byFile_(new QRadioButton(
          tr("The inputs in a file saved with torch.save(x) or torch.save((x, y)):"))),
      shapes_(new QPlainTextEdit), file_(new QLineEdit), error_(new QLabel)
{
    setWindowTitle(tr("Inputs of %1").arg(QFileInfo(model).fileName()));
    auto *intro =
        new QLabel(tr("<p>TorchScript files keep no input shapes. Describe what "
                      "<code>forward(%1)</code> takes, as "
                      "<code>torchprep prepare --input-shape</code> does: "
                      "<code>SHAPE[:DTYPE][:LOW..HIGH]</code>, e.g. "
                      "<code>1,3,224,224</code> or <code>1,16:int64:0..999</code>.</p><p>The "
                      "Studio runs the model once on "
                      "these inputs to show the tensor shapes on the graph, and compares models on "
                      "them. It remembers them "
                      "for this file.</p>")
                       .arg(signature.toHtmlEscaped()));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    shapes_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    shapes_->setPlaceholderText(QStringLiteral("1,3,224,224"));
    shapes_->setTabChangesFocus(true);
    shapes_->setMinimumHeight(90);
    file_->setPlaceholderText(tr("/path/to/inputs.pt"));
    auto *browse = new QPushButton(tr("Browse…"));
    error_->setStyleSheet(QStringLiteral("color: #c0392b;"));
    error_->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(file_, 1);
    fileRow->addWidget(browse);
    auto *column = new QVBoxLayout(this);
    column->addWidget(intro);
    column->addWidget(byShape_);
    column->addWidget(shapes_);
    column->addWidget(byFile_);
    column->addLayout(fileRow);
    column->addWidget(error_);
    column->addWidget(buttons);
    resize(560, 420);

    connect(browse, &QPushButton::clicked, this, [this, model] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Inputs saved with torch.save"), QFileInfo(model).absolutePath(),
            tr("Saved tensors (*.pt *.pth);;All files (*)"));
        if (!path.isEmpty()) {
            file_->setText(path);
            byFile_->setChecked(true);
        }
    });
    connect(shapes_, &QPlainTextEdit::textChanged, this, [this] { byShape_->setChecked(true); });
    connect(file_, &QLineEdit::textEdited, this, [this] { byFile_->setChecked(true); });
    connect(buttons, &QDialogButtonBox::accepted, this, &InputsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setInputs(inputs);
}

void InputsDialog::setInputs(const ModelInputs &inputs)
{
    shapes_->setPlainText(inputs.shapes.join(QLatin1Char('\n')));
    file_->setText(inputs.file);
    (inputs.file.isEmpty() ? byShape_ : byFile_)->setChecked(true);
    error_->clear();
}

ModelInputs InputsDialog::inputs() const
{
    ModelInputs inputs;
    if (byFile_->isChecked() && !file_->text().trimmed().isEmpty())
        inputs.file = QFileInfo(file_->text().trimmed()).absoluteFilePath();
    else if (byFile_->isChecked())
        return inputs;
    else
        inputs = ModelInputs::fromText(
            shapes_->toPlainText().replace(QLatin1Char('\n'), QLatin1Char(';')));
    return inputs;
}

void InputsDialog::accept()
{
    const ModelInputs described = inputs();
    QString reason = described.isEmpty()
                         ? tr("Give one shape per forward input, or a file of inputs.")
                         : QString();
    if (reason.isEmpty())
        reason = guarded([&] { described.spec(); }, tr("reading the inputs"));
    if (reason.isEmpty() && !described.file.isEmpty() && !QFileInfo(described.file).isFile())
        reason = tr("%1 is not a file").arg(described.file);
    if (!reason.isEmpty()) {
        error_->setText(reason);
        return;
    }
    QDialog::accept();
}

} // namespace torchprep
