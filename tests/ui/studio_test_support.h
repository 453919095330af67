// Shared steps of the Studio tests: open a model in a window and wait until it is shown.
#pragma once

#include "main_window.h"

#include <QSignalSpy>
#include <QTest>

namespace testing {

constexpr int kOpenTimeoutMs = 120000;

// Opens `path` and waits for the first layout (true) or the failure (false).
inline bool openAndWait(torchprep::MainWindow &window, const QString &path, QString *reason = nullptr)
{
    QSignalSpy failed(&window, &torchprep::MainWindow::openFailed);
    QSignalSpy laid(&window, &torchprep::MainWindow::layoutApplied);
    window.openModel(path);
    if (!QTest::qWaitFor([&] { return !failed.isEmpty() || !laid.isEmpty(); }, kOpenTimeoutMs))
        return false;
    if (!failed.isEmpty()) {
        if (reason)
            *reason = failed.front().front().toString();
        return false;
    }
    return QTest::qWaitFor([&] { return !window.busy(); }, kOpenTimeoutMs);
}

// Waits until no load, validation or layout runs.
inline bool waitIdle(torchprep::MainWindow &window)
{
    QTest::qWait(20);
    return QTest::qWaitFor([&] { return !window.busy(); }, kOpenTimeoutMs);
}

} // namespace testing
