// Real inputs, custom operator libraries, an honest proof and many models in one run, as a user
// meets them: models with int64 lengths and token ids, torchvision's detection ops, dropout that
// stays on, a broken pass named, a folder of models validated and prepared at once. The models
// come from tests/models/make_input_models.py (fixture generate_input_models).
#include "test_models.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using testing::Run;
using testing::torchprep;

QString inputModel(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_INPUT_MODELS") + "/" + name;
}

QJsonObject json(const Run &run)
{
    return QJsonDocument::fromJson(run.out).object();
}

void verifyOneLine(const Run &run, const QString &says)
{
    QVERIFY2(run.exitCode == 2, run.err.constData());
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(QString::fromUtf8(run.err).contains(says), run.err.constData());
}

} // namespace

class TestCliInputs : public QObject
{
    Q_OBJECT

    QTemporaryDir out_;

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(inputModel("lengths_masked_scripted.pt")),
                 "run through ctest: the models come from the generate_input_models fixture");
    }

    // A dtype and a value range per input: float features and int64 lengths within the frames.
    void eachInputHasItsDtypeAndRange()
    {
        const QString output = out_.filePath("lengths.pt");
        const Run run =
            torchprep({"prepare", inputModel("lengths_masked_scripted.pt"), "-o", output,
                       "--input-shape", "2,6,8", "--input-shape", "2:int64:1..6", "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject proof = json(run)["equivalence"].toObject();
        QVERIFY(proof["passed"].toBool());
        QCOMPARE(proof["input_dtypes"].toArray(), (QJsonArray{"float32", "int64"}));
        QVERIFY(QFileInfo::exists(output));
        // Lengths beyond the frames: the model's own reason, one line.
        verifyOneLine(torchprep({"prepare", inputModel("lengths_masked_scripted.pt"), "-o",
                                 out_.filePath("x.pt"), "--input-shape", "2,6,8", "--input-shape",
                                 "2:int64:7..9"}),
                      "lengths beyond the frames");
        QVERIFY(!QFileInfo::exists(out_.filePath("x.pt")));
    }

    void tokenIdsWithinTheVocabulary()
    {
        const Run run = torchprep({"prepare", inputModel("token_ids_traced.pt"), "-o",
                                   out_.filePath("ids.pt"), "--input-shape", "1,5:int64:0..99"});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        verifyOneLine(torchprep({"prepare", inputModel("token_ids_traced.pt"), "-o",
                                 out_.filePath("y.pt"), "--input-shape", "1,5:int64:100..200"}),
                      "index out of range");
    }

    // Real inputs saved with torch.save: prepare takes them as compare does.
    void realInputsFromAFile()
    {
        const Run run = torchprep({"prepare", inputModel("lengths_masked_scripted.pt"), "-o",
                                   out_.filePath("f.pt"), "--inputs",
                                   inputModel("lengths_masked_inputs.pt"), "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(json(run)["equivalence"].toObject()["batches"].toInt(), 1);
        verifyOneLine(torchprep({"prepare", inputModel("lengths_masked_scripted.pt"), "-o",
                                 out_.filePath("g.pt"), "--inputs",
                                 inputModel("lengths_masked_inputs.pt"), "--input-shape", "1"}),
                      "either --inputs or --input-shape");
    }

    void badDescriptionsAreOneLine_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("says");
        QTest::newRow("dtype") << "2,8:float33" << "neither a dtype";
        QTest::newRow("range") << "2,8:int64:9..1" << "is empty";
        QTest::newRow("number") << "2,8:int64:a..b" << "is not a number";
        QTest::newRow("parts") << "2:int64:0..1:x" << "SHAPE[:DTYPE][:LOW..HIGH]";
    }

    void badDescriptionsAreOneLine()
    {
        QFETCH(QString, shape);
        QFETCH(QString, says);
        verifyOneLine(torchprep({"prepare", inputModel("token_ids_traced.pt"), "-o",
                                 out_.filePath("z.pt"), "--input-shape", shape}),
                      says);
    }

    // Dropout left on draws fresh noise on every call: seeded alike, both models draw the same.
    void dropoutInTrainingModeIsProven_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("scripted") << "dropout_always_on_scripted.pt";
        QTest::newRow("traced") << "dropout_always_on_traced.pt";
    }

    void dropoutInTrainingModeIsProven()
    {
        QFETCH(QString, model);
        const Run run = torchprep({"prepare", inputModel(model), "-o", out_.filePath(model),
                                   "--input-shape", "2,8", "--json"});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        QCOMPARE(json(run)["equivalence"].toObject()["max_abs_diff"].toDouble(), 0.0);
    }

    // A deliberately broken pass (a test hook) is named, with the first layer to differ.
    void aBrokenPassIsNamed()
    {
        const QString output = out_.filePath("broken.pt");
        const Run run = torchprep({"prepare", testing::modelPath("resnet18_traced"), "-o", output,
                                   "--input-shape", "1,3,32,32", "--json"},
                                  {{"TORCHPREP_TEST_BREAK_PASS=unroll_reuse"}});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject proof = json(run)["equivalence"].toObject();
        QCOMPARE(proof["broken_by"].toString(), QString("unroll_reuse"));
        QCOMPARE(proof["first_divergence"].toString(), QString("conv1"));
        QVERIFY(!QFileInfo::exists(output));
        QVERIFY(json(run)["timing_ms"].toObject()["diagnosis"].toDouble() > 0);
    }

    // torchvision's operators come from its library, loaded when a model needs it.
    void torchvisionOpsAreLoaded()
    {
        const Run run = torchprep({"validate", inputModel("boxes_and_rois_scripted.pt"), "--json"});
        QVERIFY2(run.exitCode == 1, run.err.constData());
        QStringList ops;
        for (const QJsonValue &f : json(run)["findings"].toArray())
            ops << f["op"].toString();
        QVERIFY2(ops.contains("torchvision::nms") && ops.contains("torchvision::roi_align"),
                 qPrintable(ops.join(' ')));
        const Run detector =
            torchprep({"validate", inputModel("ssdlite320_scripted.pt"), "--json"});
        QVERIFY2(detector.exitCode == 1, detector.err.constData());
        QVERIFY(json(detector)["findings"].toArray().size() > 0);
    }

    void unknownOpsNameTheirLibrary()
    {
        verifyOneLine(torchprep({"validate", inputModel("acme_op_scripted.pt")}),
                      "acme_ops::scale");
        verifyOneLine(torchprep({"validate", inputModel("acme_op_scripted.pt")}), "--ops-library");
        verifyOneLine(torchprep({"validate", inputModel("acme_op_scripted.pt"), "--ops-library",
                                 "/no/such/lib.so"}),
                      "no such file");
        verifyOneLine(torchprep({"validate", inputModel("acme_op_scripted.pt"), "--ops-library",
                                 inputModel("token_ids_traced.pt")}),
                      "cannot be loaded");
    }

    // A folder of models: one row each, a model that cannot load is a row, the worst exit code.
    void manyModelsInOneRun()
    {
        const QTemporaryDir zoo;
        for (const char *name :
             {"clean_traced", "resnet18_traced", "bad_truncated", "reused_relu_scripted"})
            QVERIFY(QFile::copy(testing::modelPath(name), zoo.filePath(QString(name) + ".pt")));
        const Run table = torchprep({"validate", zoo.path(), "-j", "2"});
        QCOMPARE(table.exitCode, 2);
        const QStringList lines = QString::fromUtf8(table.out).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 6); // header, four rows, summary
        QVERIFY2(lines[1].contains("bad_truncated.pt") && lines[1].contains("unusable"),
                 qPrintable(lines[1]));
        QVERIFY(lines[2].contains("clean_traced.pt") && lines[2].contains("passed"));
        QVERIFY(lines[3].contains("resnet18_traced.pt") &&
                lines[3].contains("findings")); // sorted by name
        QVERIFY(lines[5].contains("4 models: 1 passed, 2 with findings, 1 unusable"));

        const Run jsonLines = torchprep({"validate", zoo.filePath("clean_traced.pt"),
                                         zoo.filePath("resnet18_traced.pt"), "--json"});
        QCOMPARE(jsonLines.exitCode, 1);
        const QList<QByteArray> docs = jsonLines.out.trimmed().split('\n');
        QCOMPARE(docs.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(docs[0]).object()["passed"].toBool(), true);
        QCOMPARE(QJsonDocument::fromJson(docs[1]).object()["checks"].toArray().size(), 6);

        const QTemporaryDir out;
        const Run prepared = torchprep({"prepare", zoo.path(), "-o", out.path(), "--input-shape",
                                        "1,3,32,32", "--json", "-j2"});
        QCOMPARE(prepared.exitCode, 2); // the truncated file
        const QList<QByteArray> rows = prepared.out.trimmed().split('\n');
        QCOMPARE(rows.size(), 4);
        QVERIFY(
            QJsonDocument::fromJson(rows[0]).object()["error"].toString().contains("truncated"));
        QVERIFY(QFileInfo::exists(out.filePath("resnet18_traced.pt")));
        QVERIFY(QFileInfo::exists(out.filePath("clean_traced.pt")));
    }
};

QTEST_GUILESS_MAIN(TestCliInputs)
#include "tst_cli_inputs.moc"
