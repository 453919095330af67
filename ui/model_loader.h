// Loads, builds and validates models off the GUI thread; one job at a time, results
// delivered on the GUI thread. A bad file ends in failed() with the core's one-line reason.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace torchprep {

class ModelSession;

class ModelLoader : public QObject
{
    Q_OBJECT
public:
    explicit ModelLoader(QObject *parent = nullptr);
    ~ModelLoader() override;

    bool busy() const;
    // Loads `path` and validates it with no exclusions.
    void open(const QString &path);
    // Validates `session`'s graph again with `excluded` module paths.
    void revalidate(std::shared_ptr<const ModelSession> session,
                    std::vector<std::string> excluded);

signals:
    void busyChanged(bool busy, const QString &what);
    void opened(std::shared_ptr<const torchprep::ModelSession> session);
    void revalidated(std::shared_ptr<const torchprep::ModelSession> session);
    void failed(const QString &path, const QString &reason);

private:
    struct Result
    {
        std::shared_ptr<const ModelSession> session;
        QString error;
    };
    void start(const QString &what, const QString &path, bool reopen,
               std::function<Result()> job);

    QFutureWatcher<Result> watcher_;
    QString pendingPath_;
    bool pendingReopen_ = false;
};

} // namespace torchprep
