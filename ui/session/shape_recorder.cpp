#include "shape_recorder.h"

#include "pipeline/program_shapes.h"
#include "session/background_work.h"
#include "session/model_session.h"
#include "torchscript/torch_model.h"

namespace torchprep {

bool SessionShapes::belongTo(const ModelSession &session) const
{
    return graph == session.analysed().sharedGraph();
}

ShapeRecorder::ShapeRecorder(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new LatestJob(work, tr("recording the tensor shapes"), this))
{
}

ShapeRecorder::~ShapeRecorder() = default;

bool ShapeRecorder::busy() const
{
    return job_->busy();
}

void ShapeRecorder::record(std::shared_ptr<const ModelSession> session, const ModelInputs &inputs)
{
    job_->request([this, session = std::move(session), inputs](Job &job) {
        if (!session->model() && session->graph().format == ModelFormat::ExportedProgram) {
            // A torch.export program wrote down every shape: read, not run.
            job.start(
                [session, inputs] {
                    auto shapes = std::make_shared<SessionShapes>();
                    shapes->graph = session->analysed().sharedGraph();
                    shapes->inputs = inputs;
                    shapes->shapes = programValueShapes(session->path(), session->graph());
                    return std::shared_ptr<const SessionShapes>(std::move(shapes));
                },
                [this](std::shared_ptr<const SessionShapes> shapes) {
                    emit recorded(std::move(shapes));
                },
                [this](const QString &reason) { emit failed(reason); },
                tr("Reading tensor shapes"));
            return;
        }
        if (!session->model()) {
            emit failed(tr("no model is loaded"));
            return;
        }
        job.start(
            [session, inputs] {
                auto shapes = std::make_shared<SessionShapes>();
                shapes->graph = session->analysed().sharedGraph();
                shapes->inputs = inputs;
                shapes->shapes =
                    recordValueShapes(*session->model(), session->graph(), inputs.spec());
                return std::shared_ptr<const SessionShapes>(std::move(shapes));
            },
            [this](std::shared_ptr<const SessionShapes> shapes) {
                emit recorded(std::move(shapes));
            },
            [this](const QString &reason) { emit failed(reason); }, tr("Recording tensor shapes"));
    });
}

void ShapeRecorder::cancel()
{
    job_->cancel();
}

} // namespace torchprep
