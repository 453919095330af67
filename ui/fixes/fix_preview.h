// What Fix would really create for one finding, before the user fixes it: the preparer runs on
// a copy of the model with just that finding (as Fix does), in the background, and the modules
// it added are named ("layer1.0.module_add (Add)"). The checks' fix texts say what to write by
// hand; this says what the Studio's Fix makes. The latest request wins.
#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <string>

namespace torchprep {

class LatestJob;
class ModelSession;
struct FixResult;
class WorkTracker;

class FixPreview : public QObject
{
    Q_OBJECT
  public:
    explicit FixPreview(WorkTracker *work, QObject *parent = nullptr);
    ~FixPreview() override;

    // Previews finding `finding` of `session`; previewed() follows (or nothing, when another
    // request came first). A finding already previewed answers at once.
    void preview(std::shared_ptr<const ModelSession> session, int finding);
    void cancel();
    // The fix the last preview computed, when it was of finding key `key` of `session`: Fix lands
    // it instead of computing it again. Null otherwise.
    std::shared_ptr<const FixResult> resultFor(const std::shared_ptr<const ModelSession> &session,
                                               const std::string &key) const;

  signals:
    // `text` says what Fix creates for finding `finding` of `session`, for a person.
    void previewed(const torchprep::ModelSession *session, int finding, const QString &text);

  private:
    LatestJob *job_;
    std::weak_ptr<const ModelSession> lastSession_; // the last answer, for a request made again
    int lastFinding_ = -1;
    QString lastText_;
    std::shared_ptr<const FixResult> lastResult_;
    std::string lastKey_;
};

} // namespace torchprep
