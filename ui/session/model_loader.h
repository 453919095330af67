// Opens and re-validates models in the background: the core's analysed model on a job, the
// session delivered on the GUI thread. A bad file ends in failed() with the core's one line.
#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class Job;
class ModelSession;
class WorkTracker;

class ModelLoader : public QObject
{
    Q_OBJECT
  public:
    explicit ModelLoader(WorkTracker *work, QObject *parent = nullptr);
    ~ModelLoader() override;

    bool busy() const;
    // Loads `path` and validates it with no exclusions; false (nothing started) while busy.
    bool open(const QString &path);
    // Validates `session`'s graph again with `excluded` module paths; false while busy.
    bool revalidate(std::shared_ptr<const ModelSession> session, std::vector<std::string> excluded);

  signals:
    void opened(std::shared_ptr<const torchprep::ModelSession> session);
    void revalidated(std::shared_ptr<const torchprep::ModelSession> session);
    void failed(const QString &path, const QString &reason);

  private:
    Job *job_;
};

} // namespace torchprep
