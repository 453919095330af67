#include "search_bar.h"

#include "graph/graph_search.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace torchprep {

SearchBar::SearchBar(Selection *selection, QWidget *parent)
    : QWidget(parent), edit_(new QLineEdit(this)), counter_(new QLabel(this))
{
    connect(selection, &Selection::sessionChanged, this, &SearchBar::setSession);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    edit_->setPlaceholderText(tr("Find module, class or op (e.g. layer1.0, ReLU, add)"));
    edit_->setClearButtonEnabled(true);
    edit_->installEventFilter(this);
    auto *prev = new QToolButton(this);
    prev->setText(QStringLiteral("▲"));
    prev->setToolTip(tr("Previous match (Shift+Enter)"));
    auto *nextButton = new QToolButton(this);
    nextButton->setText(QStringLiteral("▼"));
    nextButton->setToolTip(tr("Next match (Enter)"));
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close (Escape)"));
    layout->addWidget(new QLabel(tr("Find:"), this));
    layout->addWidget(edit_, 1);
    layout->addWidget(counter_);
    layout->addWidget(prev);
    layout->addWidget(nextButton);
    layout->addWidget(close);
    connect(edit_, &QLineEdit::textChanged, this, &SearchBar::research);
    connect(prev, &QToolButton::clicked, this, &SearchBar::previous);
    connect(nextButton, &QToolButton::clicked, this, &SearchBar::next);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    updateCounter();
}

void SearchBar::setSession(std::shared_ptr<const ModelSession> session)
{
    session_ = std::move(session);
    research();
}

void SearchBar::activate()
{
    show();
    edit_->setFocus();
    edit_->selectAll();
}

void SearchBar::setText(const QString &text)
{
    edit_->setText(text);
}

void SearchBar::research()
{
    matches_ = session_ ? searchGraph(session_->graph(), edit_->text()) : std::vector<NodeId>{};
    current_ = -1;
    updateCounter();
    if (isVisible())
        emit matchesChanged(matches_);
}

void SearchBar::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    emit matchesChanged({});
}

void SearchBar::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    emit matchesChanged(matches_);
}

void SearchBar::next()
{
    step(1);
}
void SearchBar::previous()
{
    step(-1);
}

void SearchBar::step(int delta)
{
    if (matches_.empty())
        return;
    const int n = static_cast<int>(matches_.size());
    current_ = current_ < 0 ? (delta > 0 ? 0 : n - 1) : ((current_ + delta) % n + n) % n;
    updateCounter();
    emit matchRequested(matches_[current_]);
}

void SearchBar::updateCounter()
{
    counter_->setText(counterText());
}

QString SearchBar::counterText() const
{
    if (edit_->text().trimmed().isEmpty())
        return {};
    if (matches_.empty())
        return tr("no match");
    if (current_ < 0)
        return matches_.size() == 1 ? tr("1 match") : tr("%1 matches").arg(matches_.size());
    return tr("%1 of %2").arg(current_ + 1).arg(matches_.size());
}

bool SearchBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == edit_ && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool back = key->modifiers() & Qt::ShiftModifier;
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter ||
            key->key() == Qt::Key_F3) {
            step(back ? -1 : 1);
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            hide();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace torchprep
