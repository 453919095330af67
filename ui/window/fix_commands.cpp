#include "window/fix_commands.h"

#include "checks/finding.h"
#include "fixes/fix_preview.h"
#include "fixes/fix_workflow.h"
#include "panels/findings_panel.h"
#include "session/check_style.h"
#include "session/counted.h"
#include "session/model_loader.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QMenu>

#include <algorithm>
#include <utility>

namespace torchprep {

FixCommands::FixCommands(Selection *selection, FindingsPanel *findings, FixWorkflow *fixes,
                         FixPreview *preview, ModelLoader *loader, QObject *parent)
    : QObject(parent), selection_(selection), findings_(findings), fixes_(fixes), preview_(preview),
      loader_(loader)
{
    connect(fixes_, &FixWorkflow::fixApplied, this, &FixCommands::chooseNext);
    connect(fixes_, &FixWorkflow::failed, this, [this] { fixRow_ = -1; });
    connect(findings_, &QWidget::customContextMenuRequested, this, &FixCommands::showMenu);
}

QStringList FixCommands::selectedKeys(QString *check) const
{
    QStringList keys;
    const auto &session = selection_->session();
    if (!session)
        return keys;
    for (int index : findings_->selectedFindings()) {
        const Finding &f = session->report().findings.at(index);
        keys << QString::fromStdString(findingKey(f));
        if (check && check->isEmpty())
            *check = QString::fromStdString(f.check);
    }
    return keys;
}

// A torch.export program is read, never rewritten: the preparer works on TorchScript.
bool FixCommands::preparable()
{
    const auto &session = selection_->session();
    if (session && !session->model()) {
        emit status(tr("A torch.export program (.pt2) is fixed in its source: each finding's fix "
                       "says what to write where. To have TorchPrep prepare it, open its "
                       "torch.jit.trace."),
                    8000);
        return false;
    }
    return true;
}

bool FixCommands::fixSelected()
{
    if (!preparable())
        return false;
    const QStringList keys = selectedKeys();
    if (keys.isEmpty()) {
        emit status(tr("Select a finding to fix."), 4000);
        return false;
    }
    const auto session = selection_->session();
    const int row = findings_->selectedFindings().front();
    const Finding &f = session->report().findings.at(row);
    const QString label =
        keys.size() == 1
            ? tr("Fix %1 in %2")
                  .arg(checkTitle(f.check).toLower(), QString::fromStdString(displayPath(f.module)))
            : tr("Fix %1").arg(counted(keys.size(), tr("finding"), tr("findings")));
    // One finding: Fix lands what its preview already computed, when it has.
    const auto ready =
        keys.size() == 1 ? preview_->resultFor(session, keys.front().toStdString()) : nullptr;
    const bool started = !loader_->busy() && fixes_->fix(keys, label, false, ready);
    if (started && keys.size() == 1)
        fixRow_ = row;
    return started;
}

bool FixCommands::fixAll()
{
    const auto &session = selection_->session();
    if (!session || session->report().findings.empty() || loader_->busy() || !preparable())
        return false;
    const auto count = static_cast<long long>(session->report().findings.size());
    return fixes_->fix({}, tr("Fix all (%1)").arg(counted(count, tr("finding"), tr("findings"))),
                       true);
}

bool FixCommands::fixAllOfSelectedKind()
{
    QString check;
    if (selectedKeys(&check).isEmpty()) {
        emit status(tr("Select a finding to fix all of its kind."), 4000);
        return false;
    }
    if (loader_->busy() || !preparable())
        return false;
    const QStringList keys = fixes_->keysOf(check);
    return fixes_->fix(keys,
                       tr("Fix all: %1 (%2)")
                           .arg(checkTitle(check.toStdString()).toLower(),
                                counted(keys.size(), tr("finding"), tr("findings"))),
                       true);
}

void FixCommands::showMenu(const QPoint &pos)
{
    QString check;
    if (selectedKeys(&check).isEmpty())
        return;
    QMenu menu;
    menu.addAction(tr("Fix"), this, &FixCommands::fixSelected);
    menu.addAction(tr("Fix All of This Kind (%1)").arg(checkTitle(check.toStdString())), this,
                   &FixCommands::fixAllOfSelectedKind);
    menu.addAction(tr("Fix All"), this, &FixCommands::fixAll);
    menu.exec(findings_->viewport()->mapToGlobal(pos));
}

// The fixed model's session is on screen by now (FixWorkflow shows it before fixApplied()).
void FixCommands::chooseNext()
{
    const int row = std::exchange(fixRow_, -1);
    const auto &session = selection_->session();
    const int count = session ? static_cast<int>(session->report().findings.size()) : 0;
    if (row < 0 || count == 0)
        return;
    selection_->selectFinding(std::min(row, count - 1), Selection::Origin::Other);
    findings_->setFocus(Qt::OtherFocusReason);
}

} // namespace torchprep
