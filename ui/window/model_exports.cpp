#include "window/model_exports.h"

#include "fixes/fix_workflow.h"
#include "fixes/onnx_export_job.h"
#include "fixes/prepared_export_job.h"
#include "graph/graph_pane.h"
#include "panels/report_export.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "session/selection.h"
#include "window/shapes_flow.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QStringList>
#include <QUndoStack>
#include <QWidget>

namespace torchprep {

ModelExports::ModelExports(WorkTracker *work, Selection *selection, GraphPane *pane,
                           FixWorkflow *fixes, ShapesFlow *shapes, QWidget *window)
    : QObject(window), selection_(selection), pane_(pane), fixes_(fixes), shapes_(shapes),
      window_(window), onnx_(new OnnxExportJob(work, this)),
      prepared_(new PreparedExportJob(work, this))
{
    connect(onnx_, &OnnxExportJob::finished, this, [this](bool written, const QString &report) {
        // Written: what the proof did (ran and passed, or not run and why) beside where.
        const QStringList lines = report.split('\n');
        const QString proof =
            lines.filter(QStringLiteral("onnx proof:")).value(0).replace("onnx proof: ", "");
        emit status(written ? tr("ONNX proof: %1  —  %2").arg(proof, lines.last()) : lines.first(),
                    15000);
        if (!written)
            emit failed(tr("Export ONNX"),
                        QStringLiteral("<pre>%1</pre>").arg(report.toHtmlEscaped()));
        emit onnxExported(written, report);
    });
    connect(prepared_, &PreparedExportJob::finished, this,
            [this](bool written, const QString &report) {
                if (written && prepared_->lastWritten() == selection_->session())
                    fixes_->undoStack()->setClean(); // what is on screen is on disk now
                emit status(report.section('\n', -1, -1), 8000);
                if (!written)
                    emit failed(tr("Export prepared model"),
                                QStringLiteral("<pre>%1</pre>").arg(report.toHtmlEscaped()));
                emit preparedExported(written, report);
            });
}

bool ModelExports::png(const QString &path, QString *error)
{
    return pane_->exportPicture(path, {}, error);
}

bool ModelExports::svg(const QString &path, QString *error)
{
    return pane_->exportPicture(path, window_->windowTitle(), error);
}

bool ModelExports::diffPicture(const QString &path, QString *error)
{
    return fixes_->exportDiffPicture(path, error);
}

std::shared_ptr<const ModelSession> ModelExports::onScreen(QString *error) const
{
    const auto &session = selection_->session();
    if (!session)
        *error = tr("no model is open");
    return session;
}

ModelInputs ModelExports::inputsOf(const ModelSession &session)
{
    return rememberedInputs(QString::fromStdString(session.path()));
}

bool ModelExports::findingsJson(const QString &path, QString *error)
{
    const auto session = onScreen(error);
    return session && writeFindingsJson(*session, describedModel(), path, error);
}

bool ModelExports::report(const QString &path, QString *error)
{
    const auto session = onScreen(error);
    return session && writeFindingsMarkdown(*session, describedModel(), path, error);
}

bool ModelExports::preparedModel(const QString &path, QString *error)
{
    const auto session = onScreen(error);
    return session &&
           prepared_->startTorchScript(session, fixes_->opened(), inputsOf(*session), path, error);
}

bool ModelExports::pythonSource(const QString &dir, const QString &stem, QString *error)
{
    const auto session = onScreen(error);
    return session &&
           prepared_->startPython(session, fixes_->opened(), inputsOf(*session), dir, stem, error);
}

bool ModelExports::onnx(const QString &path, int opset, QString *error)
{
    const auto session = onScreen(error);
    return session && onnx_->start(session, inputsOf(*session), path, opset, error);
}

QString ModelExports::describedModel() const
{
    const auto &session = selection_->session();
    if (!session || !fixes_->fixed() || !fixes_->opened())
        return {}; // the opened file itself
    const QString opened = QString::fromStdString(fixes_->opened()->path());
    if (prepared_->lastWritten() == session)
        return tr("%1 (prepared in the Studio from %2)").arg(prepared_->lastWrittenTo(), opened);
    return tr("%1 %2 (fixed in the Studio, not saved)").arg(opened, fixes_->fixesText());
}

bool ModelExports::needsModel(const QString &title)
{
    if (selection_->session())
        return true;
    emit failed(title, tr("Open a model first."));
    return false;
}

QString ModelExports::openedBaseName() const
{
    return QFileInfo(QString::fromStdString(selection_->session()->path())).completeBaseName();
}

void ModelExports::withDialog(const QString &title, const QString &filter, const QString &suffix,
                              Write write)
{
    if (!needsModel(title))
        return;
    QString path =
        QFileDialog::getSaveFileName(window_, title, openedBaseName() + '.' + suffix, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += '.' + suffix;
    QString error;
    if ((this->*write)(path, &error))
        emit status(tr("Wrote %1").arg(path), 4000);
    else
        emit failed(title, tr("Could not write %1: %2").arg(path, error.toHtmlEscaped()));
}

// Offers a name the export accepts (never the opened file's).
bool ModelExports::preparedWithDialog()
{
    const QString title = tr("Export prepared model");
    if (!needsModel(title))
        return false;
    const auto asked = selection_->session();
    const QFileInfo opened(QString::fromStdString(asked->path()));
    if (fixes_->fixed() && inputsOf(*asked).isEmpty()) {
        // The proof needs inputs: ask for them, and go on once they are described.
        connect(
            shapes_, &ShapesFlow::inputsChanged, this,
            [this, asked](const ModelInputs &inputs) {
                if (selection_->session() == asked && !inputs.isEmpty())
                    preparedWithDialog();
            },
            Qt::SingleShotConnection);
        emit status(tr("Describe the model's inputs: the fixed model is proven equal to the "
                       "opened one on them before it is written"),
                    8000);
        shapes_->describe(window_);
        return false;
    }
    QString path = QFileDialog::getSaveFileName(
        window_, title, opened.absoluteDir().filePath(opened.completeBaseName() + "_prepared.pt"),
        tr("TorchScript models (*.pt)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".pt");
    QString error;
    if (!preparedModel(path, &error)) {
        emit failed(title, tr("Could not write %1: %2").arg(path, error.toHtmlEscaped()));
        return false;
    }
    emit status(tr("Proving and writing %1…").arg(path), 0);
    return true;
}

void ModelExports::pythonWithDialog()
{
    const QString title = tr("Export Python source");
    if (!needsModel(title))
        return;
    const QString chosen = QFileDialog::getSaveFileName(
        window_, tr("Export Python source (STEM.py and STEM_state_dict.pt)"),
        openedBaseName() + QStringLiteral("_prepared.py"), tr("Python source (*.py)"));
    if (chosen.isEmpty())
        return;
    QString error;
    const QFileInfo info(chosen);
    if (pythonSource(info.absolutePath(), info.completeBaseName(), &error))
        emit status(tr("Proving and writing %1.py and %1_state_dict.pt in %2…")
                        .arg(info.completeBaseName(), info.absolutePath()),
                    0);
    else
        emit failed(title, tr("Could not write %1: %2").arg(chosen, error.toHtmlEscaped()));
}

// The exporter runs the model: without inputs described, it asks for them instead.
void ModelExports::onnxWithDialog()
{
    const QString title = tr("Export ONNX");
    if (!needsModel(title))
        return;
    if (inputsOf(*selection_->session()).isEmpty()) {
        emit failed(title,
                    tr("The exporter runs the model: describe its inputs first, then export."));
        shapes_->describe(window_);
        return;
    }
    QString path = QFileDialog::getSaveFileName(
        window_, tr("Export ONNX (opset 17; checked, then proven in ONNX Runtime where found)"),
        openedBaseName() + QStringLiteral(".onnx"), tr("ONNX models (*.onnx)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".onnx");
    QString error;
    if (onnx(path, 17, &error))
        emit status(tr("Exporting %1 to ONNX…").arg(QFileInfo(path).fileName()), 0);
    else
        emit failed(title, tr("Could not export %1: %2").arg(path, error.toHtmlEscaped()));
}

} // namespace torchprep
