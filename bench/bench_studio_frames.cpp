// Times the Studio on one model, in one process, offscreen: open (load + graph + checks: the
// module tree and the findings are on screen), first layout, first paint of the graph, then
// opening one module from the collapsed view, then frame times while panning and zooming, at the
// start view and with the whole graph fitted; then the same with every module expanded; then Fix
// All until its before/after is on screen, the diff's own cost, and frames there (both views move).
// Prints one JSON object. bench_studio.py drives it.
#include "diff/diff_view.h"
#include "graph/graph_controller.h"
#include "graph/graph_layout.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "graph/graph_view.h"
#include "graph/visible_graph.h"
#include "session/background_work.h"
#include "session/model_session.h"
#include "window/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using torchprep::MainWindow;

namespace {

QString stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    return QStringLiteral("{\"mean\": %1, \"p95\": %2, \"max\": %3}")
        .arg(sum / ms.size(), 0, 'f', 2)
        .arg(ms[static_cast<std::size_t>(ms.size() * 0.95)], 0, 'f', 2)
        .arg(ms.back(), 0, 'f', 2);
}

// Repaints `view` (and `partner`, a view that follows it) now; the time of both.
double paintMs(torchprep::GraphView *view, torchprep::GraphView *partner = nullptr)
{
    QElapsedTimer t;
    t.start();
    view->viewport()->repaint();
    if (partner)
        partner->viewport()->repaint();
    return t.nsecsElapsed() / 1e6;
}

// Scrolling and zooming `view`. With `partner`, a view that follows it (the before/after view's
// other side), a frame also counts the move itself: the partner is placed during it.
QString frames(torchprep::GraphView *view, torchprep::GraphView *partner = nullptr)
{
    std::vector<double> pan, zoom;
    QElapsedTimer move;
    auto moved = [&] { return partner ? move.nsecsElapsed() / 1e6 : 0.0; };
    for (int i = 0; i < 80; ++i) {
        QScrollBar *bar = i % 2 ? view->horizontalScrollBar() : view->verticalScrollBar();
        move.start();
        bar->setValue(bar->value() + ((i / 20) % 2 ? -37 : 37));
        const double moveMs = moved();
        pan.push_back(moveMs + paintMs(view, partner));
    }
    const qreal base = view->zoom();
    for (int i = 0; i < 60; ++i) {
        move.start();
        view->setZoom(base *
                      (i % 20 < 10 ? std::pow(1.1, i % 10 + 1) : std::pow(1.1, 10 - i % 10)));
        const double moveMs = moved();
        zoom.push_back(moveMs + paintMs(view, partner));
    }
    view->setZoom(base);
    return QStringLiteral("{\"pan\": %1, \"zoom\": %2}").arg(stats(pan), stats(zoom));
}

// Waits until nothing runs in the window (its tracker's idle()).
bool waitIdle(MainWindow &window, int timeoutMs = 1800000)
{
    if (!window.busy())
        return true;
    QSignalSpy idle(window.work(), &torchprep::WorkTracker::idle);
    return idle.wait(timeoutMs);
}

