// `torchprep compare` as a user runs it: identical models agree exactly, a perturbed conv is
// named as the first divergence, a prepared model matches its original layer by layer, and
// models that cannot be compared get one line and exit 2.
#include "test_models.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using testing::execute;
using testing::Run;
using testing::torchprep;

QJsonObject compareJson(const QStringList &args, int expectedExit)
{
    const Run run = torchprep(QStringList{"compare"} + args + QStringList{"--json"});
    if (run.exitCode != expectedExit)
        qWarning().noquote() << "exit" << run.exitCode << run.err;
    return run.exitCode == expectedExit ? QJsonDocument::fromJson(run.out).object() : QJsonObject();
}

} // namespace

class TestCliCompare : public QObject
{
    Q_OBJECT

    QTemporaryDir out_;

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(testing::modelPath("resnet18_perturbed_traced")),
                 "run through ctest: the models come from the generate_test_models fixture");
        QVERIFY(out_.isValid());
    }

    void identicalModelsAgreeExactly()
    {
        const QString m = testing::modelPath("resnet18_traced");
        const QJsonObject r = compareJson({m, m, "--input-shape", "1,3,64,64", "--runs", "3"}, 0);
        QVERIFY(r["passed"].toBool());
        QVERIFY(r["device"].toString() == "cpu" || r["device"].toString().startsWith("cuda"));
        QCOMPARE(r["batches"].toInt(), 3);
        const QJsonArray outputs = r["outputs"].toArray();
        QCOMPARE(outputs.size(), 1);
        const QJsonObject out = outputs[0].toObject();
        QCOMPARE(out["shape"].toArray(), QJsonArray({1, 1000}));
        QCOMPARE(out["max_abs_diff"].toDouble(-1), 0.0);
        QCOMPARE(out["cosine"].toDouble(), 1.0);
        QVERIFY(out["sqnr_db"].isNull()); // infinite
        // The histogram holds every element of every batch, all in the bin at 0.
        const QJsonObject hist = out["histogram"].toObject();
        QCOMPARE(hist["edges"].toArray(), QJsonArray({0.0, 0.0}));
        QCOMPARE(hist["counts"].toArray(), QJsonArray({3000}));
        const QJsonObject timing = r["timing_ms"].toObject();
        QVERIFY(timing["a"].toDouble() > 0 && timing["b"].toDouble() > 0);
        QCOMPARE(timing["runs"].toInt(), 3);
        QVERIFY(r["first_divergence"].isNull());
    }

    void perturbedConvIsTheFirstDivergence()
    {
        const QJsonObject r = compareJson(
            {testing::modelPath("resnet18_traced"), testing::modelPath("resnet18_perturbed_traced"),
             "--input-shape", "1,3,64,64", "--per-layer", "--runs", "1"},
            1);
        QVERIFY(!r["passed"].toBool(true));
        const QJsonObject out = r["outputs"].toArray()[0].toObject();
        QVERIFY(out["max_abs_diff"].toDouble() > 1e-5);
        QVERIFY(out["sqnr_db"].toDouble() > 0); // a small perturbation: still mostly signal
        QCOMPARE(r["first_divergence"].toString(), QString("layer3.0.conv1"));
        // Everything before it agrees exactly; the histogram spreads over many bins.
        const QJsonArray layers = r["layers"].toArray();
        int before = 0;
        for (const QJsonValue &l : layers) {
            if (l["module"].toString() == "layer3.0.conv1")
                break;
            QCOMPARE(l["max_abs_diff"].toDouble(-1), 0.0);
            ++before;
        }
        QVERIFY(before > 20);
        QCOMPARE(out["histogram"].toObject()["counts"].toArray().size(), 50);
    }

    // The preparer's new modules: unrolled relus are matched to the original's second call
    // by data flow, adds are new (the original's add was no module).
    void preparedMatchesItsOriginalLayerByLayer()
    {
        const QString original = testing::modelPath("resnet18_traced");
        const QString prepared = out_.filePath("r18_prepared.pt");
        QCOMPARE(
            torchprep({"prepare", original, "-o", prepared, "--input-shape", "1,3,64,64"}).exitCode,
            0);
        const QJsonObject r = compareJson(
            {original, prepared, "--input-shape", "1,3,64,64", "--per-layer", "--runs", "1"}, 0);
        QVERIFY(r["passed"].toBool());
        int byPath = 0, byDataflow = 0, fresh = 0;
        for (const QJsonValue &l : r["layers"].toArray()) {
            const QString match = l["match"].toString();
            const QString module = l["module"].toString();
            if (match == "path") {
                ++byPath;
                QCOMPARE(l["a_module"].toString(), module);
                QCOMPARE(l["max_abs_diff"].toDouble(-1), 0.0);
            } else if (match == "dataflow") {
                ++byDataflow;
                QVERIFY2(module.endsWith(".module_relu_1"), qPrintable(module));
                QCOMPARE(l["a_module"].toString(), module.left(module.lastIndexOf('.')) + ".relu");
                QCOMPARE(l["max_abs_diff"].toDouble(-1), 0.0);
            } else {
                QCOMPARE(match, QString("new"));
                QVERIFY2(module.contains(QRegularExpression("\\.module_add(_\\d)?$")),
                         qPrintable(module));
                QVERIFY(l["max_abs_diff"].isNull());
                ++fresh;
            }
        }
        QCOMPARE(byDataflow, 8);
        QCOMPARE(fresh, 8);
        QVERIFY(byPath > 50);
    }

    // A file saved by Python's torch.save is one batch of inputs.
    void inputsFromATorchSaveFile()
    {
        const QString inputs = out_.filePath("inputs.pt");
        const Run save = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                                 {"-c",
                                  "import sys, torch; torch.manual_seed(0); "
                                  "torch.save(torch.randn(2, 3, 16, 16), sys.argv[1])",
                                  inputs});
        QCOMPARE(save.exitCode, 0);
        const QString m = testing::modelPath("reused_relu_traced");
        const QJsonObject r = compareJson({m, m, "--inputs", inputs, "--runs", "1"}, 0);
        QCOMPARE(r["batches"].toInt(), 1);
        QCOMPARE(r["inputs"].toArray()[0].toArray(), QJsonArray({2, 3, 16, 16}));
    }

    void unusable_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QString clean = testing::modelPath("clean_traced");
        const QString reused = testing::modelPath("reused_relu_traced");
        const QString shape = "1,3,16,16";
        QTest::newRow("other output shapes")
            << QStringList{clean, reused, "--input-shape", shape} << "cannot be compared";
        QTest::newRow("rejected shape")
            << QStringList{clean, clean, "--input-shape", "1,5,16,16"} << "rejects the inputs";
        QTest::newRow("one model")
            << QStringList{clean, "--input-shape", shape} << "two model files";
        QTest::newRow("no inputs") << QStringList{clean, clean} << "--input-shape";
        QTest::newRow("bad model")
            << QStringList{clean, testing::modelPath("bad_text"), "--input-shape", shape}
            << "bad_text";
        QTest::newRow("bad device")
            << QStringList{clean, clean, "--input-shape", shape, "--device", "tpu"} << "--device";
        QTest::newRow("bad runs") << QStringList{clean, clean,    "--input-shape",
                                                 shape, "--runs", "0"}
                                  << "--runs";
        QTest::newRow("missing inputs file")
            << QStringList{clean, clean, "--inputs", "/no/such.pt"} << "--inputs";
        QTest::newRow("inputs not torch.save")
            << QStringList{clean, clean, "--inputs", testing::modelPath("bad_text")}
            << "torch.save";
    }

    void unusable()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const Run run = torchprep(QStringList{"compare"} + args);
        QCOMPARE(run.exitCode, 2);
        const QString err = QString::fromUtf8(run.err);
        QCOMPARE(err.count('\n'), 1);
        QVERIFY2(err.contains(says), qPrintable(err));
        QVERIFY(run.out.isEmpty());
    }

    // Asking for CUDA where there is none is an argument error, not a crash.
    void cudaWhereThereIsNone()
    {
        const QString m = testing::modelPath("clean_traced");
        const Run probe =
            torchprep({"compare", m, m, "--input-shape", "1,3,16,16", "--runs", "1", "--json"});
        QCOMPARE(probe.exitCode, 0);
        if (QJsonDocument::fromJson(probe.out).object()["device"].toString() != "cpu")
            QSKIP("this machine has a CUDA device");
        const Run run =
            torchprep({"compare", m, m, "--input-shape", "1,3,16,16", "--device", "cuda"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("no CUDA device"));
    }
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "tst_cli_compare.moc"
