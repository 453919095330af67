// `torchprep validate` as a pipeline runs it: exit codes, one JSON object on stdout, and one
// clean line on stderr for every unusable input.
#include "test_models.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

namespace {

using testing::Run;
using testing::torchprep;

} // namespace

class TestCliValidate : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(testing::modelPath("clean_traced")),
                 "run through ctest: the models come from the generate_test_models fixture");
    }

    void jsonReportHasTheDocumentedShape()
    {
        const QString model = testing::modelPath("resnet18_traced");
        const Run run = torchprep({"validate", model, "--json"});
        QCOMPARE(run.exitCode, 1);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject report = doc.object();
        QCOMPARE(report["model"].toString(), model);
        QCOMPARE(report["passed"].toBool(true), false);
        const QJsonArray checks = report["checks"].toArray();
        QStringList names;
        for (const QJsonValue &c : checks)
            names << c["name"].toString();
        QCOMPARE(names, QStringList({"reused_module", "missing_module", "non_tensor_io",
                                     "dynamic_control_flow", "input_dependent_constructor",
                                     "onnx_exportable"}));
        QCOMPARE(checks[0]["count"].toInt(), 8);
        QCOMPARE(checks[0]["warnings"].toInt(), 0);
        QCOMPARE(checks[1]["count"].toInt(), 8);
        QCOMPARE(checks[2]["passed"].toBool(), true);
        const QJsonArray findings = report["findings"].toArray();
        QCOMPARE(findings.size(), 16);
        const QJsonObject reused = findings[0].toObject();
        QCOMPARE(reused["check"].toString(), QString("reused_module"));
        QCOMPARE(reused["module"].toString(), QString("layer1.0.relu"));
        QCOMPARE(reused["severity"].toString(), QString("error"));
        QCOMPARE(reused["calls"].toInt(), 2);
        QVERIFY(reused["source"].toString().contains("resnet.py:"));
        QVERIFY(!reused.contains("op"));
        QVERIFY(!reused.contains("method")); // forward
        QVERIFY(!reused.contains("manual_fix"));
        QVERIFY(!reused.contains("torch_source"));
        const QJsonObject add = findings[8].toObject();
        QCOMPARE(add["check"].toString(), QString("missing_module"));
        QCOMPARE(add["module"].toString(), QString("layer1.0"));
        QCOMPARE(add["op"].toString(), QString("aten::add_"));
        QVERIFY(!add.contains("calls"));
        QVERIFY(add["fix"].toString().contains("BasicBlock"));
        QVERIFY(run.err.isEmpty());
    }

    void cleanModelPassesWithExitZero()
    {
        const Run run = torchprep({"validate", testing::modelPath("clean_scripted"), "--json"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report["passed"].toBool(), true);
        QCOMPARE(report["findings"].toArray().size(), 0);
        const Run text = torchprep({"validate", testing::modelPath("clean_traced")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("all 6 checks passed"));
    }

    // A branch on an input's shape is a warning: reported, and validation passes.
    void warningsAloneExitZero()
    {
        const Run run =
            torchprep({"validate", testing::modelPath("shape_branch_scripted"), "--json"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report["passed"].toBool(), true);
        const QJsonArray findings = report["findings"].toArray();
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0]["check"].toString(), QString("dynamic_control_flow"));
        QCOMPARE(findings[0]["severity"].toString(), QString("warning"));
        const QJsonObject control = report["checks"].toArray()[3].toObject();
        QCOMPARE(control["passed"].toBool(), true);
        QCOMPARE(control["count"].toInt(), 1);
        QCOMPARE(control["warnings"].toInt(), 1);
        const Run text = torchprep({"validate", testing::modelPath("shape_branch_scripted")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("[warning]"));
        QVERIFY(
            text.out.trimmed().endsWith("all 6 checks passed, 1 warning (dynamic_control_flow 1)"));
    }

    // Reuse in a loop the model sizes at run time: no count, and a fix only a hand can make.
    void loopReuseIsAManualFix()
    {
        const Run run =
            torchprep({"validate", testing::modelPath("loop_reuse_scripted"), "--json"});
        QCOMPARE(run.exitCode, 1);
        const QJsonArray findings = QJsonDocument::fromJson(run.out).object()["findings"].toArray();
        QCOMPARE(findings[0]["check"].toString(), QString("reused_module"));
        QCOMPARE(findings[0]["module"].toString(), QString("lin"));
        QVERIFY(findings[0]["calls"].isNull());
        QCOMPARE(findings[0]["manual_fix"].toBool(), true);
        QVERIFY(findings[0]["fix"].toString().contains("unroll the loop"));
    }

    // Reuse in a loop of a fixed count: the count, and a fix prepare makes (it unrolls).
    void fixedLoopReuseIsPreparersToFix()
    {
        for (const char *model : {"fixed_loop_scripted", "attr_loop_scripted"}) {
            const Run run = torchprep({"validate", testing::modelPath(model), "--json"});
            QCOMPARE(run.exitCode, 1);
            const QJsonArray findings =
                QJsonDocument::fromJson(run.out).object()["findings"].toArray();
            bool reuse = false;
            for (const QJsonValue &f : findings) {
                if (f["check"].toString() != "reused_module")
                    continue;
                reuse = true;
                QCOMPARE(f["module"].toString(), QString("step"));
                QCOMPARE(f["calls"].toInt(), QString(model).startsWith("fixed") ? 3 : 2);
                QCOMPARE(f["manual_fix"].toBool(), false);
                QVERIFY2(f["fix"].toString().contains("`torchprep prepare` unrolls"), model);
            }
            QVERIFY2(reuse, model);
        }
        const Run runtime =
            torchprep({"validate", testing::modelPath("runtime_loop_scripted"), "--json"});
        const QJsonArray findings =
            QJsonDocument::fromJson(runtime.out).object()["findings"].toArray();
        for (const QJsonValue &f : findings)
            if (f["check"].toString() == "reused_module")
                QCOMPARE(f["manual_fix"].toBool(), true);
    }

    // A helper holding no layer and no parameter called twice shares nothing a quantizer keeps:
    // its ops are the findings (AIMET's hooks never see such a method called), and prepare
    // still gives each call its own modules.
    void statelessHelperIsNoReuse()
    {
        const QString model = testing::modelPath("stateless_helper_scripted");
        const Run run = torchprep({"validate", model, "--json"});
        QCOMPARE(run.exitCode, 1);
        int missing = 0;
        for (const QJsonValue &f :
             QJsonDocument::fromJson(run.out).object()["findings"].toArray()) {
            QVERIFY2(f["check"].toString() != "reused_module", run.out.constData());
            if (f["check"].toString() == "missing_module") {
                ++missing;
                QCOMPARE(f["module"].toString(), QString("table"));
            }
        }
        QCOMPARE(missing, 4); // a mul and an add, per call
        const QTemporaryDir dir;
        const Run prepared = torchprep(
            {"prepare", model, "-o", dir.filePath("p.pt"), "--input-shape", "1,3,16,16", "--json"});
        QCOMPARE(prepared.exitCode, 0);
        QCOMPARE(
            QJsonDocument::fromJson(prepared.out).object()["remaining_findings"].toArray().size(),
            0);
    }

    void textOutputGroupsByCheckWithSummary()
    {
        const Run run = torchprep({"validate", testing::modelPath("reused_relu_traced")});
        QCOMPARE(run.exitCode, 1);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY(out.startsWith("reused_module (1)\n"));
        QVERIFY(out.contains("fix: add `self.relu1_1 = copy.deepcopy(self.relu1)`"));
        QVERIFY(out.trimmed().endsWith("1 finding (reused_module 1)"));
    }

    void excludeAndAllowOptions()
    {
        Run run = torchprep({"validate", testing::modelPath("excluded_custom_traced"), "--json",
                             "--exclude", "custom", "--allow", "relu", "--allow=aten::add"});
        QCOMPARE(run.exitCode, 0);
        run = torchprep({"validate", testing::modelPath("excluded_custom_traced"), "--json",
                         "--exclude", "custom"});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(QJsonDocument::fromJson(run.out).object()["findings"].toArray().size(), 2);
    }

    void unusableInputs_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        auto bad = [](const char *name) { return testing::modelPath(name); };
        QTest::newRow("missing") << QStringList{"validate", "/no/such/model.pt"} << "no such file";
        QTest::newRow("directory") << QStringList{"validate", bad("bad_directory")} << "directory";
        QTest::newRow("empty") << QStringList{"validate", bad("bad_empty")} << "empty";
        QTest::newRow("text") << QStringList{"validate", bad("bad_text")} << "not a zip";
        QTest::newRow("truncated") << QStringList{"validate", bad("bad_truncated")} << "truncated";
        QTest::newRow("corrupt") << QStringList{"validate", bad("bad_corrupt")} << "corrupt";
        QTest::newRow("debug info")
            << QStringList{"validate", bad("bad_debug_info")} << "its debug information";
        QTest::newRow("state_dict")
            << QStringList{"validate", bad("bad_state_dict")} << "state_dict";
        QTest::newRow("legacy_pickle")
            << QStringList{"validate", bad("bad_legacy_pickle")} << "legacy";
        QTest::newRow("no_model") << QStringList{"validate"} << "one or more model files";
        QTest::newRow("unknown_option")
            << QStringList{"validate", bad("clean_traced"), "--frobnicate"} << "unknown option";
        QTest::newRow("unknown_exclude")
            << QStringList{"validate", bad("clean_traced"), "--exclude", "nope"} << "no module";
        QTest::newRow("unknown_command") << QStringList{"frobnicate"} << "unknown command";
    }

    void unusableInputs()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const Run run = torchprep(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        const QString err = QString::fromUtf8(run.err);
        QCOMPARE(err.count('\n'), 1); // exactly one line
        QVERIFY2(err.startsWith("torchprep: "), qPrintable(err));
        QVERIFY2(err.contains(says), qPrintable(err));
        QVERIFY(!err.contains("terminate called"));
        QVERIFY(!err.contains("Exception raised from"));
    }
};

QTEST_GUILESS_MAIN(TestCliValidate)
#include "tst_cli_validate.moc"
