// torchprep-studio [MODEL.pt] [--screenshot FILE] [--fix-all] [--compare-with B.pt [--per-layer]]: wiring only.
#include "comparison_panel.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

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
                                      QStringLiteral("With --compare-with: compare layer by layer too."));
    parser.addOption(perLayer);
    const QCommandLineOption fixAll(QStringLiteral("fix-all"),
                                    QStringLiteral("Fix every finding once the model is open (undo with Ctrl+Z)."));
    parser.addOption(fixAll);
    parser.process(app);

    torchprep::MainWindow window;
    window.show();
    if (parser.isSet(screenshot)) {
        // Grab once the first layout is on screen (or the error is shown), then leave.
        const QString file = parser.value(screenshot);
        auto grabAndQuit = [&window, file] {
            QTimer::singleShot(800, &window, [&window, file] {
                window.grab().save(file);
                QApplication::quit();
            });
        };
        if (parser.isSet(fixAll)) // grab once the fixed graph is laid out
            QObject::connect(&window, &torchprep::MainWindow::fixApplied, &window, [&window, grabAndQuit] {
                QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window, grabAndQuit,
                                 Qt::SingleShotConnection);
            }, Qt::SingleShotConnection);
        else if (parser.isSet(compareWith)) // grab once the comparison is shown
            QObject::connect(window.comparisonPanel(), &torchprep::ComparisonPanel::finished, &window, grabAndQuit,
                             Qt::SingleShotConnection);
        else
            QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window, grabAndQuit,
                             Qt::SingleShotConnection);
        QObject::connect(&window, &torchprep::MainWindow::openFailed, &window, grabAndQuit,
                         Qt::SingleShotConnection);
    }
    if (parser.isSet(finding)) {
        const int index = parser.value(finding).toInt() - 1;
        QObject::connect(&window, &torchprep::MainWindow::modelOpened, &window,
                         [&window, index] { window.showFinding(index); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(fixAll))
        QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window,
                         [&window] { window.fixAll(); }, Qt::SingleShotConnection);
    if (parser.isSet(compareWith)) {
        const QString other = parser.value(compareWith);
        if (parser.isSet(perLayer))
            window.comparisonPanel()->setPerLayer(true);
        QObject::connect(&window, &torchprep::MainWindow::layoutApplied, &window,
                         [&window, other] { window.compareWith(other); }, Qt::SingleShotConnection);
    }
    if (!parser.positionalArguments().isEmpty())
        window.openModel(parser.positionalArguments().constFirst());
    return app.exec();
}
