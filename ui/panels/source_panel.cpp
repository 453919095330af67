#include "source_panel.h"

#include "session/model_session.h"
#include "session/selection.h"

#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextStream>
#include <QVBoxLayout>

#include <limits>

namespace torchprep {

namespace {
constexpr int kContextLines = 8;
}

SourcePanel::SourcePanel(Selection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection), heading_(new QLabel(this)),
      text_(new QPlainTextEdit(this))
{
    connect(selection_, &Selection::changed, this,
            [this](Selection::Origin origin) { follow(origin == Selection::Origin::Session); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    heading_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    heading_->setWordWrap(true);
    text_->setReadOnly(true);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(heading_);
    layout->addWidget(text_, 1);
    clear();
}

void SourcePanel::clear()
{
    heading_->setText(tr("No source line: select a box or a finding."));
    text_->clear();
}

void SourcePanel::follow(bool sessionChanged)
{
    const std::shared_ptr<const ModelSession> &session = selection_->session();
    if (session && selection_->finding() >= 0)
        showLocation(session->report().findings[selection_->finding()].source);
    else if (session && selection_->node() != kNoId)
        showLocation(session->graph().nodes[selection_->node()].source);
    else if (sessionChanged)
        clear(); // nothing of another model stays on show
}

QString SourcePanel::heading() const
{
    return heading_->text();
}
QString SourcePanel::text() const
{
    return text_->toPlainText();
}

void SourcePanel::showLocation(const SourceLocation &location)
{
    text_->clear();
    if (!location.known()) {
        heading_->setText(tr("TorchScript kept no source line for this."));
        return;
    }
    const QString where =
        QString::fromStdString(location.str()) +
        (location.inferred ? tr(" (inferred from the lines around it)") : QString());
    QFile file(QString::fromStdString(location.file));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        heading_->setText(tr("%1 — the file is not readable on this machine.").arg(where));
        return;
    }
    QTextStream in(&file);
    QStringList lines;
    int first = std::max(1, location.line - kContextLines);
    for (int n = 1; !in.atEnd() && n <= location.line + kContextLines; ++n) {
        const QString line = in.readLine();
        if (n >= first)
            lines << line;
    }
    // The code's shared indentation says nothing: a narrow panel shows the code instead.
    int indent = std::numeric_limits<int>::max();
    for (const QString &line : std::as_const(lines))
        if (!line.trimmed().isEmpty())
            indent = std::min(
                indent,
                static_cast<int>(
                    line.size() -
                    QString(line).remove(QRegularExpression(QStringLiteral("^\\s+"))).size()));
    if (indent == std::numeric_limits<int>::max())
        indent = 0;
    QString shown;
    const int width = QString::number(first + lines.size()).size();
    for (int i = 0; i < lines.size(); ++i)
        shown += QStringLiteral("%1  %2\n").arg(first + i, width).arg(lines[i].mid(indent));
    heading_->setText(where);
    text_->setPlainText(shown);
    const QTextBlock block = text_->document()->findBlockByNumber(location.line - first);
    if (!block.isValid())
        return;
    QTextEdit::ExtraSelection mark;
    mark.format.setBackground(QColor(0xFF, 0xF1, 0x76));
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    mark.cursor = QTextCursor(block);
    text_->setExtraSelections({mark});
    text_->setTextCursor(mark.cursor);
    text_->centerCursor();
}

} // namespace torchprep
