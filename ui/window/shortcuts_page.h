// Help ▸ Keyboard Shortcuts: every menu command with its shortcut, read from the menus
// themselves (so the page never drifts from them), and the mouse and keys of the graph.
#pragma once

#include <QString>

class QMenuBar;
class QWidget;

namespace torchprep {

// The page as HTML.
QString shortcutsHtml(const QMenuBar *menus);
// Shows the page in a window of its own (non-modal, deleted when closed).
QWidget *showShortcutsPage(const QMenuBar *menus, QWidget *parent);

} // namespace torchprep
