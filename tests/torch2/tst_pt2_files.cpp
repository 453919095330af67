// torch.export programs (.pt2) made at test time by torch 2.x (make_pt2_models.py), in both
// layouts, validated by the CLI and held to what Python knows without TorchPrep: reuse from
// forward hooks on the eager model, each op's module and line from torch.fx on the program, the
// functionals from the model's source; to the verdict on the TorchScript trace of the same
// model; and, run by TorchPrep, to the outputs the torch that wrote them returns.
#include "test_models.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using testing::Run;
using testing::torchprep;

QJsonObject manifest()
{
    QFile file(qEnvironmentVariable("TORCHPREP_PT2_MODELS") + "/manifest.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject validate(const QString &file, int *exitCode = nullptr)
{
    const Run run = torchprep({"validate", "--json", file});
    if (exitCode)
        *exitCode = run.exitCode;
    return QJsonDocument::fromJson(run.out).object();
}

QJsonArray findingsOf(const QJsonObject &report, const QString &check)
{
    QJsonArray out;
    for (const QJsonValue f : report["findings"].toArray())
        if (f["check"].toString() == check)
            out.append(f);
    return out;
}

int lineOf(const QJsonValue &finding)
{
    const QString source = finding["source"].toString();
    return source.mid(source.lastIndexOf(':') + 1).toInt();
}

// "module@line" of each missing-module finding, sorted.
QStringList missingPlaces(const QJsonObject &report)
{
    QStringList places;
    for (const QJsonValue f : findingsOf(report, "missing_module"))
        places << f["module"].toString() + "@" + QString::number(lineOf(f));
    places.sort();
    return places;
}

// Reused modules with their calls; a child of a reused module is its parent's finding.
QMap<QString, int> reusedOf(const QJsonObject &report)
{
    QMap<QString, int> reused;
    for (const QJsonValue f : findingsOf(report, "reused_module"))
        reused[f["module"].toString()] = f["calls"].toInt();
    return reused;
}

} // namespace

class TestPt2Files : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QVERIFY2(!manifest()["models"].toArray().isEmpty(),
                 "run through ctest: the files come from the generate_pt2_models fixture");
        qInfo().noquote() << "programs saved by torch" << manifest()["torch"].toString();
    }

    void findingsHoldToPython_data()
    {
        QTest::addColumn<QJsonObject>("model");
        QTest::addColumn<QString>("file");
        for (const QJsonValue m : manifest()["models"].toArray())
            for (const QJsonValue f : m["files"].toArray())
                QTest::newRow(qPrintable(QFileInfo(f.toString()).fileName()))
                    << m.toObject() << f.toString();
    }

    void findingsHoldToPython()
    {
        QFETCH(QJsonObject, model);
        QFETCH(QString, file);
        int exitCode = -1;
        const QJsonObject report = validate(file, &exitCode);
        QVERIFY2(!report.isEmpty(), qPrintable(file + " gave no JSON report"));
        QCOMPARE(report["format"].toString(), QString("torch.export"));
        QCOMPARE(exitCode, report["findings"].toArray().isEmpty() ? 0 : 1);

        // Reuse: what forward hooks counted, less children of a reused parent.
        QMap<QString, int> expected;
        const QJsonObject hooks = model["reused"].toObject();
        for (auto it = hooks.begin(); it != hooks.end(); ++it) {
            const QString parent = it.key().section('.', 0, -2);
            if (!hooks.contains(parent) || parent.isEmpty())
                expected[it.key()] = it.value().toInt();
        }
        QCOMPARE(reusedOf(report), expected);

        // Functionals: the ones the source holds, at their lines (torch's own layers are held
        // to their trace below).
        if (!model["missing"].isNull()) {
            QStringList places;
            for (const QJsonValue m : model["missing"].toArray())
                places << m[0].toString() + "@" + QString::number(m[2].toInt());
            places.sort();
            QCOMPARE(missingPlaces(report), places);
        }

        // Every finding's module, op and line are torch.fx's for some op of the program.
        for (const QJsonValue f : findingsOf(report, "missing_module")) {
            bool found = false;
            for (const QJsonValue op : model["ops"].toArray()) {
                const bool opMatches = !f["op"].toString().startsWith("aten::") ||
                                       op[1].toString() == f["op"].toString();
                found = found || (op[0].toString() == f["module"].toString() &&
                                  op[2].toInt() == lineOf(f) && opMatches);
            }
            QVERIFY2(found, qPrintable(f["message"].toString() + " matches no op torch.fx sees"));
            QVERIFY2(f["source"].isNull() ||
                         f["source"].toString().contains(model["file"].toString()),
                     qPrintable(f["source"].toString()));
            QVERIFY(f["manual_fix"].toBool());
            QVERIFY2(!f["fix"].toString().contains("torchprep prepare`") ||
                         f["fix"].toString().contains("torch.jit.trace"),
                     qPrintable(f["fix"].toString()));
        }
        // In torch.cond's branches export keeps no module calls: a parameterless layer there
        // is reported as its op, as a warning that says why.
        if (model["cond"].toBool())
            for (const QJsonValue f : findingsOf(report, "missing_module"))
                QCOMPARE(f["severity"].toString(), QString("warning"));
        QCOMPARE(findingsOf(report, "non_tensor_io").size(), model["dict_output"].toBool() ? 1 : 0);
        QCOMPARE(findingsOf(report, "dynamic_control_flow").size(), model["cond"].toBool() ? 1 : 0);
        // ONNX export of a .pt2 is the dynamo exporter's call: listed, never claimed.
        for (const QJsonValue c : report["checks"].toArray())
            if (c["name"].toString() == "onnx_exportable") {
                QCOMPARE(c["judged"].toBool(true), false);
                QCOMPARE(c["passed"].toBool(), false);
            }
    }

    // A program and the trace of the same model: the same reuse, the same functionals at the
    // same lines.
    void sameVerdictAsTheTrace_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("traced");
        for (const QJsonValue m : manifest()["models"].toArray())
            if (m["traced"].isString() && m["inner_calls_recorded"].toBool(true))
                QTest::newRow(qPrintable(m["name"].toString()))
                    << m["files"][0].toString() << m["traced"].toString();
    }

    void sameVerdictAsTheTrace()
    {
        QFETCH(QString, program);
        QFETCH(QString, traced);
        const QJsonObject fromProgram = validate(program);
        const QJsonObject fromTrace = validate(traced);
        QVERIFY(!fromTrace.isEmpty());
        QCOMPARE(reusedOf(fromProgram), reusedOf(fromTrace));
        QCOMPARE(missingPlaces(fromProgram), missingPlaces(fromTrace));
    }

    // A program runs in TorchPrep as in the torch that wrote it: its outputs equal what
    // torch.export.load(file).module() returned there, on the same inputs.
    void runsAsItsTorch_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("inputs");
        QTest::addColumn<QString>("outputs");
        for (const QJsonValue m : manifest()["models"].toArray())
            for (const QJsonValue f : m["files"].toArray()) // both layouts
                QTest::newRow(qPrintable(QFileInfo(f.toString()).fileName()))
                    << f.toString() << m["inputs"].toString() << m["outputs"].toString();
    }

    void runsAsItsTorch()
    {
        QFETCH(QString, program);
        QFETCH(QString, inputs);
        QFETCH(QString, outputs);
        const Run run = torchprep({"compare", program, outputs, "--inputs", inputs, "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(report["passed"].toBool(), run.out.constData());
        QVERIFY(!report["outputs"].toArray().isEmpty());
    }

    // A program against the trace of the same model, layer by layer: every module call has its
    // twin by path, and none diverges.
    void comparesWithItsTrace_data() { sameVerdictAsTheTrace_data(); }

    void comparesWithItsTrace()
    {
        QFETCH(QString, program);
        QFETCH(QString, traced);
        QString inputsFile;
        for (const QJsonValue m : manifest()["models"].toArray())
            if (m["traced"].toString() == traced)
                inputsFile = m["inputs"].toString();
        const Run run = torchprep(
            {"compare", program, traced, "--inputs", inputsFile, "--per-layer", "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(report["passed"].toBool(), run.out.constData());
        const QJsonArray layers = report["layers"].toArray();
        QVERIFY(!layers.isEmpty());
        for (const QJsonValue layer : layers)
            QVERIFY2(layer["match"].toString() == "path",
                     qPrintable(layer["module"].toString() + " " + layer["match"].toString()));
    }

    // What TorchPrep does not do with a program (prepare it, export it to ONNX) says so in one
    // line, and writes nothing.
    void refusalsAreOneLine()
    {
        const QJsonObject model = manifest()["models"][0].toObject();
        const QString file = model["files"][0].toString();
        QTemporaryDir dir;
        const Run prepare = torchprep({"prepare", file, "-o", dir.filePath("out.pt")});
        QCOMPARE(prepare.exitCode, 2);
        QVERIFY2(prepare.err.contains("torch.export program") && prepare.err.count('\n') == 1,
                 prepare.err.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath("out.pt")));
        const Run onnx = torchprep(
            {"export-onnx", file, "-o", dir.filePath("out.onnx"), "--input-shape", "1,3,8,8"});
        QCOMPARE(onnx.exitCode, 2);
        QVERIFY2(onnx.err.contains("torch.export program") && onnx.err.count('\n') == 1,
                 onnx.err.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath("out.onnx")));
    }

    // A folder of programs validates in one batch, as a folder of TorchScript files does.
    void batchTakesPrograms()
    {
        const QString folder = qEnvironmentVariable("TORCHPREP_PT2_MODELS");
        const Run run = torchprep({"validate", "--json", folder});
        QStringList models;
        for (const QByteArray &line : run.out.split('\n'))
            if (!line.isEmpty())
                models << QFileInfo(QJsonDocument::fromJson(line)["model"].toString()).fileName();
        QVERIFY2(models.contains("reuse_functionals.pt2"), run.out.left(400).constData());
        QVERIFY2(models.contains("reuse_functionals_legacy.pt2"), run.out.left(400).constData());
        QVERIFY2(models.contains("reuse_functionals_traced.pt"), run.out.left(400).constData());
    }
};

QTEST_GUILESS_MAIN(TestPt2Files)
#include "tst_pt2_files.moc"
