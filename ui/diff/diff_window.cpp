#include "diff_window.h"

#include "compare/comparison_panel.h"
#include "diff/diff_view.h"
#include "session/background_work.h"
#include "session/model_inputs.h"
#include "session/model_loader.h"
#include "session/model_session.h"

#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace torchprep {

DiffWindow::DiffWindow(QWidget *parent)
    : QMainWindow(parent), work_(new WorkTracker(this)), view_(new DiffView(work_)),
      comparison_(new ComparisonPanel(work_)),
      loaders_{new ModelLoader(work_, this), new ModelLoader(work_, this)}
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Before / After — TorchPrep Studio"));
    setCentralWidget(view_);
    resize(1500, 950);
    auto *dock = new QDockWidget(tr("Comparison"), this);
    dock->setObjectName(QStringLiteral("comparisonDock"));
    dock->setWidget(comparison_);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide();
    statusBar(); // made now, not when the graphs land: no late layout for a screenshot to miss

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Export &Picture…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        QString path = QFileDialog::getSaveFileName(this, tr("Export the before/after picture"),
                                                    QFileInfo(paths_[1]).completeBaseName() +
                                                        QStringLiteral("_diff.png"),
                                                    tr("PNG image (*.png);;SVG image (*.svg)"));
        if (path.isEmpty())
            return;
        QString error;
        if (view_->exportPicture(path, &error))
            statusBar()->showMessage(tr("Wrote %1").arg(path), 4000);
        else
            QMessageBox::warning(this, tr("Export picture"),
                                 tr("Could not write %1: %2").arg(path, error));
    });
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&Compare Outputs"), this, &DiffWindow::compareOutputs);
    tools->addAction(dock->toggleViewAction());

    for (int side : {0, 1}) {
        connect(
            loaders_[side], &ModelLoader::opened, this,
            [this, side](std::shared_ptr<const ModelSession> s) { onLoaded(side, std::move(s)); });
        connect(loaders_[side], &ModelLoader::failed, this, &DiffWindow::onFailed);
    }
    connect(view_, &DiffView::laidOut, this, [this] {
        statusBar()->showMessage(tr("Select a change to see it in both graphs."), 5000);
        emit ready();
    });
    connect(view_, &DiffView::compareRequested, this, &DiffWindow::compareOutputs);
    connect(comparison_, &ComparisonPanel::moduleActivated, this, [this](const QString &path) {
        if (!view_->selectModule(path))
            statusBar()->showMessage(tr("%1 is in neither model.").arg(path), 4000);
    });
}

DiffWindow::~DiffWindow() = default;

void DiffWindow::openPair(const QString &before, const QString &after)
{
    paths_[0] = QFileInfo(before).absoluteFilePath();
    paths_[1] = QFileInfo(after).absoluteFilePath();
    sessions_[0].reset();
    sessions_[1].reset();
    failed_ = false;
    setWindowTitle(tr("%1 ↔ %2 — TorchPrep Studio")
                       .arg(QFileInfo(before).fileName(), QFileInfo(after).fileName()));
    view_->showPlaceholder(
        tr("Loading %1 and %2…").arg(QFileInfo(before).fileName(), QFileInfo(after).fileName()));
    comparison_->setModels(paths_[0], paths_[1]);
    const ModelInputs inputs = rememberedInputs(paths_[0]);
    comparison_->setInputs(inputs.isEmpty() ? lastInputs() : inputs);
    loaders_[0]->open(paths_[0]);
    loaders_[1]->open(paths_[1]);
}

bool DiffWindow::busy() const
{
    return work_->busy();
}

bool DiffWindow::compareOutputs()
{
    if (!sessions_[0] || !sessions_[1] || comparison_->busy())
        return false;
    auto *dock = findChild<QDockWidget *>(QStringLiteral("comparisonDock"));
    dock->show();
    dock->raise();
    return comparison_->run();
}

void DiffWindow::onLoaded(int side, std::shared_ptr<const ModelSession> session)
{
    sessions_[side] = std::move(session);
    if (sessions_[0] && sessions_[1] && !failed_) {
        emit loaded();
        view_->setSessions(sessions_[0], sessions_[1], QFileInfo(paths_[0]).fileName(),
                           QFileInfo(paths_[1]).fileName());
    }
}

void DiffWindow::onFailed(const QString &path, const QString &reason)
{
    if (failed_)
        return; // the other file's reason adds nothing a user can act on first
    failed_ = true;
    const QString name = QFileInfo(path).fileName();
    const QString line =
        reason.contains(name) ? reason : name + QStringLiteral(": ") + reason; // name it once
    view_->showPlaceholder(tr("Cannot show the diff.\n\n%1").arg(line));
    if (!isVisible()) { // not shown yet: whoever opened it says why, no blank window first
        emit failed(line);
        return;
    }
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Cannot open model"), line, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // non-modal: a script or test is never stuck behind it
    emit failed(line);
}

} // namespace torchprep
