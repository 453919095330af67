// torchprep-studio [MODEL.pt] [--input-shape S]... [--inputs FILE] [--ops-library PATH]... [--finding N]
//                  [--fix-all [--compare-fixed]] [--compare-with B.pt [--per-layer]] [--diff B.pt]
//                  [--size WxH] [--screenshot FILE]: wiring only.
#include "compare/comparison_panel.h"
#include "diff/diff_view.h"
#include "diff/diff_window.h"
#include "session/background_work.h"
#include "session/model_inputs.h"
#include "session/ops_library_settings.h"
#include "window/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

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
            QCoreApplication::exit(0); // not quit(): a window holding fixes would ask first
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
    const QCommandLineOption inputShape(QStringLiteral("input-shape"),
                                        QStringLiteral("One forward input of MODEL.pt, as prepare takes it "
                                                       "(SHAPE[:DTYPE][:LOW..HIGH]); repeat per input. Remembered."),
                                        QStringLiteral("S"));
    parser.addOption(inputShape);
    const QCommandLineOption inputsFile(QStringLiteral("inputs"),
                                        QStringLiteral("MODEL.pt's inputs, saved with torch.save. Remembered."),
                                        QStringLiteral("FILE"));
    parser.addOption(inputsFile);
    const QCommandLineOption opsLibrary(QStringLiteral("ops-library"),
                                        QStringLiteral("Load a custom operator library first; remembered."),
                                        QStringLiteral("PATH"));
    parser.addOption(opsLibrary);
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Open the window at WxH pixels."),
                                  QStringLiteral("WxH"));
    parser.addOption(size);
    parser.process(app);

    if (parser.isSet(opsLibrary)) {
        QStringList libraries = torchprep::rememberedOpsLibraries();
        for (const QString &path : parser.values(opsLibrary))
            if (!libraries.contains(QFileInfo(path).absoluteFilePath()))
                libraries << QFileInfo(path).absoluteFilePath();
        torchprep::rememberOpsLibraries(libraries);
    }
    if ((parser.isSet(inputShape) || parser.isSet(inputsFile)) && !parser.positionalArguments().isEmpty()) {
        torchprep::ModelInputs inputs;
        inputs.shapes = parser.values(inputShape);
        if (parser.isSet(inputsFile))
            inputs.file = QFileInfo(parser.value(inputsFile)).absoluteFilePath();
        torchprep::rememberInputs(QFileInfo(parser.positionalArguments().constFirst()).absoluteFilePath(), inputs);
    }

    if (parser.isSet(diff)) {
        if (parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr, "torchprep-studio: --diff FILE needs the model to diff it with: "
                                 "torchprep-studio MODEL.pt --diff FILE\n");
            return 2;
        }
        auto *window = new torchprep::DiffWindow; // deletes itself when closed
        QObject::connect(window, &torchprep::DiffWindow::loaded, window, &QWidget::show);
        QObject::connect(window, &torchprep::DiffWindow::failed, &app, [](const QString &line) {
            std::fprintf(stderr, "torchprep-studio: %s\n", qPrintable(line));
            QCoreApplication::exit(2);
        });
        window->openPair(parser.positionalArguments().constFirst(), parser.value(diff));
        if (parser.isSet(screenshot))
            screenshotWhenIdle(window, window->work(), parser.value(screenshot));
        return app.exec();
    }

    torchprep::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
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
