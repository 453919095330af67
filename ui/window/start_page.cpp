#include "start_page.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace torchprep {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;
}

StartPage::StartPage(QWidget *parent)
    : QWidget(parent), open_(new QPushButton(tr("Open Model…"))), recent_(new QListWidget),
      recentTitle_(new QLabel(tr("Recent models"))), status_(new QLabel)
{
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    setPalette(p);

    auto *title = new QLabel(tr("TorchPrep Studio"));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    title->setFont(big);
    auto *hint = new QLabel(
        tr("See a TorchScript model's graph, where it breaks the quantization guidelines, "
           "and fix it.\nOpen a .pt file, or drop one anywhere on this window."));
    hint->setStyleSheet(QStringLiteral("color: #5f6368;"));
    hint->setAlignment(Qt::AlignCenter);
    open_->setDefault(true);
    open_->setMinimumSize(200, 40);
    QFont buttonFont = open_->font();
    buttonFont.setPointSizeF(buttonFont.pointSizeF() * 1.2);
    open_->setFont(buttonFont);
    open_->setToolTip(tr("File ▸ Open (Ctrl+O)"));
    recentTitle_->setStyleSheet(QStringLiteral("color: #5f6368; font-weight: bold;"));
    recent_->setFrameShape(QFrame::NoFrame);
    recent_->setMaximumWidth(640);
    recent_->setMinimumWidth(360);
    recent_->setSpacing(2);
    recent_->setWordWrap(true);
    status_->setStyleSheet(QStringLiteral("color: #1e88e5;"));

    auto *column = new QVBoxLayout(this);
    column->addStretch(2);
    column->addWidget(title, 0, Qt::AlignHCenter);
    column->addWidget(hint, 0, Qt::AlignHCenter);
    column->addSpacing(16);
    column->addWidget(open_, 0, Qt::AlignHCenter);
    column->addWidget(status_, 0, Qt::AlignHCenter);
    column->addSpacing(20);
    column->addWidget(recentTitle_, 0, Qt::AlignHCenter);
    column->addWidget(recent_, 3, Qt::AlignHCenter);
    column->addStretch(1);

    connect(open_, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(recent_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { emit recentChosen(item->data(kPathRole).toString()); });
    connect(recent_, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { emit recentChosen(item->data(kPathRole).toString()); });
}

// Each file by name, with its folder below it: two files of one name stay apart.
void StartPage::setRecent(const QStringList &paths)
{
    recent_->clear();
    for (const QString &path : paths) {
        const QFileInfo info(path);
        const QString folder = QDir::toNativeSeparators(info.absolutePath());
        auto *item = new QListWidgetItem(info.fileName() + QLatin1Char('\n') + folder);
        item->setData(kPathRole, path);
        item->setToolTip(info.exists() ? path : tr("%1 (no longer there)").arg(path));
        recent_->addItem(item);
        // The name in bold, its folder in grey below it; the label leaves clicks to the list.
        auto *label = new QLabel(
            QStringLiteral("<b style='color:%1'>%2</b><br><span style='color:#80868b'>%3</span>")
                .arg(info.exists() ? QStringLiteral("#1a73e8") : QStringLiteral("#9e9e9e"),
                     info.fileName().toHtmlEscaped(), folder.toHtmlEscaped()));
        label->setContentsMargins(6, 3, 6, 3);
        label->setAttribute(Qt::WA_TransparentForMouseEvents);
        item->setSizeHint(label->sizeHint());
        item->setForeground(Qt::transparent); // the label draws the text
        recent_->setItemWidget(item, label);
    }
    recentTitle_->setVisible(!paths.isEmpty());
    recent_->setVisible(!paths.isEmpty());
}

void StartPage::setLoading(const QString &text)
{
    status_->setText(text);
    open_->setEnabled(text.isEmpty());
}

} // namespace torchprep
