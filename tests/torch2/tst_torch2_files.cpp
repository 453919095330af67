// TorchScript files saved by torch 2.x (made at test time by the newest torch on the machine, in
// the venv the install_torch2 fixture makes, by make_torch2_models.py), held to that torch:
// every file validates, its outputs in TorchPrep equal what that torch returned, it prepares,
// and the prepared file loads back in that torch with equal outputs and the modules prepare
// says it added.
#include "test_models.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using testing::execute;
using testing::Run;
using testing::torchprep;

QJsonObject manifest()
{
    QFile file(qEnvironmentVariable("TORCHPREP_TORCH2_MODELS") + "/manifest.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject jsonOf(const Run &run)
{
    return QJsonDocument::fromJson(run.out).object();
}

// A file's entry in the manifest: its path, inputs, outputs and ops.
QJsonObject entry(const QString &name, const QString &mode)
{
    for (const QJsonValue v : manifest()["models"].toArray())
        if (v["name"].toString() == name && v["mode"].toString() == mode)
            return v.toObject();
    return {};
}

} // namespace

class TestTorch2Files : public QObject
{
    Q_OBJECT

    QTemporaryDir out_;

  private slots:
    void initTestCase()
    {
        QVERIFY2(!manifest()["models"].toArray().isEmpty(),
                 "run through ctest: the files come from the generate_torch2_models fixture");
        QVERIFY(out_.isValid());
        qInfo().noquote() << "files saved by torch" << manifest()["torch"].toString();
    }

    // The census's forms: every file torch could save is in the manifest, none lost on the way.
    void everyFormWasSaved()
    {
        const QJsonArray failed = manifest()["failed"].toArray();
        for (const QJsonValue f : failed)
            qWarning().noquote() << "torch could not save" << f["name"].toString()
                                 << f["mode"].toString() << ":" << f["reason"].toString();
        QVERIFY(failed.isEmpty());
        // The ops this work is about are really in the files, in the form torch writes them.
        QVERIFY(entry("sdpa_plain", "traced")["ops"].toObject().contains(
            "aten::scaled_dot_product_attention"));
        QVERIFY(entry("mha_no_weights", "traced")["ops"].toObject().contains(
            "aten::scaled_dot_product_attention"));
        QVERIFY(entry("rms_norm_module", "traced")["ops"].toObject().contains("aten::rms_norm"));
    }

    void filesHoldToTheirTorch_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("mode");
        for (const QJsonValue v : manifest()["models"].toArray())
            QTest::newRow(qPrintable(v["name"].toString() + "_" + v["mode"].toString()))
                << v["name"].toString() << v["mode"].toString();
    }

    void filesHoldToTheirTorch()
    {
        QFETCH(QString, name);
        QFETCH(QString, mode);
        const QJsonObject file = entry(name, mode);
        const QString model = file["file"].toString();
        const QString inputs = file["inputs"].toString();
        const QString outputs = file["outputs"].toString();

        // Validates: findings or none, never an error.
        const Run validate = torchprep({"validate", model, "--json"});
        QVERIFY2(validate.exitCode == 0 || validate.exitCode == 1, validate.out + validate.err);

        // The outputs the torch that wrote the file returned are what TorchPrep computes.
        const Run compare = torchprep(
            {"compare", model, outputs, "--inputs", inputs, "--tolerance", "1e-5", "--json"});
        QVERIFY2(compare.exitCode == 0, compare.out + compare.err);
        QVERIFY(jsonOf(compare)["passed"].toBool());

        // Prepares, proven equal, into a file that torch loads and runs to the same outputs.
        const QString prepared = out_.filePath(name + "_" + mode + ".pt");
        const QString python = out_.filePath(name + "_" + mode + "_py");
        const Run prepare = torchprep({"prepare", model, "-o", prepared, "--inputs", inputs,
                                       "--emit-python", python, "--json"});
        QVERIFY2(prepare.exitCode == 0 || prepare.exitCode == 1, prepare.out + prepare.err);
        QVERIFY2(QFileInfo::exists(prepared), prepare.out + prepare.err);
        const QJsonObject report = jsonOf(prepare);
        QVERIFY(report["equivalence"].toObject()["passed"].toBool());
        QSet<QString> added;
        for (const QJsonValue pass : report["passes"].toArray())
            for (const QJsonValue change : pass["changes"].toArray())
                added.insert(change["module"].toString());

        const Run check = execute(
            qEnvironmentVariable("TORCHPREP_TORCH2_PYTHON"),
            {qEnvironmentVariable("TORCHPREP_SOURCE_DIR") + "/tests/torch2/check_torch2_file.py",
             model, prepared, inputs, outputs, python + "/" + name + "_" + mode + ".py"});
        const QJsonObject truth = jsonOf(check);
        QVERIFY2(truth["loads"].toBool(), check.out + check.err);
        QVERIFY(truth["same_count"].toBool());
        QVERIFY2(truth["max_abs_diff"].toDouble() <= 1e-5, check.out);
        // Every module torch sees added is one prepare names; the others it names are the
        // model's own layers, now called (F.linear on their weights), and torch has them all.
        QSet<QString> seen;
        for (const QJsonValue m : truth["added"].toArray())
            seen.insert(m.toString());
        QSet<QString> all = seen;
        for (const QJsonValue m : truth["modules"].toArray())
            all.insert(m.toString());
        QVERIFY2(added.contains(seen), check.out);
        QVERIFY2(all.contains(added), prepare.out);
        QVERIFY2(truth["removed"].toArray().isEmpty(), check.out);
        // ...and so does the prepared model written as Python source (--emit-python), for traced
        // files. Scripted ones keep Python that export does not write yet (defaults of a composite
        // layer's forward, list copies): a known gap, reported.
        if (mode == "traced") {
            QVERIFY2(!truth.contains("python_error"), check.out);
            QVERIFY2(truth["python_max_abs_diff"].toDouble() <= 1e-5, check.out);
        } else if (truth.contains("python_error")) {
            qInfo().noquote() << name << mode
                              << "as Python source:" << truth["python_error"].toString();
        }
    }

    // onnx_exportable judged against the exporter of the torch that wrote the file
    // (--onnx-torch) says what that exporter, run on the file, does: no finding where it
    // exports, a finding for the very op it refuses.
    void onnxVerdictsHoldToTheirExporter_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : {"sdpa_plain", "sdpa_causal", "rms_norm_module", "mha_no_weights",
                                 "encoder_layer", "vit", "resnet18"})
            if (!entry(name, "traced").isEmpty())
                QTest::newRow(name) << QString(name);
    }

    void onnxVerdictsHoldToTheirExporter()
    {
        QFETCH(QString, name);
        const QJsonObject file = entry(name, "traced");
        const QString torch = manifest()["torch"].toString().section('.', 0, 1);
        const QString onnx = out_.filePath(name + ".onnx");
        const Run exported =
            torchprep({"export-onnx", file["file"].toString(), "-o", onnx, "--inputs",
                       file["inputs"].toString(), "--opset", "17", "--python",
                       qEnvironmentVariable("TORCHPREP_TORCH2_PYTHON"), "--json"});
        QVERIFY2(exported.exitCode == 0 || exported.exitCode == 1, exported.out + exported.err);
        const QJsonObject truth = jsonOf(exported);
        QVERIFY2(truth["exporter"].toString().startsWith("torch " + torch), exported.out);
        const Run judged = torchprep({"validate", file["file"].toString(), "--onnx-torch", torch,
                                      "--opset", "17", "--json"});
        QSet<QString> flagged;
        for (const QJsonValue f : jsonOf(judged)["findings"].toArray())
            if (f["check"].toString() == "onnx_exportable")
                flagged.insert(f["op"].toString());
        // An exporter that names an op it has no symbolic for is what the table predicts; other
        // failures inside the exporter (a rank its shape inference lost) no op table can.
        const QString error = truth["error"].toString();
        if (truth["exported"].toBool()) {
            QVERIFY2(flagged.isEmpty(), judged.out);
            QVERIFY2(truth["proof"].toObject()["passed"].toBool(), exported.out);
        } else if (error.contains("Exporting the operator")) {
            QVERIFY2(!truth["refused_ops"].toArray().isEmpty(), exported.out);
            for (const QJsonValue op : truth["refused_ops"].toArray())
                QVERIFY2(flagged.contains(op["op"].toString()), judged.out + exported.out);
        } else {
            qInfo().noquote() << name << "fails inside torch" << torch << "'s exporter:" << error;
        }
    }

    // torch 2.x's attention code scripted reads as its trace: the masks a caller leaves out are
    // None through F._canonical_mask, and a bool mask made float once is not made so again.
    void scriptedAttentionAgreesWithItsTrace_data()
    {
        QTest::addColumn<QString>("name");
        for (const char *name : {"mha_no_weights", "encoder_layer_called", "mha_padding"})
            QTest::newRow(name) << name;
    }
    void scriptedAttentionAgreesWithItsTrace()
    {
        QFETCH(QString, name);
        auto missing = [&](const char *mode) {
            QStringList found;
            const QJsonObject report =
                jsonOf(torchprep({"validate", entry(name, mode)["file"].toString(), "--json"}));
            for (const QJsonValue f : report["findings"].toArray())
                if (f["check"].toString() == "missing_module")
                    found << f["module"].toString() + " " + f["op"].toString();
            found.sort();
            return found;
        };
        const QStringList traced = missing("traced");
        QVERIFY(!traced.isEmpty());
        QCOMPARE(missing("scripted"), traced);
    }

    // An SDPA call written in forward is a finding that names attention, and prepare gives it a
    // module; an RMSNorm layer is a layer, F.rms_norm a functional whose fix is nn.RMSNorm.
    void judgedAsWhatTheyAre()
    {
        const QJsonObject sdpa = jsonOf(
            torchprep({"validate", entry("sdpa_plain", "traced")["file"].toString(), "--json"}));
        bool attention = false;
        for (const QJsonValue f : sdpa["findings"].toArray())
            attention = attention || f["op"].toString() == "aten::scaled_dot_product_attention";
        QVERIFY2(attention, QJsonDocument(sdpa).toJson());

        const Run layer = torchprep(
            {"validate", entry("rms_norm_module", "traced")["file"].toString(), "--json"});
        for (const QJsonValue f : jsonOf(layer)["findings"].toArray())
            QVERIFY2(f["check"].toString() != "missing_module", layer.out);

        const QJsonObject functional = jsonOf(torchprep(
            {"validate", entry("rms_norm_functional", "traced")["file"].toString(), "--json"}));
        bool named = false;
        for (const QJsonValue f : functional["findings"].toArray())
            named = named || (f["op"].toString() == "aten::rms_norm" &&
                              f["fix"].toString().contains("torch.nn.RMSNorm"));
        QVERIFY2(named, QJsonDocument(functional).toJson());
    }
};

QTEST_GUILESS_MAIN(TestTorch2Files)
#include "tst_torch2_files.moc"
