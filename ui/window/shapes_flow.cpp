#include "shapes_flow.h"

#include "session/model_session.h"
#include "session/shape_recorder.h"
#include "window/inputs_bar.h"
#include "window/inputs_dialog.h"

#include <QFileInfo>

namespace torchprep {

namespace {
constexpr std::size_t kKeptGraphs = 6; // an undo history's worth of graphs
}

ShapesFlow::ShapesFlow(WorkTracker *work, QObject *parent)
    : QObject(parent), recorder_(new ShapeRecorder(work, this)), bar_(new InputsBar)
{
    connect(recorder_, &ShapeRecorder::recorded, this,
            [this](std::shared_ptr<const SessionShapes> shapes) {
                kept_.insert(kept_.begin(), shapes);
                if (kept_.size() > kKeptGraphs)
                    kept_.pop_back();
                if (session_ && shapes->belongTo(*session_)) {
                    bar_->hide();
                    show(std::move(shapes));
                }
            });
    connect(recorder_, &ShapeRecorder::failed, this, [this](const QString &reason) {
        bar_->showFailure(reason);
        emit failed(reason);
    });
    connect(bar_, &InputsBar::describeRequested, this, [this] { describe(bar_->window()); });
    connect(bar_, &InputsBar::declined, this, [this] {
        if (!filePath().isEmpty())
            declineInputs(filePath());
    });
}

ShapesFlow::~ShapesFlow()
{
    if (!bar_->parent())
        delete bar_;
}

QString ShapesFlow::filePath() const
{
    return session_ ? QFileInfo(QString::fromStdString(session_->path())).absoluteFilePath()
                    : QString();
}

ModelInputs ShapesFlow::inputs() const
{
    return session_ ? rememberedInputs(filePath()) : ModelInputs();
}

void ShapesFlow::show(std::shared_ptr<const SessionShapes> shapes)
{
    shapes_ = std::move(shapes);
    emit shapesChanged(shapes_);
}

void ShapesFlow::setSession(std::shared_ptr<const ModelSession> session)
{
    const bool otherFile = !session_ || !session || session_->path() != session->path();
    session_ = std::move(session);
    if (shapes_ && (!session_ || !shapes_->belongTo(*session_)))
        show(nullptr);
    if (!session_) {
        recorder_->cancel();
        bar_->hide();
        return;
    }
    const ModelInputs described = inputs();
    if (otherFile)
        emit inputsChanged(described);
    if (shapes_)
        return; // a re-validation: the same graph, the same shapes
    for (const auto &kept : kept_) {
        if (kept->belongTo(*session_) && kept->inputs == described) {
            bar_->hide();
            show(kept);
            return;
        }
    }
    if (!session_->model()) { // a torch.export program: its shapes are in the file
        bar_->hide();
        recorder_->record(session_, described);
        return;
    }
    if (described.isEmpty()) {
        recorder_->cancel();
        if (inputsDeclined(filePath()) || !session_->model())
            bar_->hide();
        else
            bar_->ask(QFileInfo(filePath()).fileName());
        return;
    }
    bar_->hide();
    recorder_->record(session_, described);
}

void ShapesFlow::setInputs(const ModelInputs &inputs)
{
    if (!session_)
        return;
    const bool changed = !(inputs == this->inputs());
    rememberInputs(filePath(), inputs);
    if (changed) {
        emit inputsChanged(inputs);
        show(nullptr);
    }
    if (inputs.isEmpty()) {
        bar_->ask(QFileInfo(filePath()).fileName());
        return;
    }
    if (changed || !shapes_) {
        bar_->hide();
        recorder_->record(session_, inputs);
    }
}

void ShapesFlow::describe(QWidget *parent)
{
    if (!session_)
        return;
    QStringList signature;
    for (const SignatureEntry &in : session_->graph().signatureInputs)
        signature << QString::fromStdString(in.name + ": " + in.type);
    const ModelInputs described = inputs();
    auto *dialog = new InputsDialog(filePath(), signature.join(QStringLiteral(", ")),
                                    described.isEmpty() ? lastInputs() : described, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("inputsDialog"));
    const std::shared_ptr<const ModelSession> asked = session_;
    connect(dialog, &QDialog::accepted, this, [this, dialog, asked] {
        if (session_ && session_->path() == asked->path())
            setInputs(dialog->inputs());
    });
    dialog->open(); // window-modal, never blocking a script or test
}

} // namespace torchprep
