// `torchprep prepare` on real models at small sizes and torch's composite layers (the oracle's
// models, made at test time): the preparer's promises hold on every one of them. Python's
// torch.jit.load runs the prepared file with the same outputs; every module it added computes
// one op and takes no parameter in; what it cannot make compliant stays a finding, never hidden.
#include "test_models.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using testing::execute;
using testing::Run;
using testing::torchprep;

QString oraclePath(const QString &name)
{
    return qEnvironmentVariable("TORCHPREP_ORACLE_MODELS") + "/" + name + ".pt";
}

QJsonObject pythonCheck(const QString &original, const QString &prepared, const QStringList &shapes)
{
    const Run run = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                            QStringList{qEnvironmentVariable("TORCHPREP_SOURCE_DIR") +
                                            "/tests/models/check_prepared.py",
                                        original, prepared} +
                                shapes);
    if (run.exitCode != 0)
        qWarning().noquote() << run.err;
    return QJsonDocument::fromJson(run.out).object();
}

// Modules (all of them, named_modules) and the bytes of the tensors they hold (parameters
// and buffers, each storage once), as Python sees the file.
QPair<int, qint64> modulesAndTensorBytes(const QString &path)
{
    const Run run = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                            {"-c",
                             "import sys, torch\n"
                             "m = torch.jit.load(sys.argv[1])\n"
                             "storages = {t.storage().data_ptr(): t.storage().nbytes() for t in "
                             "m.state_dict().values()}\n"
                             "print(len(list(m.modules())), sum(storages.values()))",
                             path});
    const QList<QByteArray> fields = run.out.trimmed().split(' ');
    return {fields.value(0).toInt(), fields.value(1).toLongLong()};
}

} // namespace

class TestCliPrepareReal : public QObject
{
    Q_OBJECT