// Waits until the graph's layout matches its expansion state and nothing runs.
bool waitLayout(MainWindow &window)
{
    return waitIdle(window) && window.graphPane()->controller()->layoutIsCurrent();
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_studio_frames MODEL.pt\n");
        return 2;
    }
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QElapsedTimer total;
    total.start();
    window.openModel(QString::fromLocal8Bit(argv[1]));
    if (!opened.wait(600000))
        return 1;
    const double openMs = total.nsecsElapsed() / 1e6;
    if (!waitLayout(window))
        return 1;
    const double layoutMs = total.nsecsElapsed() / 1e6 - openMs;
    const double paint = paintMs(window.graphPane()->view());
    const double firstPaint = total.nsecsElapsed() / 1e6;
    const int boxes = window.graphPane()->scene()->boxCount();
    const QString startFrames = frames(window.graphPane()->view());
    window.graphPane()->view()->fitToWindow();
    const QString fitFrames = frames(window.graphPane()->view());

    // Opening one module from the collapsed view, as a double-click does: until it is painted.
    QString expandOneJson = QStringLiteral("null");
    torchprep::NodeId module = torchprep::kNoId;
    for (const torchprep::GraphNode &node : window.session()->graph().nodes)
        if (module == torchprep::kNoId && node.parentCall == torchprep::kNoId &&
            torchprep::isExpandable(node))
            module = node.id;
    if (module != torchprep::kNoId) {
        window.graphPane()->collapseAll();
        if (!waitLayout(window))
            return 1;
        QElapsedTimer one;
        one.start();
        window.graphPane()->toggle(module);
        if (!waitLayout(window))
            return 1;
        window.graphPane()->view()->viewport()->repaint();
        expandOneJson = QString::number(one.nsecsElapsed() / 1e6, 'f', 0);
    }

    QElapsedTimer expand;
    expand.start();
    window.graphPane()->controller()->expandAll();
    if (!waitLayout(window))
        return 1;
    window.graphPane()->view()->viewport()->repaint();
    const double expandMs = expand.nsecsElapsed() / 1e6;
    const int allBoxes = window.graphPane()->scene()->boxCount();
    window.graphPane()->view()->showStart();
    const QString allStart = frames(window.graphPane()->view());
    window.graphPane()->view()->fitToWindow();
    const QString allFit = frames(window.graphPane()->view());

    // Fix All, until the before/after is laid out and idle.
    QString diffJson = QStringLiteral("null");
    if (!window.session()->report().findings.empty()) {
        const auto opened = window.session();
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QElapsedTimer fix;
        fix.start();
        if (!window.fixAll() || !applied.wait(1800000))
            return 1;
        const double fixedMs = fix.nsecsElapsed() / 1e6;
        torchprep::DiffView *diff = window.diffView();
        if (!waitIdle(window) || diff->busy() || !diff->hasContent())
            return 1;
        diff->view(torchprep::DiffView::After)->viewport()->repaint();
        const double shownMs = fix.nsecsElapsed() / 1e6;
        // The diff alone, as the GUI thread computes it.
        QElapsedTimer compute;
        compute.start();
        const torchprep::GraphDiff again =
            torchprep::diffModelGraphs(opened->graph(), window.session()->graph());
        const double computeMs = compute.nsecsElapsed() / 1e6;
        int boxesBoth = diff->scene(torchprep::DiffView::Before)->boxCount() +
                        diff->scene(torchprep::DiffView::After)->boxCount();
        diffJson =
            QStringLiteral("{\"fix_ms\": %1, \"shown_ms\": %2, \"diff_ms\": %3, \"changes\": %4, "
                           "\"boxes\": %5, \"frames\": %6}")
                .arg(fixedMs, 0, 'f', 0)
                .arg(shownMs, 0, 'f', 0)
                .arg(computeMs, 0, 'f', 1)
                .arg(again.entries.size())
                .arg(boxesBoth)
                .arg(frames(diff->view(torchprep::DiffView::After),
                            diff->view(torchprep::DiffView::Before)));
    }

    std::printf(
        "{\"boxes\": %d, \"open_ms\": %.0f, \"layout_ms\": %.0f, \"paint_ms\": %.1f, "
        "\"first_paint_ms\": %.0f, \"start\": %s, \"fit\": %s, \"all_boxes\": %d, "
        "\"expand_one_ms\": %s, \"expand_all_ms\": %.0f, \"all_start\": %s, \"all_fit\": %s, "
        "\"fix_all\": %s}\n",
        boxes, openMs, layoutMs, paint, firstPaint, qPrintable(startFrames), qPrintable(fitFrames),
        allBoxes, qPrintable(expandOneJson), expandMs, qPrintable(allStart), qPrintable(allFit),
        qPrintable(diffJson));
    return 0;
}
