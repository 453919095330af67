// Shared steps of the Studio tests: open a model in a window, and wait, never on time, for the
// window's background work to end (its tracker's idle()).
#pragma once

#include "compare/comparison.h"
#include "session/background_work.h"
#include "window/fix_commands.h"
#include "window/main_window.h"
#include "window/model_exports.h"

#include <QApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

namespace testing {

constexpr int kOpenTimeoutMs = 180000;

// Settings of this test run alone (remembered inputs, recent files): a name of its own, so runs
// side by side or one after another never see each other's. dropSettings() removes them.
inline void useOwnSettings(const QString &test)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("TorchPrepTest");
    QApplication::setApplicationName(test + QLatin1Char('-') +
                                     QString::number(QCoreApplication::applicationPid()));
    QSettings().clear();
}

inline void dropSettings()
{
    const QString file = QSettings().fileName();
    QSettings().clear();
    QFile::remove(file);
}

// A comparison as short as it can be on the CPU: one 1x3x224x224 batch, one run, no warm-up.
inline torchprep::CompareOptions fastCompareOptions(bool perLayer)
{
    torchprep::CompareOptions options;
    options.inputs.shapes = {{1, 3, 224, 224}};
    options.inputs.batches = 1;
    options.device = "cpu";
    options.perLayer = perLayer;
    options.runs = 1;
    options.warmup = 0;
    return options;
}

// Path of a model made by tests/ui/make_studio_models.py ("densenet121_traced").
inline QString studioModelPath(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_STUDIO_MODELS") + "/" + name + ".pt";
}

// Waits until every load, validation, layout, fix and comparison of `work` has delivered.
inline bool waitIdle(torchprep::WorkTracker *work, int timeoutMs = kOpenTimeoutMs)
{
    if (!work->busy())
        return true;
    QSignalSpy idle(work, &torchprep::WorkTracker::idle);
    return idle.wait(timeoutMs);
}

inline bool waitIdle(torchprep::MainWindow &window)
{
    return waitIdle(window.work());
}

// Opens `path` and waits until it is laid out (true) or has failed (false, `reason` set).
inline bool openAndWait(torchprep::MainWindow &window, const QString &path,
                        QString *reason = nullptr)
{
    QSignalSpy opened(&window, &torchprep::MainWindow::modelOpened);
    QSignalSpy failed(&window, &torchprep::MainWindow::openFailed);
    window.openModel(path);
    if (!waitIdle(window))
        return false;
    if (!failed.isEmpty() && reason)
        *reason = failed.front().front().toString();
    return !opened.isEmpty() && failed.isEmpty();
}

} // namespace testing