    QTemporaryDir out_;

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(oraclePath("tv_mnasnet0_5_scripted")),
                 "run through ctest: the models come from the generate_oracle_models fixture");
        QVERIFY(out_.isValid());
    }

    void promisesHold_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QStringList>("shapes");
        const QStringList image{"1,3,64,64"};
        for (const QString form : {"_traced", "_scripted"}) {
            for (const char *name :
                 {"tv_mnasnet0_5", "tv_shufflenet_v2", "tv_mobilenet_v2", "tv_densenet"})
                QTest::newRow(qPrintable(name + form)) << name + form << image;
            QTest::newRow(qPrintable("tv_swin" + form))
                << "tv_swin" + form << QStringList{"1,3,32,32"};
            QTest::newRow(qPrintable("helper_twice" + form))
                << "helper_twice" + form << QStringList{"1,3,16,16"};
            // torch's composite layers: their adds and activations get modules.
            QTest::newRow(qPrintable("encoder_layer" + form))
                << "encoder_layer" + form << QStringList{"5,2,8"};
            QTest::newRow(qPrintable("encoder_layer_gelu_norm_first" + form))
                << "encoder_layer_gelu_norm_first" + form << QStringList{"5,2,8"};
            QTest::newRow(qPrintable("encoder_layer_batch_first" + form))
                << "encoder_layer_batch_first" + form << QStringList{"2,5,8"};
            QTest::newRow(qPrintable("encoder_stack" + form))
                << "encoder_stack" + form << QStringList{"5,2,16"};
            QTest::newRow(qPrintable("decoder_layer" + form))
                << "decoder_layer" + form << QStringList{"5,2,16", "4,2,16"};
            QTest::newRow(qPrintable("transformer" + form))
                << "transformer" + form << QStringList{"5,2,16", "4,2,16"};
            QTest::newRow(qPrintable("attention" + form))
                << "attention" + form << QStringList{"5,2,16"};
            QTest::newRow(qPrintable("attention_masked" + form))
                << "attention_masked" + form << QStringList{"2,5,16", "2,7,8", "2,7,12", "5,7"};
            QTest::newRow(qPrintable("attention_cross" + form))
                << "attention_cross" + form << QStringList{"5,2,16", "4,2,16"};
        }
    }

    void promisesHold()
    {
        QFETCH(QString, model);
        QFETCH(QStringList, shapes);
        const QString input = oraclePath(model);
        if (!QFileInfo::exists(input))
            QSKIP("the oracle could not make this form");
        const QString output = out_.filePath(model + ".pt");
        QStringList args{"prepare", input, "-o", output, "--json"};
        for (const QString &shape : shapes)
            args << "--input-shape" << shape;
        const Run run = torchprep(args);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY(report["equivalence"].toObject()["passed"].toBool());
        // What remains is what no module can stand for (control flow the input's shape
        // decides, densenet's List[Tensor] inputs), or what the preparer says it leaves
        // (a scripted MultiheadAttention's own ops, as a manual fix; a traced one is prepared).
        // ...or an op the exporter already refused in the original (prepare adds no such op).
        QStringList refusedBefore;
        const QJsonObject original =
            QJsonDocument::fromJson(torchprep({"validate", input, "--json"}).out).object();
        for (const QJsonValue &f : original["findings"].toArray())
            if (f["check"].toString() == "onnx_exportable")
                refusedBefore << f["op"].toString();
        for (const QJsonValue &f : report["remaining_findings"].toArray()) {
            const bool onnx = f["check"].toString() == "onnx_exportable" &&
                              refusedBefore.contains(f["op"].toString());
            const bool shapeFlow = f["check"].toString() == "dynamic_control_flow" &&
                                   f["severity"].toString() == "warning";
            const bool io = f["check"].toString() == "non_tensor_io";
            const bool attention = model.endsWith("_scripted") &&
                                   f["check"].toString() == "missing_module" &&
                                   f["message"].toString().contains("(MultiheadAttention,") &&
                                   f["manual_fix"].toBool();
            QVERIFY2(shapeFlow || io || attention || onnx,
                     qPrintable(QJsonDocument(f.toObject()).toJson(QJsonDocument::Compact)));
        }
        const QJsonObject python = pythonCheck(input, output, shapes);
        QVERIFY(python["max_abs_diff"].toDouble(-1) >= 0);
        QVERIFY(python["max_abs_diff"].toDouble(-1) <= 1e-5);
        QCOMPARE(python["several_ops"].toArray(), QJsonArray());
        QCOMPARE(python["parameter_inputs"].toArray(), QJsonArray());
        // Each attention given linear_Q/K/V holds exactly the packed rows, and only there.
        const QJsonObject projections = python["projections"].toObject();
        for (auto it = projections.begin(); it != projections.end(); ++it) {
            QVERIFY2(it.value().toObject()["rows_match"].toBool(), qPrintable(it.key()));
            QCOMPARE(it.value().toObject()["packed_left"].toArray(), QJsonArray());
        }
        // Only modules for what ran: one module per change; the file grows by their code (and
        // that of the instances given types of their own, and of torch's attention functions
        // inlined into a scripted attention), never by copies of weights.
        int changes = 0, copies = 0;
        for (const QJsonValue &pass : report["passes"].toArray())
            for (const QJsonValue &c : pass["changes"].toArray()) {
                changes +=
                    testing::isAddedModuleName(c["module"].toString().section('.', -1)) ? 1 : 0;
                copies += c["kind"].toString() == "unroll_reuse" ? 1 : 0;
            }
        const auto before = modulesAndTensorBytes(input);
        const auto after = modulesAndTensorBytes(output);
        QCOMPARE(after.first - before.first, changes);
        // An unrolled copy of a reused module holds weights of its own, as AIMET's copies do;
        // nothing else adds any.
        QVERIFY2(
            before.second > 0 && after.second <= before.second * (1 + copies),
            qPrintable(QString("tensors: %1 -> %2 bytes").arg(before.second).arg(after.second)));
        QVERIFY2(QFileInfo(output).size() < QFileInfo(input).size() * 1.02 + 64 * 1024,
                 qPrintable(QString("file: %1 -> %2 bytes")
                                .arg(QFileInfo(input).size())
                                .arg(QFileInfo(output).size())));
    }

    // swin's shifted_window_attention is inlined: its linears call qkv and proj, each of its
    // ops gets its own module, and no module wraps the function.
    void swinIsPreparedOpByOp()
    {
        for (const QString form : {"traced", "scripted"}) {
            const QString input = oraclePath("tv_swin_" + form);
            const QString output = out_.filePath("swin_ops_" + form + ".pt");
            const Run run =
                torchprep({"prepare", input, "-o", output, "--input-shape", "1,3,32,32", "--json"});
            QCOMPARE(run.exitCode, 0);
            QStringList called;
            for (const QJsonValue &pass :
                 QJsonDocument::fromJson(run.out).object()["passes"].toArray())
                for (const QJsonValue &c : pass["changes"].toArray())
                    if (!c["module"].toString().section('.', -1).startsWith("module_"))
                        called << c["module"].toString();
            QCOMPARE(called, QStringList({"features.1.0.attn.qkv", "features.1.0.attn.proj",
                                          "features.3.0.attn.qkv", "features.3.0.attn.proj"}));
            QSet<QString> classes;
            const QJsonObject modules =
                pythonCheck(input, output, {"1,3,32,32"})["modules"].toObject();
            for (auto it = modules.begin(); it != modules.end(); ++it)
                classes.insert(it.value().toString());
            QCOMPARE(classes, (QSet<QString>{"Add", "Concat", "Dropout", "MatMul", "Multiply",
                                             "Pad", "Softmax", "StochasticDepth"}));
        }
    }

    // A MultiheadAttention becomes layers a quantizer sees, as AIMET's quantizable attention
    // has them: q, k and v as nn.Linear holding their rows of the packed weight, out_proj
    // called, the matmuls and softmax as modules; traced, and scripted (specialized to its one
    // call) with the same names. A scripted one called twice stays findings that say what to do.
    void attentionBecomesLayers()
    {
        for (const QString form : {"traced", "scripted"}) {
            const QString input = oraclePath("attention_cross_" + form);
            const QString output = out_.filePath("attention_layers_" + form + ".pt");
            const Run run = torchprep({"prepare", input, "-o", output, "--input-shape", "5,2,16",
                                       "--input-shape", "4,2,16", "--json"});
            QCOMPARE(run.exitCode, 0);
            const QJsonObject report = QJsonDocument::fromJson(run.out).object();
            for (const QJsonValue &f : report["remaining_findings"].toArray())
                QVERIFY2(f["check"].toString() != "missing_module",
                         qPrintable(f["message"].toString()));
            QStringList layers;
            for (const QJsonValue &pass : report["passes"].toArray())
                if (pass["name"].toString() == "linear_to_layer")
                    for (const QJsonValue &c : pass["changes"].toArray())
                        layers << c["module"].toString();
            QCOMPARE(layers, QStringList({"attn.linear_Q", "attn.linear_K", "attn.linear_V",
                                          "attn.out_proj"}));
            const QJsonObject python = pythonCheck(input, output, {"5,2,16", "4,2,16"});
            QVERIFY(python["max_abs_diff"].toDouble(-1) >= 0 &&
                    python["max_abs_diff"].toDouble() <= 1e-5);
            QVERIFY(python["projections"].toObject()["attn"].toObject()["rows_match"].toBool());
            QCOMPARE(python["projections"].toObject()["attn"].toObject()["packed_left"].toArray(),
                     QJsonArray());
            QMap<QString, QString> classes;
            const QJsonObject modules = python["modules"].toObject();
            for (auto it = modules.begin(); it != modules.end(); ++it)
                classes.insert(it.key(), it.value().toString());
            QCOMPARE(classes.value("attn.linear_Q"), QString("Linear"));
            QCOMPARE(classes.value("attn.linear_K"), QString("Linear"));
            QCOMPARE(classes.value("attn.linear_V"), QString("Linear"));
            QCOMPARE(classes.value("attn.module_softmax"), QString("Softmax"));
            QCOMPARE(classes.value("attn.module_bmm"), QString("Bmm"));
            QCOMPARE(classes.value("attn.module_bmm_1"), QString("Bmm"));
        }

        const Run twice = torchprep({"validate", oraclePath("attention_twice_scripted"), "--json"});
        int attention = 0;
        for (const QJsonValue &f :
             QJsonDocument::fromJson(twice.out).object()["findings"].toArray()) {
            if (f["check"].toString() != "missing_module" ||
                !f["message"].toString().contains("(MultiheadAttention,"))
                continue;
            ++attention;
            QVERIFY(f["manual_fix"].toBool());
            QVERIFY2(f["fix"].toString().contains("an nn.MultiheadAttention of its own"),
                     qPrintable(f["fix"].toString()));
        }
        QVERIFY(attention > 0);
    }

    // An attention called twice: each call's module has one set of projections holding the
    // packed rows, the copy its own.
    void reusedAttentionGetsItsOwnProjections()
    {
        const QString input = oraclePath("attention_twice_traced");
        const QString output = out_.filePath("attention_twice.pt");
        const Run run = torchprep({"prepare", input, "-o", output, "--input-shape", "5,2,16",
                                   "--input-shape", "4,2,16", "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QJsonDocument::fromJson(run.out).object()["remaining_findings"].toArray(),
                 QJsonArray());
        const QJsonObject python = pythonCheck(input, output, {"5,2,16", "4,2,16"});
        QVERIFY(python["max_abs_diff"].toDouble(-1) >= 0 &&
                python["max_abs_diff"].toDouble() <= 1e-5);
        const QJsonObject projections = python["projections"].toObject();
        QCOMPARE(projections.keys(), QStringList({"attn", "module_attn_1"}));
        for (const QString &path : projections.keys())
            QVERIFY2(projections[path].toObject()["rows_match"].toBool(), qPrintable(path));
        QStringList layers;
        for (const QString &module : python["modules"].toObject().keys())
            if (module.contains("linear_"))
                layers << module;
        QCOMPARE(layers.size(), 6);
    }

    // A scripted TransformerEncoderLayer keeps torch's fused inference kernel, which under
    // no_grad in eval mode runs instead of the layer's ops: the prepared file must run the
    // modules the preparer added, as Python's profiler sees it.
    void fusedFastPathIsGone()
    {
        const QString input = oraclePath("encoder_layer_batch_first_scripted");
        const QString output = out_.filePath("fast_path.pt");
        QCOMPARE(torchprep({"prepare", input, "-o", output, "--input-shape", "2,5,8"}).exitCode, 0);
        const QString script = "import sys, torch\n"
                               "x = torch.randn(2, 5, 8)\n"
                               "for path in sys.argv[1:]:\n"
                               "    m = torch.jit.load(path).eval()\n"
                               "    with torch.no_grad():\n"
                               "        for _ in range(3): m(x)\n"
                               "        with torch.autograd.profiler.profile() as p: m(x)\n"
                               "    names = {e.name for e in p.function_events}\n"
                               "    print(int('aten::_transformer_encoder_layer_fwd' in names), "
                               "int('aten::relu' in names))\n";
        const Run run =
            execute(qEnvironmentVariable("TORCHPREP_PYTHON"), {"-c", script, input, output});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].trimmed(), QByteArray("1 0")); // the original runs the fused kernel
        QCOMPARE(lines[1].trimmed(), QByteArray("0 1")); // the prepared file runs its modules
    }

    // A scripted TransformerEncoder given a padding mask runs nested tensors on that fast path
    // under no_grad and zeroes the padded positions; its layers' ops compute them. The proof
    // sees the difference: prepare writes nothing and says the set-up changed the outputs.
    void fastPathThatComputesOtherValuesIsRefused()
    {
        QString error;
        const QString input = testing::makePaddedEncoder(out_.path(), &error);
        QVERIFY2(!input.isEmpty(), qPrintable(error));
        const QString output = out_.filePath("encoder_padded_prepared.pt");
        const Run run = torchprep({"prepare", input, "-o", output, "--input-shape", "2,5,16"});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("broken by: the set-up, before any pass"), run.out.constData());
        QVERIFY(!QFileInfo::exists(output));
    }
};

QTEST_GUILESS_MAIN(TestCliPrepareReal)
#include "tst_cli_prepare_real.moc"
