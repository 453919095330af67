#include "shortcuts_page.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMenu>
#include <QMenuBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace torchprep {

namespace {

QString plain(QString text)
{
    return text.remove(QLatin1Char('&')).remove(QStringLiteral("…"));
}

void addMenu(const QMenu *menu, const QString &path, QString &rows)
{
    for (const QAction *action : menu->actions()) {
        if (action->isSeparator() || action->text().isEmpty())
            continue;
        const QString where = path + QStringLiteral(" ▸ ") + plain(action->text());
        if (action->menu()) {
            addMenu(action->menu(), where, rows);
            continue;
        }
        QStringList keys;
        for (const QKeySequence &key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText).toHtmlEscaped();
        if (!keys.isEmpty())
            rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                        .arg(keys.join(QStringLiteral(", ")), where.toHtmlEscaped());
    }
}

} // namespace

QString shortcutsHtml(const QMenuBar *menus)
{
    QString rows;
    for (const QAction *top : menus->actions())
        if (top->menu())
            addMenu(top->menu(), plain(top->text()), rows);
    const std::pair<const char *, const char *> graph[] = {
        {"Wheel", "zoom around the cursor"},
        {"Shift+Wheel", "scroll sideways"},
        {"Drag", "pan the graph"},
        {"Double-click",
         "open or close a module (its box, its group's title, its row in the tree)"},
        {"Click", "select a box: its properties, source line and findings follow"},
        {"Enter / Shift+Enter", "in Find: the next / previous match"},
        {"Escape", "close Find"},
        {"Tab / Shift+Tab",
         "move between the graph and the panels (the one with the keys is outlined)"},
        {"Up / Down, then Ctrl+F2",
         "in the findings table: choose a finding, fix it; the next one is selected"},
    };
    QString mouse;
    for (const auto &[keys, what] : graph)
        mouse += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                     .arg(QObject::tr(keys).toHtmlEscaped(), QObject::tr(what).toHtmlEscaped());
    return QObject::tr("<h3>Keyboard shortcuts</h3><table cellpadding='3'>%1</table>"
                       "<h3>In the graph and the panels</h3><table cellpadding='3'>%2</table>")
        .arg(rows, mouse);
}

QWidget *showShortcutsPage(const QMenuBar *menus, QWidget *parent)
{
    auto *dialog = new QDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("shortcutsPage"));
    dialog->setWindowTitle(QObject::tr("Keyboard Shortcuts — TorchPrep Studio"));
    auto *page = new QTextBrowser;
    page->setHtml(shortcutsHtml(menus));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto *column = new QVBoxLayout(dialog);
    column->addWidget(page);
    column->addWidget(buttons);
    dialog->resize(620, 640);
    dialog->show();
    return dialog;
}

} // namespace torchprep
