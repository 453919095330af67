// The comparison dock as a user drives it: a model against itself, against a perturbed copy
// layer by layer (the first divergence marked and clickable), a bad file, and the exports.
#include "studio_test_support.h"
#include "test_models.h"

#include "compare/comparison_panel.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "panels/module_tree_model.h"
#include "panels/modules_panel.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>

#include <cmath>
#include <memory>

using namespace torchprep;

namespace {

constexpr int kCompareTimeoutMs = 300000;

// Starts a comparison and waits for the window's work to end; true when it finished with a report.
bool runAndWait(MainWindow &window, const std::function<bool()> &start)
{
    QSignalSpy done(window.comparisonPanel(), &ComparisonPanel::finished);
    if (!start() || !testing::waitIdle(window.work(), kCompareTimeoutMs) || done.isEmpty())
        return false;
    return done.front().front().toBool();
}

QByteArray head(const QString &path, int n)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.read(n) : QByteArray();
}

} // namespace

class TestStudioCompare : public QObject
{
    Q_OBJECT

  private:
    std::unique_ptr<MainWindow> window_;
    ComparisonPanel *panel() const { return window_->comparisonPanel(); }

  private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings away from the user's
        QApplication::setOrganizationName("TorchPrepTest");
        QApplication::setApplicationName("StudioCompareTest");
        window_ = std::make_unique<MainWindow>();
        window_->resize(1400, 900);
        window_->show();
        QString reason;
        QVERIFY2(testing::openAndWait(*window_, testing::modelPath("resnet18_traced"), &reason),
                 qPrintable(reason));
        QVERIFY(panel());
    }

    void cleanupTestCase() { window_.reset(); }

    void noModelNoCompare()
    {
        MainWindow empty;
        QVERIFY(!empty.compareWith(testing::modelPath("resnet18_traced")));
    }

    void identicalPassesThroughMenuPath()
    {
        panel()->setInputShapes("1,3,224,224");
        panel()->setDevice("cpu");
        panel()->setPerLayer(false);
        QVERIFY(runAndWait(
            *window_, [&] { return window_->compareWith(testing::modelPath("resnet18_traced")); }));
        QVERIFY(window_->findChild<QDockWidget *>("comparisonDock")->isVisible());
        const ComparisonReport *r = panel()->report();
        QVERIFY(r);
        QVERIFY(r->passed);
        QCOMPARE(QString::fromStdString(r->device), QString("cpu"));
        QVERIFY(r->layers.empty());
        QVERIFY2(panel()->statusText().contains("PASSED"), qPrintable(panel()->statusText()));
        QVERIFY(panel()->statusText().contains("cpu"));
        QTableWidget *table = panel()->metricsTable();
        QCOMPARE(table->rowCount(), static_cast<int>(r->outputs.size()));
        QCOMPARE(table->item(0, 2)->text(), QString("0 (identical)")); // max |diff|
        QCOMPARE(table->item(0, 5)->text(),
                 QString("identical")); // SQNR of identical outputs, for people
        QCOMPARE(table->item(0, 1)->text(), QString("1×1000"));
        // The histogram has bars, the layer plot nothing.
        QCOMPARE(panel()->histogramPlot()->plottableCount(), 1);
        QCOMPARE(panel()->layerPlot()->graphCount(), 0);
    }

    void perturbedDivergesAtLayer3()
    {
        const QString a = testing::modelPath("resnet18_traced");
        const QString b = testing::modelPath("resnet18_perturbed_traced");
        QVERIFY(runAndWait(*window_,
                           [&] { return panel()->run(a, b, testing::fastCompareOptions(true)); }));
        const ComparisonReport *r = panel()->report();
        QVERIFY(r);
        QVERIFY(!r->passed);
        QCOMPARE(QString::fromStdString(r->firstDivergence), QString("layer3.0.conv1"));
        QVERIFY2(panel()->statusText().contains("FAILED"), qPrintable(panel()->statusText()));
        QVERIFY(panel()->statusText().contains("layer3.0.conv1"));
        QVERIFY(panel()->metricsTable()->item(0, 2)->text() != "0");
        QVERIFY(!panel()->modelA().isEmpty());

        // The SQNR plot: one point per compared layer, identical ones capped (finite), and
        // the divergence marked in red at its layer.
        QCustomPlot *plot = panel()->layerPlot();
        QCOMPARE(plot->graphCount(), 2);
        int compared = 0;
        for (const LayerComparison &l : r->layers)
            compared += l.compared;
        QCOMPARE(plot->graph(0)->dataCount(), compared);
        for (int i = 0; i < plot->graph(0)->dataCount(); ++i)
            QVERIFY(std::isfinite(plot->graph(0)->dataMainValue(i)));
        QVERIFY(plot->yAxis->label().contains("∞"));
        const int point = panel()->divergencePoint();
        QVERIFY(point >= 0);
        QCOMPARE(panel()->modulePathAtPoint(point), QString("layer3.0.conv1"));
        QCPGraph *mark = plot->graph(1);
        QCOMPARE(mark->dataCount(), 1);
        QCOMPARE(mark->dataMainKey(0), plot->graph(0)->dataMainKey(point));
        QCOMPARE(mark->scatterStyle().pen().color(), QColor(0xd6, 0x27, 0x28));
        // Layers before the divergence are identical (at the cap), the divergence is below it.
        QVERIFY(plot->graph(0)->dataMainValue(point) < plot->graph(0)->dataMainValue(0));

        // Clicking the red point selects that module's call in the graph and the tree.
        plot->replot();
        const QPoint pixel(qRound(plot->xAxis->coordToPixel(mark->dataMainKey(0))),
                           qRound(plot->yAxis->coordToPixel(mark->dataMainValue(0))));
        QVERIFY2(plot->rect().contains(pixel), "the divergence point is not on screen");
        QSignalSpy activated(panel(), &ComparisonPanel::moduleActivated);
        QTest::mouseClick(plot, Qt::LeftButton, {}, pixel);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.front().front().toString(), QString("layer3.0.conv1"));
        QVERIFY(testing::waitIdle(*window_));
        const ModuleInfo *module = window_->session()->graph().findModule("layer3.0.conv1");
        QVERIFY(module);
        QCOMPARE(window_->graphPane()->scene()->selectedNode(), module->calls.front());
        QCOMPARE(window_->findChild<QTreeView *>()
                     ->currentIndex()
                     .data(ModuleTreeModel::ModuleIdRole)
                     .toInt(),
                 module->id);

        // A point of another layer goes to that layer.
        const QString other = panel()->modulePathAtPoint(0);
        QVERIFY(!other.isEmpty() && other != "layer3.0.conv1");
    }

    void exportsAfterPerturbed()
    {
        const ComparisonReport *r = panel()->report();
        QVERIFY(r && !r->layers.empty());
        QTemporaryDir dir;
        QStringList written;
        QString error;
        QVERIFY2(panel()->exportPlots(dir.filePath("cmp.png"), &error, &written),
                 qPrintable(error));
        QCOMPARE(written.size(), 2);
        QCOMPARE(written[1], dir.filePath("cmp-layers.png"));
        for (const QString &f : written)
            QCOMPARE(head(f, 8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        QVERIFY2(panel()->exportPlots(dir.filePath("cmp.pdf"), &error), qPrintable(error));
        QCOMPARE(head(dir.filePath("cmp.pdf"), 4), QByteArray("%PDF"));
        QCOMPARE(head(dir.filePath("cmp-layers.pdf"), 4), QByteArray("%PDF"));

        QVERIFY2(panel()->exportCsv(dir.filePath("cmp.csv"), &error), qPrintable(error));
        QFile csv(dir.filePath("cmp.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(
            lines.front(),
            QString(
                "kind,name,call,match,shape,compared,max_abs_diff,mean_abs_diff,cosine,sqnr_db"));
        QCOMPARE(lines.size(), 1 + static_cast<int>(r->outputs.size() + r->layers.size()));
        for (const QString &line : lines)
            QCOMPARE(line.count(','), 9);
        QVERIFY(lines[1].startsWith("output,0,"));
        bool found = false;
        for (const QString &line : lines)
            found = found || line.startsWith("layer,layer3.0.conv1,");
        QVERIFY(found);

        QVERIFY2(panel()->exportJson(dir.filePath("cmp.json"), &error), qPrintable(error));
        QFile json(dir.filePath("cmp.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(root["passed"].toBool(true), false);
        QCOMPARE(root["first_divergence"].toString(),
                 QString("layer3.0.conv1")); // as compare --json
        QCOMPARE(root["layers"].toArray().size(), static_cast<int>(r->layers.size()));
        QCOMPARE(root["outputs"]
                     .toArray()
                     .at(0)
                     .toObject()["histogram"]
                     .toObject()["counts"]
                     .toArray()
                     .size(),
                 static_cast<int>(r->outputs.front().histogram.counts.size()));
    }

    // Results never outlive their models: after another model opens, the plot is empty and a
    // click where the red point was selects nothing in the new model (which has a layer of
    // that name too).
    void anotherModelClearsTheComparison()
    {
        QCustomPlot *plot = panel()->layerPlot();
        QCOMPARE(plot->graphCount(), 2); // the per-layer result of perturbedDivergesAtLayer3
        QCPGraph *mark = plot->graph(1);
        const QPoint pixel(qRound(plot->xAxis->coordToPixel(mark->dataMainKey(0))),
                           qRound(plot->yAxis->coordToPixel(mark->dataMainValue(0))));
        QString reason;
        QVERIFY2(testing::openAndWait(*window_, testing::modelPath("resnet18_scripted"), &reason),
                 qPrintable(reason));
        QVERIFY(
            window_->session()->graph().findModule("layer3.0.conv1")); // a name the old result knew
        QVERIFY(!panel()->report());
        QCOMPARE(plot->graphCount(), 0);
        QCOMPARE(panel()->metricsTable()->rowCount(), 0);
        QVERIFY(!panel()->statusText().contains("FAILED"));
        QVERIFY(panel()->modelA().isEmpty());
        QSignalSpy activated(panel(), &ComparisonPanel::moduleActivated);
        QTest::mouseClick(plot, Qt::LeftButton, {}, pixel);
        QVERIFY(testing::waitIdle(window_->work()));
        QCOMPARE(activated.count(), 0);
        QCOMPARE(window_->graphPane()->scene()->selectedNode(), kNoId);
        QCOMPARE(window_->selection()->node(), kNoId);
    }

    void badFileShowsError()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath("bad.pt");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a TorchScript archive");
        f.close();
        QVERIFY(!runAndWait(*window_, [&] {
            return panel()->run(testing::modelPath("resnet18_traced"), bad,
                                testing::fastCompareOptions(false));
        }));
        QVERIFY(!panel()->report());
        QVERIFY(!panel()->errorText().isEmpty());
        QVERIFY(!panel()->errorText().contains('\n'));
        QVERIFY2(panel()->statusText().contains("Comparison failed"),
                 qPrintable(panel()->statusText()));
        QCOMPARE(panel()->metricsTable()->rowCount(), 0);
        QString error;
        QVERIFY(!panel()->exportCsv(dir.filePath("x.csv"), &error));

        // Unreadable input shapes: refused before anything runs, reason shown.
        panel()->setInputShapes("1,x,224");
        QVERIFY(!window_->compareWith(testing::modelPath("resnet18_traced")));
        QVERIFY(!panel()->errorText().isEmpty());
        QVERIFY(!panel()->busy());
        // The window still works.
        QVERIFY(window_->session());
        QVERIFY(window_->isVisible());
    }
};

QTEST_MAIN(TestStudioCompare)
#include "tst_studio_compare.moc"
