#include "fix_preview.h"

#include "checks/finding.h"
#include "fixes/fix_step.h"
#include "session/background_work.h"
#include "session/model_session.h"

#include <QStringList>

namespace torchprep {

namespace {

// "layer1.0.module_add (Add)", one per module the fix added, from the fixed copy's graph.
QString createdText(const FixResult &result)
{
    QStringList created;
    for (const PreparedChange &change : result.changes) {
        const ModuleInfo *module = result.after->graph().findModule(change.module);
        created << (module ? QStringLiteral("%1 (%2)").arg(QString::fromStdString(change.module),
                                                           QString::fromStdString(module->typeName))
                           : QString::fromStdString(change.module));
    }
    if (created.isEmpty())
        return QObject::tr("nothing: the preparer does not rewrite this; fix it by hand");
    return created.join(QStringLiteral(", "));
}

} // namespace

FixPreview::FixPreview(WorkTracker *work, QObject *parent)
    : QObject(parent), job_(new LatestJob(work, tr("previewing a fix"), this))
{
}

FixPreview::~FixPreview() = default;

void FixPreview::preview(std::shared_ptr<const ModelSession> session, int finding)
{
    if (session && session == lastSession_.lock() && finding == lastFinding_) {
        emit previewed(session.get(), lastFinding_, lastText_);
        return;
    }
    job_->request([this, session = std::move(session), finding](Job &job) {
        if (!session || !session->model() || finding < 0 ||
            finding >= static_cast<int>(session->report().findings.size()))
            return;
        const std::string key =
            findingKey(session->report().findings[static_cast<std::size_t>(finding)]);
        job.start(
            [session, key] {
                auto result = std::make_shared<const FixResult>(applyFixes(session, {key}));
                return std::make_pair(result, createdText(*result));
            },
            [this, session, finding,
             key](std::pair<std::shared_ptr<const FixResult>, QString> done) {
                lastSession_ = session;
                lastFinding_ = finding;
                lastText_ = done.second;
                lastResult_ = std::move(done.first);
                lastKey_ = key;
                emit previewed(session.get(), finding, lastText_);
            });
    });
}

std::shared_ptr<const FixResult>
FixPreview::resultFor(const std::shared_ptr<const ModelSession> &session,
                      const std::string &key) const
{
    if (!session || session != lastSession_.lock() || key != lastKey_)
        return nullptr;
    return lastResult_;
}

void FixPreview::cancel()
{
    job_->cancel();
}

} // namespace torchprep
