// torchprep-studio [MODEL.pt] [--input-shape S]... [--inputs FILE] [--ops-library PATH]...
// [--finding N]
//                  [--fix-all [--compare-fixed]] [--compare-with B.pt [--per-layer]] [--diff B.pt]
//                  [--size WxH] [--screenshot FILE]: wiring only.
#include "base/shared_options.h"
#include "compare/comparison_panel.h"
#include "diff/diff_view.h"
#include "diff/diff_window.h"
#include "session/background_work.h"
#include "session/model_inputs.h"
#include "session/ops_library_settings.h"
#include "window/fix_commands.h"
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
        QMetaObject::invokeMethod(
            window,
            [window, file] {
                QCoreApplication::sendPostedEvents();
                window->grab().save(file);
                QCoreApplication::exit(0); // not quit(): a window holding fixes would ask first
            },
            Qt::QueuedConnection);
    };
    if (work->busy())
        QObject::connect(work, &torchprep::WorkTracker::idle, window, grab,
                         Qt::SingleShotConnection);
    else
        grab();
}

// The Studio's own options: name, value ("" for a flag), what it does.
const torchprep::OptionText kStudioOptions[] = {
    {"screenshot", "FILE", "Save the window as FILE once the graph is shown, then quit"},
    {"finding", "N", "Go to finding N (1-based) once the model is open"},
    {"compare-with", "FILE", "Compare the model with FILE once it is open"},
    {"fix-all", "", "Fix every finding once the model is open (undo with Ctrl+Z)"},
    {"compare-fixed", "", "With --fix-all: compare the model with the fixed one"},
    {"diff", "FILE", "Show MODEL.pt and FILE side by side, their differences marked"},
    {"size", "WxH", "Open the window at WxH pixels"},
};

// `option` for QCommandLineParser, `more` ("" for none) after its help.
QCommandLineOption qtOption(const torchprep::OptionText &option, const char *more)
{
    QString help = QString::fromStdString(option.help);
    if (*more != '\0')
        help += QStringLiteral(". ") + QLatin1String(more);
    help += QLatin1Char('.');
    if (option.value.empty())
        return {QString::fromStdString(option.name), help};
    return {QString::fromStdString(option.name), help, QString::fromStdString(option.value)};
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TorchPrep"));
    QApplication::setApplicationName(QStringLiteral("TorchPrep Studio"));
    QApplication::setApplicationVersion(QStringLiteral(TORCHPREP_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See a TorchScript model's graph and its findings."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A .pt file to open."),
                                 QStringLiteral("[MODEL.pt]"));
    // The options the CLI takes too, in its words; then the Studio's own.
    using namespace torchprep::shared_option;
    parser.addOption(qtOption(kInputShape, "For MODEL.pt, remembered"));
    parser.addOption(qtOption(kInputs, "For MODEL.pt, remembered"));
    parser.addOption(qtOption(kOpsLibrary, "Remembered"));
    parser.addOption(qtOption(kPerLayer, "With --compare-with or --compare-fixed"));
    for (const torchprep::OptionText &option : kStudioOptions)
        parser.addOption(qtOption(option, ""));
    parser.process(app);

    if (parser.isSet(QStringLiteral("ops-library"))) {
        QStringList libraries = torchprep::rememberedOpsLibraries();
        for (const QString &path : parser.values(QStringLiteral("ops-library")))
            if (!libraries.contains(QFileInfo(path).absoluteFilePath()))
                libraries << QFileInfo(path).absoluteFilePath();
        torchprep::rememberOpsLibraries(libraries);
    }
    if ((parser.isSet(QStringLiteral("input-shape")) || parser.isSet(QStringLiteral("inputs"))) &&
        !parser.positionalArguments().isEmpty()) {
        torchprep::ModelInputs inputs;
        inputs.shapes = parser.values(QStringLiteral("input-shape"));
        if (parser.isSet(QStringLiteral("inputs")))
            inputs.file = QFileInfo(parser.value(QStringLiteral("inputs"))).absoluteFilePath();
        torchprep::rememberInputs(
            QFileInfo(parser.positionalArguments().constFirst()).absoluteFilePath(), inputs);
    }

    if (parser.isSet(QStringLiteral("diff"))) {
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
        window->openPair(parser.positionalArguments().constFirst(),
                         parser.value(QStringLiteral("diff")));
        if (parser.isSet(QStringLiteral("screenshot")))
            screenshotWhenIdle(window, window->work(), parser.value(QStringLiteral("screenshot")));
        return app.exec();
    }

    torchprep::MainWindow window;
    if (parser.isSet(QStringLiteral("size"))) {
        const QStringList wh = parser.value(QStringLiteral("size")).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    window.show();
    if (parser.isSet(QStringLiteral("finding"))) {
        const int index = parser.value(QStringLiteral("finding")).toInt() - 1;
        QObject::connect(
            &window, &torchprep::MainWindow::modelOpened, &window,
            [&window, index] { window.showFinding(index); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(QStringLiteral("fix-all")))
        QObject::connect(
            &window, &torchprep::MainWindow::layoutApplied, &window,
            [&window] { window.fixCommands()->fixAll(); }, Qt::SingleShotConnection);
    if (parser.isSet(QStringLiteral("per-layer")))
        window.comparisonPanel()->setPerLayer(true);
    if (parser.isSet(QStringLiteral("fix-all")) && parser.isSet(QStringLiteral("compare-fixed"))) {
        // Once the fixed model and its before/after are on screen.
        QObject::connect(
            &window, &torchprep::MainWindow::fixApplied, &window,
            [&window] {
                QObject::connect(
                    window.diffView(), &torchprep::DiffView::laidOut, &window,
                    [&window] { window.compareWithFixed(); }, Qt::SingleShotConnection);
            },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(QStringLiteral("compare-with"))) {
        const QString other = parser.value(QStringLiteral("compare-with"));
        QObject::connect(
            &window, &torchprep::MainWindow::layoutApplied, &window,
            [&window, other] { window.compareWith(other); }, Qt::SingleShotConnection);
    }
    if (!parser.positionalArguments().isEmpty())
        window.openModel(parser.positionalArguments().constFirst());
    if (parser.isSet(QStringLiteral("screenshot")))
        screenshotWhenIdle(&window, window.work(), parser.value(QStringLiteral("screenshot")));
    return app.exec();
}
