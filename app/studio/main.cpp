// torchprep-studio [MODEL.pt] [--finding N] [--fix-all [--compare-fixed]] [--compare-with B.pt [--per-layer]]
//                  [--diff B.pt] [--screenshot FILE]: wiring only.
#include "comparison_panel.h"
#include "diff_view.h"
#include "diff_window.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <functional>

namespace {

// Once `signal` has fired and the window has been idle a moment, saves it as `file` and quits.
template <typename Sender, typename Signal>
void screenshotAfter(QWidget *window, std::function<bool()> busy, const QString &file, Sender *sender, Signal signal)
{
    QObject::connect(sender, signal, window, [window, busy, file] {
        auto *poll = new QTimer(window);
        auto idleTicks = std::make_shared<int>(0);
        QObject::connect(poll, &QTimer::timeout, window, [window, busy, file, poll, idleTicks] {
            *idleTicks = busy() ? 0 : *idleTicks + 1;
            if (*idleTicks < 4) // 400 ms without work: the last paint has landed
                return;
            poll->stop();
            window->grab().save(file);
            QApplication::quit();
        });
        poll->start(100);
    }, Qt::SingleShotConnection);
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
        if (parser.isSet(screenshot)) {
            auto busy = [window] { return window->busy(); };
            screenshotAfter(window, busy, parser.value(screenshot), window, &torchprep::DiffWindow::ready);
            screenshotAfter(window, busy, parser.value(screenshot), window, &torchprep::DiffWindow::failed);
        }
        window->show();
        window->openPair(parser.positionalArguments().constFirst(), parser.value(diff));
        return app.exec();
    }

    torchprep::MainWindow window;
    window.show();
    if (parser.isSet(screenshot)) {
        auto busy = [&window] { return window.busy() || window.comparisonPanel()->busy(); };
        const QString file = parser.value(screenshot);
        if (parser.isSet(fixAll) && parser.isSet(compareFixed)) // once the comparison is shown
            screenshotAfter(&window, busy, file, window.comparisonPanel(), &torchprep::ComparisonPanel::finished);
        else if (parser.isSet(fixAll)) // once the fixed model and its before/after are shown
            screenshotAfter(&window, busy, file, &window, &torchprep::MainWindow::fixApplied);
        else if (parser.isSet(compareWith)) // once the comparison is shown
            screenshotAfter(&window, busy, file, window.comparisonPanel(), &torchprep::ComparisonPanel::finished);
        else
            screenshotAfter(&window, busy, file, &window, &torchprep::MainWindow::layoutApplied);
        screenshotAfter(&window, busy, file, &window, &torchprep::MainWindow::openFailed);
    }
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
    return app.exec();
}
