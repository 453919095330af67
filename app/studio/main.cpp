// torchprep-studio [MODEL.pt] [--finding N] [--fix-all [--compare-fixed]] [--compare-with B.pt [--per-layer]]
//                  [--diff B.pt] [--screenshot FILE]: wiring only.
#include "compare/comparison_panel.h"
#include "diff/diff_view.h"
#include "diff/diff_window.h"
#include "session/background_work.h"
#include "window/main_window.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

namespace {

// Once `work` has gone idle after everything the command line asked for, saves `window` as
// `file` and quits. Whatever a result sets off starts before its job ends, so the first idle
// is the end of the whole chain (open, lay out, fix, compare).
void screenshotWhenIdle(QWidget *window, torchprep::WorkTracker *work, const QString &file)
{
    auto grab = [window, file] {
        // On the next turn of the event loop, once the widgets' posted layout requests (and
        // those they post in turn) are handled.
        QMetaObject::invokeMethod(window, [window, file] {
            QCoreApplication::sendPostedEvents();
            window->grab().save(file);
            QApplication::quit();
        }, Qt::QueuedConnection);
    };
    if (work->busy())
        QObject::connect(work, &torchprep::WorkTracker::idle, window, grab, Qt::SingleShotConnection);
    else
        grab();
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TorchPrep"));
    QApplication::setApplicationName(QStringLiteral("TorchPrep Studio"));
    QApplication::setApplicationVersion(QStringLiteral(TORCHPREP_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("See a TorchScript model's graph and its findings."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A .pt file to open."), QStringLiteral("[MODEL.pt]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window as FILE once the graph is shown, then quit."),
                                        QStringLiteral("FILE"));
    parser.addOption(screenshot);
    const QCommandLineOption finding(QStringLiteral("finding"),
                                     QStringLiteral("Go to finding N (1-based) once the model is open."),
                                     QStringLiteral("N"));
    parser.addOption(finding);
    const QCommandLineOption compareWith(QStringLiteral("compare-with"),
                                         QStringLiteral("Compare the model with FILE once it is open."),
                                         QStringLiteral("FILE"));
    parser.addOption(compareWith);
    const QCommandLineOption perLayer(QStringLiteral("per-layer"),
                                      QStringLiteral("With --compare-with or --compare-fixed: compare layer by layer too."));
    parser.addOption(perLayer);
    const QCommandLineOption fixAll(QStringLiteral("fix-all"),
                                    QStringLiteral("Fix every finding once the model is open (undo with Ctrl+Z)."));
    parser.addOption(fixAll);
    const QCommandLineOption compareFixed(QStringLiteral("compare-fixed"),
                                          QStringLiteral("With --fix-all: compare the model with the fixed one."));
    parser.addOption(compareFixed);
    const QCommandLineOption diff(QStringLiteral("diff"),
                                  QStringLiteral("Show MODEL.pt and FILE side by side, their differences marked."),
                                  QStringLiteral("FILE"));
    parser.addOption(diff);
    parser.process(app);

    if (parser.isSet(diff)) {
        if (parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr, "torchprep-studio: --diff FILE needs the model to diff it with: "
                                 "torchprep-studio MODEL.pt --diff FILE\n");
            return 2;
        }
        auto *window = new torchprep::DiffWindow; // deletes itself when closed
        window->show();
        window->openPair(parser.positionalArguments().constFirst(), parser.value(diff));
        if (parser.isSet(screenshot))
            screenshotWhenIdle(window, window->work(), parser.value(screenshot));
        return app.exec();
    }

    torchprep::MainWindow window;
    window.show();
    if (parser.isSet(finding)) {
        const int index = parser.value(finding).toInt() - 1;
        QObject::connect(&window, &torchprep::MainWindow::modelOpened, &window,
                         [&window, index] { window.showFinding(index); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(fixAll))
        QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window,
                         [&window] { window.fixAll(); }, Qt::SingleShotConnection);
    if (parser.isSet(perLayer))
        window.comparisonPanel()->setPerLayer(true);
    if (parser.isSet(fixAll) && parser.isSet(compareFixed)) {
        // Once the fixed model and its before/after are on screen.
        QObject::connect(&window, &torchprep::MainWindow::fixApplied, &window, [&window] {
            QObject::connect(window.diffView(), &torchprep::DiffView::laidOut, &window,
                             [&window] { window.compareWithFixed(); }, Qt::SingleShotConnection);
        }, Qt::SingleShotConnection);
    }
    if (parser.isSet(compareWith)) {
        const QString other = parser.value(compareWith);
        QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window,
                         [&window, other] { window.compareWith(other); }, Qt::SingleShotConnection);
    }
    if (!parser.positionalArguments().isEmpty())
        window.openModel(parser.positionalArguments().constFirst());
    if (parser.isSet(screenshot))
        screenshotWhenIdle(&window, window.work(), parser.value(screenshot));
    return app.exec();
}
