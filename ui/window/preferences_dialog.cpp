#include "preferences_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace torchprep {

PreferencesDialog::PreferencesDialog(const QStringList &libraries, QWidget *parent)
    : QDialog(parent), list_(new QListWidget)
{
    setWindowTitle(tr("Preferences"));
    auto *intro =
        new QLabel(tr("<b>Operator libraries</b><p>Shared libraries that register custom ops "
                      "(what <code>torch.ops.load_library</code> loads in Python, "
                      "<code>--ops-library</code> for the CLI), loaded when the Studio starts. "
                      "torchvision's and torchaudio's are found and loaded when a model needs "
                      "them.</p>"));
    intro->setWordWrap(true);
    list_->addItems(libraries);
    auto *add = new QPushButton(tr("Add…"));
    auto *remove = new QPushButton(tr("Remove"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    auto *side = new QVBoxLayout;
    side->addWidget(add);
    side->addWidget(remove);
    side->addStretch();
    auto *row = new QHBoxLayout;
    row->addWidget(list_, 1);
    row->addLayout(side);
    auto *column = new QVBoxLayout(this);
    column->addWidget(intro);
    column->addLayout(row, 1);
    column->addWidget(buttons);
    resize(560, 320);
    connect(add, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Operator library"), QString(),
                                         tr("Shared libraries (*.so *.so.*);;All files (*)"));
        if (!path.isEmpty() && list_->findItems(path, Qt::MatchExactly).isEmpty())
            list_->addItem(path);
    });
    connect(remove, &QPushButton::clicked, this, [this] { qDeleteAll(list_->selectedItems()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QStringList PreferencesDialog::libraries() const
{
    QStringList paths;
    for (int i = 0; i < list_->count(); ++i)
        paths << list_->item(i)->text();
    return paths;
}

} // namespace torchprep
