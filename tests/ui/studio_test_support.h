// Shared steps of the Studio tests: open a model in a window, and wait, never on time, for the
// window's background work to end (its tracker's idle()).
#pragma once

#include "session/background_work.h"
#include "window/main_window.h"

#include <QSignalSpy>
#include <QTest>

namespace testing {

constexpr int kOpenTimeoutMs = 180000;

// Waits until every load, validation, layout, fix and comparison of `work` has delivered.
inline bool waitIdle(torchprep::WorkTracker *work, int timeoutMs = kOpenTimeoutMs)
{
    if (!work->busy())
        return true;
    QSignalSpy idle(work, &torchprep::WorkTracker::idle);
    return idle.wait(timeoutMs);
}

inline bool waitIdle(torchprep::MainWindow &window) { return waitIdle(window.work()); }

// Opens `path` and waits until it is laid out (true) or has failed (false, `reason` set).
inline bool openAndWait(torchprep::MainWindow &window, const QString &path, QString *reason = nullptr)
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
