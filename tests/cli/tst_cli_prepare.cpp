// `torchprep prepare` as a user runs it: the prepared file validates clean, Python's
// torch.jit.load runs it with the same outputs, the new modules have AIMET's names and
// torch.nn classes, a failed proof writes nothing, and bad arguments get one line and exit 2.
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

// Python's view of a prepared file: max |diff| against the original and module_* classes;
// with `emitted` (a file --emit-python wrote), also that file's model: its max |diff| against
// the prepared file and every module's Python class.
QJsonObject pythonCheck(const QString &original, const QString &prepared, const QString &shape,
                        const QString &emitted = QString())
{
    QStringList args{qEnvironmentVariable("TORCHPREP_SOURCE_DIR") +
                         "/tests/models/check_prepared.py",
                     original, prepared, shape};
    if (!emitted.isEmpty())
        args << "--emitted" << emitted;
    const Run run = execute(qEnvironmentVariable("TORCHPREP_PYTHON"), args);
    if (run.exitCode != 0)
        qWarning().noquote() << run.err;
    return QJsonDocument::fromJson(run.out).object();
}

using ModuleClasses = QMap<QString, QString>;

} // namespace

Q_DECLARE_METATYPE(ModuleClasses)

class TestCliPrepare : public QObject
{
    Q_OBJECT

    QTemporaryDir out_;

