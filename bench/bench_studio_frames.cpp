// Times the Studio on one model, in one process, offscreen: open (load + graph + checks),
// first layout, first paint, then frame times while panning and zooming, at the start view
// and with the whole graph fitted; then the same with every module expanded.
// Prints one JSON object. bench_studio.py drives it.
#include "graph_controller.h"
#include "graph_layout.h"
#include "graph_scene.h"
#include "graph_view.h"
#include "main_window.h"

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

double paintMs(torchprep::GraphView *view)
{
    QElapsedTimer t;
    t.start();
    view->viewport()->repaint();
    return t.nsecsElapsed() / 1e6;
}

QString frames(torchprep::GraphView *view)
{
    std::vector<double> pan, zoom;
    for (int i = 0; i < 80; ++i) {
        QScrollBar *bar = i % 2 ? view->horizontalScrollBar() : view->verticalScrollBar();
        bar->setValue(bar->value() + ((i / 20) % 2 ? -37 : 37));
        pan.push_back(paintMs(view));
    }
    const qreal base = view->zoom();
    for (int i = 0; i < 60; ++i) {
        view->setZoom(base * (i % 20 < 10 ? std::pow(1.1, i % 10 + 1) : std::pow(1.1, 10 - i % 10)));
        zoom.push_back(paintMs(view));
    }
    view->setZoom(base);
    return QStringLiteral("{\"pan\": %1, \"zoom\": %2}").arg(stats(pan), stats(zoom));
}

// Waits until the controller's layout matches its expansion state and nothing runs.
bool waitLayout(MainWindow &window)
{
    torchprep::GraphController *c = window.graphController();
    return QTest::qWaitFor([&] { return !window.busy() && c->layout() && c->layout()->expanded == c->expanded(); },
                           600000);
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
    QTest::qWaitForWindowExposed(&window);
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy laid(&window, &MainWindow::layoutApplied);
    QElapsedTimer total;
    total.start();
    window.openModel(QString::fromLocal8Bit(argv[1]));
    if (!QTest::qWaitFor([&] { return !opened.isEmpty(); }, 600000))
        return 1;
    const double openMs = total.nsecsElapsed() / 1e6;
    if (!QTest::qWaitFor([&] { return !laid.isEmpty(); }, 600000) || !waitLayout(window))
        return 1;
    const double layoutMs = total.nsecsElapsed() / 1e6 - openMs;
    const double paint = paintMs(window.graphView());
    const double firstPaint = total.nsecsElapsed() / 1e6;
    const int boxes = window.graphScene()->boxCount();
    const QString startFrames = frames(window.graphView());
    window.graphView()->fitToWindow();
    const QString fitFrames = frames(window.graphView());

    QElapsedTimer expand;
    expand.start();
    window.graphController()->expandAll();
    if (!waitLayout(window))
        return 1;
    window.graphView()->viewport()->repaint();
    const double expandMs = expand.nsecsElapsed() / 1e6;
    const int allBoxes = window.graphScene()->boxCount();
    window.graphView()->showStart();
    const QString allStart = frames(window.graphView());
    window.graphView()->fitToWindow();
    const QString allFit = frames(window.graphView());

    std::printf("{\"boxes\": %d, \"open_ms\": %.0f, \"layout_ms\": %.0f, \"paint_ms\": %.1f, "
                "\"first_paint_ms\": %.0f, \"start\": %s, \"fit\": %s, \"all_boxes\": %d, "
                "\"expand_all_ms\": %.0f, \"all_start\": %s, \"all_fit\": %s}\n",
                boxes, openMs, layoutMs, paint, firstPaint, qPrintable(startFrames), qPrintable(fitFrames),
                allBoxes, expandMs, qPrintable(allStart), qPrintable(allFit));
    return 0;
}
