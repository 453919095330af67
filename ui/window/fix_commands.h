// Edit ▸ Fix: the fixes the user asks for on the findings table's choice (the findings panel's
// selected rows, of the selection's session): one finding, all of its kind, or all. Each runs in
// the background as one undo step of the FixWorkflow; none starts while a model loads (it would
// land on the wrong model's history). After a fix of one finding, the one that took its row is
// chosen, so a user fixes one after another with Ctrl+F2 alone.
#pragma once

#include <QObject>
#include <QStringList>

class QPoint;

namespace torchprep {

class FindingsPanel;
class FixPreview;
class FixWorkflow;
class ModelLoader;
class Selection;

class FixCommands : public QObject
{
    Q_OBJECT
  public:
    FixCommands(Selection *selection, FindingsPanel *findings, FixWorkflow *fixes,
                FixPreview *preview, ModelLoader *loader, QObject *parent);

    // False when nothing started (nothing chosen, nothing open, busy).
    bool fixSelected();          // reuses what the finding's preview computed, when it has
    bool fixAllOfSelectedKind(); // all findings of the chosen finding's check, as one step
    bool fixAll();               // bulk fixes open their result in the Before / After tab

    // The findings table's context menu at `pos` (viewport coordinates).
    void showMenu(const QPoint &pos);

  signals:
    void status(const QString &message, int timeoutMs);

  private:
    QStringList selectedKeys(QString *check = nullptr) const;
    bool preparable(); // false, saying why, for a model the preparer cannot rewrite (.pt2)
    void chooseNext(); // after a fix of one finding

    Selection *selection_;
    FindingsPanel *findings_;
    FixWorkflow *fixes_;
    FixPreview *preview_;
    ModelLoader *loader_;
    int fixRow_ = -1; // a fix of one finding runs: its row, for the next one
};

} // namespace torchprep