    QString outPath(const QString &name) const { return out_.filePath(name + ".pt"); }

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(testing::modelPath("clean_traced")),
                 "run through ctest: the models come from the generate_test_models fixture");
        QVERIFY(out_.isValid());
    }

    void preparesAndPythonAgrees_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<ModuleClasses>("modules");
        QTest::addColumn<int>("remaining");
        const QString image = "1,3,16,16";
        for (const QString variant : {"traced", "scripted"}) {
            auto row = [&](const char *name, const QString &shape, ModuleClasses m,
                           QStringList extra = {}, int remaining = 0, const char *tag = "") {
                QTest::newRow(qPrintable(QString(name) + "_" + variant + tag))
                    << QString(name) + "_" + variant << shape << extra << m << remaining;
            };
            row("clean", image, {});
            row("reused_relu", image, {{"module_relu1_1", "ReLU"}});
            row("three_relus", image,
                {{"module_relu", "ReLU"}, {"module_relu_1", "ReLU"}, {"module_relu_2", "ReLU"}});
            // F.linear on parameters becomes a real Linear holding the weights.
            row("functional_linear", "2,8", {{"module_relu", "ReLU"}, {"module_linear", "Linear"}});
            row("elementwise_add", image, {{"module_add", "Add"}});
            row("square_and_product", image,
                {{"module_mul", "Multiply"}, {"module_mul_1", "Multiply"}});
            row("excluded_custom", image,
                {{"module_relu", "ReLU"},
                 {"custom.module_softplus", "Softplus"},
                 {"custom.module_sigmoid", "Sigmoid"},
                 {"custom.module_mul", "Multiply"},
                 {"module_add", "Add"}});
            row("excluded_custom", image, {{"module_relu", "ReLU"}, {"module_add", "Add"}},
                {"--exclude", "custom"}, 0, "_exclude");
            row("excluded_custom", image, {{"module_relu", "ReLU"}, {"module_add", "Add"}},
                {"--exclude-class", "CustomAct"}, 0, "_exclude_class");
            // The constructor stays: it is no functional a module can stand in for.
            row("arange_shape", image, {{"module_add", "Add"}}, {}, 1);

            // AIMET's own preparer test shapes. Equal outputs on random inputs prove the
            // arguments were kept (F.elu's alpha=0.2, F.hardshrink's lambd=0.2, cat's dims).
            const bool traced = variant == "traced";
            row("aimet_relu6_alternating", image,
                {{"module_relu6", "ReLU6"},
                 {"module_relu", "ReLU"},
                 {"module_relu6_1", "ReLU6"},
                 {"module_relu_1", "ReLU"}});
            row("aimet_elu_alpha", image, {{"module_elu", "ELU"}});
            row("aimet_hardshrink_lambd", image, {{"module_hardshrink", "Hardshrink"}});
            row("aimet_inplace_residual", image, {{"module_add", "Add"}});
            ModuleClasses convs;
            for (const char *c : {"module_conv2d", "module_conv2d_1", "module_conv2d_2",
                                  "module_conv2d_3", "module_conv2d_4"})
                convs[c] = "Conv2d";
            row("aimet_conv2d_forms", image, convs);
            row("aimet_cat_forms", image,
                {{"module_cat", "Concat"}, {"module_cat_1", "Concat"}, {"module_cat_2", "Concat"}});
            row("aimet_two_conv_arithmetic", image,
                {{"module_sub", "Subtract"},
                 {"module_mul", "Multiply"},
                 {"module_truediv", "Divide"}, // `a / b`: fx's operator.truediv
                 {"module_matmul", "MatMul"}});
            ModuleClasses means{{"module_mean", "Mean"}};
            for (int i = 1; i < 7; ++i)
                means[QString("module_mean_%1").arg(i)] = "Mean";
            row("aimet_mean_forms", image, means);
            row("aimet_add_scalar", image, {{"module_add", "Add"}});
            // Named after the function the user called, traced (upsample_nearest2d) or not.
            row("aimet_interpolate", image,
                {{"module_interpolate", "Interpolate"}, {"module_interpolate_1", "Interpolate"}});
            row("aimet_conv_twice", image, {{"module_conv_1", "Conv2d"}});
            // TorchScript compiles `7.1 - x` to rsub when tracing (fx's operator.sub), to neg +
            // add when scripting.
            row("aimet_constants_first", image,
                traced ? ModuleClasses{{"module_mul", "Multiply"},
                                       {"module_add", "Add"},
                                       {"module_sub", "Subtract"}}
                       : ModuleClasses{{"module_mul", "Multiply"},
                                       {"module_add", "Add"},
                                       {"module_neg", "Neg"},
                                       {"module_add_1", "Add"}});
            // fx records F.max_pool2d(return_indices=True) as max_pool2d_with_indices.
            row("aimet_max_pool_indices", image, {{"module_max_pool2d_with_indices", "MaxPool2d"}});
            row("aimet_matmul_forms", "2,4,4",
                {{"module_baddbmm", "Baddbmm"},
                 {"module_addmm", "Addmm"},
                 {"module_bmm", "Bmm"},
                 {"module_bmm_1", "Bmm"}});
            row("aimet_cumsum_dtype", image, {{"module_cumsum", "CumSum"}});
            row("aimet_dynamic_linear", "4,8",
                {{"module_relu", "ReLU"}, {"module_linear", "DynamicLinear"}});
            // Copies of a reused module and a functional of the same name share one counter.
            row("aimet_reuse_then_functional", image,
                {{"module_relu_1", "ReLU"}, {"module_relu_2", "ReLU"}, {"module_relu_3", "ReLU"}});
            row("aimet_static_control_flow", image, {{"module_relu", "ReLU"}});
            // A childless one-op module is a layer to AIMET: nothing to convert, excluded or not.
            row("aimet_square_leaf", image, {});
            row("aimet_square_leaf", image, {}, {"--exclude-class", "Square"}, 0, "_excluded");
            row("aimet_dynamic_conv", image,
                {{"module_sigmoid", "Sigmoid"}, {"module_conv2d", "DynamicConv2d"}});

            // The preparer's promises: real layers holding the parameters (qkv is called, not
            // copied), one module per op per call of a helper or a function.
            row("layers_from_parameters", "1,3,8,8",
                {{"module_conv2d", "Conv2d"}, {"module_conv2d_1", "Conv2d"}});
            row("conv3d_subclass", "1,3,8,8",
                {{"conv.module_pad", "Pad"}, {"conv.module_conv3d", "Conv3d"}});
            row("helper_twice", image,
                {{"module_add", "Add"}, {"module_add_1", "Add"}, {"module_conv_1", "Conv2d"}});
            row("function_twice", "2,4,8",
                {{"module_matmul", "MatMul"},
                 {"module_softmax", "Softmax"},
                 {"module_matmul_1", "MatMul"},
                 {"module_matmul_2", "MatMul"},
                 {"module_softmax_1", "Softmax"},
                 {"module_matmul_3", "MatMul"}});
            // A loop of a fixed count (a constant, an attribute) is unrolled as a trace
            // records it: a copy of the layer and an add per iteration; a count known only
            // at run time stays the user's to fix.
            row("fixed_loop", "1,4,8,8",
                {{"module_step_1", "Conv2d"},
                 {"module_step_2", "Conv2d"},
                 {"module_add", "Add"},
                 {"module_add_1", "Add"},
                 {"module_add_2", "Add"}});
            row("attr_loop", "1,4,8,8",
                {{"module_step_1", "Conv2d"},
                 {"module_mul", "Multiply"},
                 {"module_add", "Add"},
                 {"module_mul_1", "Multiply"},
                 {"module_add_1", "Add"}});
        }
        // AIMET's names: one counter per name across the model (module_add ... module_add_7).
        ModuleClasses resnet;
        int add = 0;
        for (const char *block : {"layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0",
                                  "layer3.1", "layer4.0", "layer4.1"}) {
            resnet[QString(block) + ".module_relu_1"] = "ReLU";
            resnet[QString(block) + (add ? QString(".module_add_%1").arg(add) : ".module_add")] =
                "Add";
            ++add;
        }
        QTest::newRow("resnet18_traced")
            << "resnet18_traced" << "1,3,64,64" << QStringList() << resnet << 0;
        QTest::newRow("resnet18_scripted")
            << "resnet18_scripted" << "1,3,64,64" << QStringList() << resnet << 0;
        ModuleClasses shufflenet{{"module_mean", "Mean"}};
        const int blocks[] = {4, 8, 4};
        int cat = 0;
        for (int s = 0; s < 3; ++s)
            for (int b = 0; b < blocks[s]; ++b, ++cat)
                shufflenet[QString("stage%1.%2.module_cat").arg(s + 2).arg(b) +
                           (cat ? QString("_%1").arg(cat) : QString())] = "Concat";
        QTest::newRow("shufflenet")
            << "shufflenet_v2_x0_5_traced" << "1,3,64,64" << QStringList() << shufflenet << 0;
        // nn.MultiheadAttention, traced: q, k and v as nn.Linear, its matmuls and softmax as
        // modules (torch 2: its scaled_dot_product_attention as one).
        ModuleClasses vit{{"module_cat", "Concat"},
                          {"encoder.module_add", "Add"},
                          {"encoder.layers.encoder_layer_0.module_add_1", "Add"},
                          {"encoder.layers.encoder_layer_0.module_add_2", "Add"},
                          {"encoder.layers.encoder_layer_1.module_add_3", "Add"},
                          {"encoder.layers.encoder_layer_1.module_add_4", "Add"}};
        for (const QString layer : {"encoder.layers.encoder_layer_0.self_attention.",
                                    "encoder.layers.encoder_layer_1.self_attention."}) {
            for (const QString projection : {"linear_Q", "linear_K", "linear_V"})
                vit[layer + projection] = "Linear";
            if (testing::modelsAttentionIsOneOp()) {
                vit[layer + "module_scaled_dot_product_attention"] = "ScaledDotProductAttention";
                continue;
            }
            vit[layer + "module_div"] = "Divide";
            vit[layer + "module_bmm"] = "Bmm";
            vit[layer + "module_softmax"] = "Softmax";
            vit[layer + "module_bmm_1"] = "Bmm";
        }
        QTest::newRow("vit") << "vit_tiny_traced" << "1,3,32,32" << QStringList() << vit << 0;
    }

    void preparesAndPythonAgrees()
    {
        QFETCH(QString, model);
        QFETCH(QString, shape);
        QFETCH(QStringList, extra);
        QFETCH(ModuleClasses, modules);
        QFETCH(int, remaining);
        const QString input = testing::modelPath(model);
        const QString output = outPath(QString(QTest::currentDataTag()));
        const QString pythonDir = out_.filePath("py_" + QString(QTest::currentDataTag()));
        const Run run = torchprep(QStringList{"prepare", input, "-o", output, "--input-shape",
                                              shape, "--json", "--emit-python", pythonDir} +
                                  extra);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report["input"].toString(), input);
        QCOMPARE(report["output"].toString(), output);
        const QJsonObject proof = report["equivalence"].toObject();
        QVERIFY(proof["passed"].toBool());
        QCOMPARE(proof["max_abs_diff"].toDouble(-1), 0.0);
        QCOMPARE(proof["cosine"].toDouble(), 1.0);
        QCOMPARE(report["remaining_findings"].toArray().size(), remaining);

        // Every change names a new module that exists (or the layer a functional now calls),
        // with the user's line where known.
        QSet<QString> changed;
        for (const QJsonValue &pass : report["passes"].toArray())
            for (const QJsonValue &c : pass["changes"].toArray()) {
                const QString module = c["module"].toString();
                if (testing::isAddedModuleName(module.section('.', -1)))
                    changed.insert(module);
                QVERIFY(QStringList({"linear_to_layer", "functional_to_module", "unroll_reuse"})
                            .contains(c["kind"].toString()));
            }
        QCOMPARE(changed, QSet<QString>(modules.keyBegin(), modules.keyEnd()));

        // Python loads the file, computes the same outputs and sees the new modules' classes.
        const QJsonObject files = report["python"].toObject();
        QCOMPARE(files["source"].toString(),
                 pythonDir + "/" + QString(QTest::currentDataTag()) + ".py");
        const QJsonObject python = pythonCheck(input, output, shape, files["source"].toString());
        QCOMPARE(python["max_abs_diff"].toDouble(-1), 0.0);
        // Every module the preparer added computes one op and takes no parameter in.
        QCOMPARE(python["several_ops"].toArray(), QJsonArray());
        QCOMPARE(python["parameter_inputs"].toArray(), QJsonArray());
        ModuleClasses seen;
        const QJsonObject found = python["modules"].toObject();
        for (auto it = found.begin(); it != found.end(); ++it)
            seen[it.key()] = it.value().toString();
        QCOMPARE(seen, modules);

        // The emitted Python computes what the prepared file computes, with the same modules:
        // torch.nn twins as torch.nn classes, wrappers as classes of the same name.
        const QJsonObject emitted = python["emitted"].toObject();
        QVERIFY2(emitted["max_abs_diff"].toDouble(-1) >= 0 &&
                     emitted["max_abs_diff"].toDouble() <= 1e-6,
                 qPrintable(QString::number(emitted["max_abs_diff"].toDouble(-1))));
        QVERIFY(!emitted["is_script"].toBool(true));
        // Forward hooks (AIMET's reuse check) see no module called twice once nothing remains.
        if (remaining == 0)
            QCOMPARE(emitted["called_twice"].toArray(), QJsonArray());
        const QJsonObject classes = emitted["classes"].toObject();
        for (auto it = modules.begin(); it != modules.end(); ++it) {
            QString cls = classes[it.key()].toString();
            cls.remove(QRegularExpression("^nn\\."));
            QVERIFY2(cls == it.value() || cls.startsWith(it.value() + "_"),
                     qPrintable(it.key() + ": " + classes[it.key()].toString()));
        }

        // The CLI's own validator agrees the result is clean (constructors aside), with the
        // same exclusions: a module of an excluded class is no finding there either.
        QStringList validate{"validate", output};
        for (int i = 0; i + 1 < extra.size(); i += 2)
            if (extra[i] == "--exclude" || extra[i] == "--exclude-class")
                validate << extra[i] << extra[i + 1];
        if (remaining == 0)
            QCOMPARE(torchprep(validate).exitCode, 0);
    }

    // The arguments the functional was called with are the new module's attributes, as the
    // torch.nn class (or AIMET's) keeps them.
    void attributesAsAimetKeepsThem_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<QString>("value");
        const QString image = "1,3,16,16";
        for (const QString variant : {"_traced", "_scripted"}) {
            auto row = [&](const char *model, const QString &shape, const char *attribute,
                           const char *value) {
                QTest::newRow(qPrintable(QString(model) + variant + " " + attribute))
                    << QString(model) + variant << shape << QString(attribute) << QString(value);
            };
            row("aimet_elu_alpha", image, "module_elu.alpha", "0.2");
            row("aimet_hardshrink_lambd", image, "module_hardshrink.lambd", "0.2");
            row("aimet_conv2d_forms", image, "module_conv2d_4.groups", "3");
            row("aimet_conv2d_forms", image, "module_conv2d_4.in_channels", "3");
            row("aimet_conv2d_forms", image, "module_conv2d_3.dilation", "[2, 2]");
            row("aimet_cat_forms", image, "module_cat_2.dim", "2");
            row("aimet_dynamic_conv", image, "module_conv2d.groups", "3");
            row("aimet_dynamic_conv", image, "module_conv2d.stride", "[2, 2]");
            // Read from the model's attributes (self.stride, self.groups) when scripted.
            row("layers_from_parameters", "1,3,8,8", "module_conv2d_1.groups", "6");
            row("layers_from_parameters", "1,3,8,8", "module_conv2d_1.in_channels", "6");
            row("layers_from_parameters", "1,3,8,8", "module_conv2d_1.stride", "[2, 2]");
            row("layers_from_parameters", "1,3,8,8", "module_conv2d.out_channels", "6");
            row("conv3d_subclass", "1,3,8,8", "conv.module_conv3d.kernel_size", "[3, 3, 3]");
        }
    }

    void attributesAsAimetKeepsThem()
    {
        QFETCH(QString, model);
        QFETCH(QString, shape);
        QFETCH(QString, attribute);
        QFETCH(QString, value);
        const QString output = outPath("attr_" + model);
        if (!QFileInfo::exists(output))
            QCOMPARE(torchprep({"prepare", testing::modelPath(model), "-o", output, "--input-shape",
                                shape})
                         .exitCode,
                     0);
        const Run read = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                                 {"-c",
                                  "import sys, torch\nv = torch.jit.load(sys.argv[1])\n"
                                  "for part in sys.argv[2].split('.'):\n    v = getattr(v, part)\n"
                                  "print(repr(v))",
                                  output, attribute});
        QCOMPARE(QString::fromUtf8(read.out.trimmed()), value);
    }

    // F.linear on a child layer's own weights calls that layer; the weights stay where they
    // were, and no module of the model takes them as an input.
    void functionalsOnALayersWeightsCallIt_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QStringList>("called");
        for (const QString variant : {"_traced", "_scripted"}) {
            QTest::newRow(qPrintable("layers_from_parameters" + variant))
                << "layers_from_parameters" + variant << "1,3,8,8" << QStringList{"qkv"};
            QTest::newRow(qPrintable("function_twice" + variant))
                << "function_twice" + variant << "2,4,8" << QStringList{"qkv", "proj"};
        }
    }

    void functionalsOnALayersWeightsCallIt()
    {
        QFETCH(QString, model);
        QFETCH(QString, shape);
        QFETCH(QStringList, called);
        const QString output = outPath("calls_" + model);
        const Run run = torchprep(
            {"prepare", testing::modelPath(model), "-o", output, "--input-shape", shape, "--json"});
        QCOMPARE(run.exitCode, 0);
        QStringList layers;
        for (const QJsonValue &pass : QJsonDocument::fromJson(run.out).object()["passes"].toArray())
            for (const QJsonValue &c : pass["changes"].toArray())
                if (c["kind"].toString() == "linear_to_layer" &&
                    !c["module"].toString().contains("module_"))
                    layers << c["module"].toString();
        QCOMPARE(layers, called);
        // The layers made from the owner's parameters hold them; qkv and proj keep their own.
        const Run keys = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                                 {"-c",
                                  "import sys, torch\nm = torch.jit.load(sys.argv[1])\n"
                                  "print(sorted(k for k in m.state_dict() if 'module_' in k))",
                                  output});
        QCOMPARE(keys.out.trimmed(),
                 QByteArray(model.startsWith("function")
                                ? "[]"
                                : "['module_conv2d.bias', 'module_conv2d.weight', "
                                  "'module_conv2d_1.bias', 'module_conv2d_1.weight']"));
    }

    // Control flow, lists, helper functions and tensor constants become plain Python;
    // torch.nn layers are built by their own constructors, so AIMET recognises them.
    void emittedPythonRunsTheSameModel_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<ModuleClasses>("classes");
        QTest::newRow("control flow")
            << "control_flow_scripted" << "1,3,16,16"
            << ModuleClasses{{"conv", "nn.Conv2d"}, {"module_relu", "nn.ReLU"}};
        QTest::newRow("tensor constant")
            << "tensor_constant_traced" << "1,3,16,16" << ModuleClasses{{"module_mul", "Multiply"}};
        QTest::newRow("resnet18") << "resnet18_traced" << "1,3,64,64"
                                  << ModuleClasses{{"conv1", "nn.Conv2d"},
                                                   {"bn1", "nn.BatchNorm2d"},
                                                   {"layer1.0.module_relu_1", "nn.ReLU"},
                                                   {"layer1.0.module_add", "Add"},
                                                   {"layer2.0.downsample.0", "nn.Conv2d"},
                                                   {"fc", "nn.Linear"}};
        QTest::newRow("vit") << "vit_tiny_traced" << "1,3,32,32"
                             << ModuleClasses{
                                    {"conv_proj", "nn.Conv2d"},
                                    {"encoder.layers.encoder_layer_0.ln_1", "nn.LayerNorm"},
                                    {"encoder.layers.encoder_layer_0.mlp.1", "nn.GELU"}};
    }

    void emittedPythonRunsTheSameModel()
    {
        QFETCH(QString, model);
        QFETCH(QString, shape);
        QFETCH(ModuleClasses, classes);
        const QString output = outPath("emit_" + model);
        const QString dir = out_.filePath("emit_" + model);
        const Run run = torchprep({"prepare", testing::modelPath(model), "-o", output,
                                   "--input-shape", shape, "--emit-python", dir});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("load_model()"));
        QVERIFY(QFileInfo::exists(dir + "/emit_" + model + "_state_dict.pt"));
        const QJsonObject emitted = pythonCheck(testing::modelPath(model), output, shape,
                                                dir + "/emit_" + model + ".py")["emitted"]
                                        .toObject();
        QCOMPARE(emitted["max_abs_diff"].toDouble(-1), 0.0);
        QVERIFY(!emitted["training"].toBool(true));
        const QJsonObject found = emitted["classes"].toObject();
        for (auto it = classes.begin(); it != classes.end(); ++it)
            QCOMPARE(found[it.key()].toString(), it.value());
    }

    void changesSayWhereInTheUsersCode()
    {
        const Run run = torchprep({"prepare", testing::modelPath("resnet18_traced"), "-o",
                                   outPath("r18_sources"), "--input-shape", "1,3,64,64", "--json"});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray passes = QJsonDocument::fromJson(run.out).object()["passes"].toArray();
        QCOMPARE(passes.size(), 3);
        QCOMPARE(passes[0]["name"].toString(), QString("linear_to_layer"));
        QCOMPARE(passes[0]["changes"].toArray().size(), 0);
        QCOMPARE(passes[1]["name"].toString(), QString("functional_to_module"));
        const QJsonObject add = passes[1]["changes"].toArray()[0].toObject();
        QCOMPARE(add["module"].toString(), QString("layer1.0.module_add"));
        QCOMPARE(add["op"].toString(), QString("aten::add_"));
        QVERIFY(testing::sourceLine(add["source"].toString().section(':', 0, 0),
                                    add["source"].toString().section(':', 1).toInt())
                    .contains("out += identity"));
        QCOMPARE(passes[2]["name"].toString(), QString("unroll_reuse"));
        const QJsonObject relu = passes[2]["changes"].toArray()[0].toObject();
        QCOMPARE(relu["kind"].toString(), QString("unroll_reuse"));
        QCOMPARE(relu["module"].toString(), QString("layer1.0.module_relu_1"));
        QVERIFY(testing::sourceLine(relu["source"].toString().section(':', 0, 0),
                                    relu["source"].toString().section(':', 1).toInt())
                    .contains("out = self.relu(out)"));
    }

    void onlySelectsPasses()
    {
        const Run run = torchprep({"prepare", testing::modelPath("resnet18_scripted"), "-o",
                                   outPath("r18_only"), "--input-shape", "1,3,64,64", "--only",
                                   "unroll_reuse", "--json"});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(report["passes"].toArray().size(), 1);
        QCOMPARE(report["remaining_findings"].toArray().size(), 8); // the adds remain
    }

    // The weights move into the new layer: the owner no longer holds them.
    void linearWeightsMoveIntoTheLayer()
    {
        const QString output = outPath("linear_weights");
        QCOMPARE(torchprep({"prepare", testing::modelPath("functional_linear_traced"), "-o", output,
                            "--input-shape", "2,8"})
                     .exitCode,
                 0);
        const Run keys = execute(qEnvironmentVariable("TORCHPREP_PYTHON"),
                                 {"-c",
                                  "import sys, torch; m = torch.jit.load(sys.argv[1]); "
                                  "print(sorted(m.state_dict()), m.module_linear.in_features, "
                                  "m.module_linear.out_features)",
                                  output});
        QCOMPARE(keys.out.trimmed(),
                 QByteArray("['module_linear.bias', 'module_linear.weight'] 8 4"));
    }

    // Fresh noise on every call: seeded the same way before each model's run, both draw the same.
    void randomModelsAreProven()
    {
        const QString output = outPath("random");
        const Run run = torchprep({"prepare", testing::modelPath("random_output_traced"), "-o",
                                   output, "--input-shape", "1,3,16,16", "--json"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(QFileInfo::exists(output));
    }

    void failedProofWritesNothing()
    {
        const QString output = outPath("broken");
        const Run run = torchprep({"prepare", testing::modelPath("elementwise_add_traced"), "-o",
                                   output, "--input-shape", "1,3,16,16", "--json"},
                                  {{"TORCHPREP_TEST_BREAK_PASS=functional_to_module"}});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY(!report["equivalence"].toObject()["passed"].toBool(true));
        QVERIFY(report["output"].isNull());
        QVERIFY(!QFileInfo::exists(output));
        QCOMPARE(QDir(out_.path()).entryList({".*torchprep*"}, QDir::Hidden | QDir::Files).size(),
                 0);
    }

    void unusableArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QString m = testing::modelPath("reused_relu_traced");
        const QString o = QDir::temp().filePath("torchprep-never-written.pt");
        QTest::newRow("no shape") << QStringList{"prepare", m, "-o", o}
                                  << "--input-shape is required";
        QTest::newRow("no output")
            << QStringList{"prepare", m, "--input-shape", "1,3,16,16"} << "-o OUT.pt";
        QTest::newRow("over input")
            << QStringList{"prepare", m, "-o", m, "--input-shape", "1,3,16,16"}
            << "is the input model";
        QTest::newRow("bad shape")
            << QStringList{"prepare", m, "-o", o, "--input-shape", "1,x"} << "positive integers";
        QTest::newRow("bad tolerance")
            << QStringList{"prepare",       m,           "-o",          o,
                           "--input-shape", "1,3,16,16", "--tolerance", "abc"}
            << "--tolerance";
        QTest::newRow("bad pass") << QStringList{"prepare",       m,           "-o",     o,
                                                 "--input-shape", "1,3,16,16", "--only", "magic"}
                                  << "no such pass";
        QTest::newRow("bad class")
            << QStringList{"prepare",         m,     "-o", o, "--input-shape", "1,3,16,16",
                           "--exclude-class", "Nope"}
            << "no module of the model";
        QTest::newRow("rejected shape")
            << QStringList{"prepare", m, "-o", o, "--input-shape", "1,5,16,16"}
            << "rejects the inputs";
        QTest::newRow("missing folder")
            << QStringList{"prepare",       m,          "-o", "/no/such/folder/out.pt",
                           "--input-shape", "1,3,16,16"}
            << "does not exist";
        QTest::newRow("python into a file")
            << QStringList{"prepare", m, "-o", o, "--input-shape", "1,3,16,16", "--emit-python", m}
            << "--emit-python";
        QTest::newRow("bad model") << QStringList{"prepare",
                                                  testing::modelPath("bad_state_dict"),
                                                  "-o",
                                                  o,
                                                  "--input-shape",
                                                  "1,3,16,16"}
                                   << "state_dict";
    }

    void unusableArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const Run run = torchprep(args);
        QCOMPARE(run.exitCode, 2);
        const QString err = QString::fromUtf8(run.err);
        QCOMPARE(err.count('\n'), 1);
        QVERIFY2(err.contains(says), qPrintable(err));
        QVERIFY(!QFileInfo::exists(QDir::temp().filePath("torchprep-never-written.pt")));
    }
};

QTEST_GUILESS_MAIN(TestCliPrepare)
#include "tst_cli_prepare.moc"
