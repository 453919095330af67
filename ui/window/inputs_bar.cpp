#include "inputs_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace torchprep {

InputsBar::InputsBar(QWidget *parent)
    : QFrame(parent), text_(new QLabel), describe_(new QPushButton(tr("Describe Inputs…"))),
      notNow_(new QPushButton(tr("Not Now")))
{
    setObjectName(QStringLiteral("inputsBar"));
    setStyleSheet(
        QStringLiteral("#inputsBar { background: #e8f1fb; border-bottom: 1px solid #b6cde8; }"));
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::PlainText);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(8, 4, 8, 4);
    row->addWidget(text_, 1);
    row->addWidget(describe_);
    row->addWidget(notNow_);
    connect(describe_, &QPushButton::clicked, this, &InputsBar::describeRequested);
    connect(notNow_, &QPushButton::clicked, this, [this] {
        hide();
        emit declined();
    });
    hide();
}

void InputsBar::ask(const QString &model)
{
    text_->setText(
        tr("Tensor shapes: %1 keeps no input shapes. Describe its inputs once and the Studio shows "
           "the shape of every edge (and compares models on them).")
            .arg(model));
    notNow_->show();
    show();
}

void InputsBar::showFailure(const QString &reason)
{
    text_->setText(tr("No tensor shapes: %1").arg(reason));
    notNow_->hide();
    show();
}

QString InputsBar::text() const
{
    return text_->text();
}

} // namespace torchprep
