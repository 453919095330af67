// Unit tests of the core's torch-free pieces: stack parsing, op catalogue, class names,
// signature types, JSON escaping, argument parsing.
#include "base/dtype_names.h"
#include "base/errors.h"
#include "base/json_writer.h"
#include "checks/non_tensor_io.h"
#include "commands/arguments.h"
#include "compare/layer_matching.h"
#include "graph/call_counts.h"
#include "graph/module_classes.h"
#include "graph/op_catalogue.h"
#include "libtorch/missing_aten_ops.h"
#include "torchscript/source_trace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace torchprep;

class TestCoreUnits : public QObject
{
    Q_OBJECT

  private slots:
    // One table names every dtype: torch's names, --dtype's aliases, complex only for printing.
    void dtypeNamesAreOneTable()
    {
        QCOMPARE(inputDtypeName("float"), std::string("float32"));
        QCOMPARE(inputDtypeName("long"), std::string("int64"));
        QCOMPARE(inputDtypeName("bfloat16"), std::string("bfloat16"));
        QVERIFY(isKnownDtype("uint8"));
        QVERIFY(!isKnownDtype("float99"));
        QVERIFY(!isKnownDtype("complex64")); // printed, never generated as an input
        QVERIFY(!isKnownDtype(""));
        QCOMPARE(
            inputDtypesText(),
            std::string(
                "float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8 or bool"));
        std::set<std::string> names;
        for (const DtypeName &d : dtypeNames()) {
            QVERIFY2(names.insert(d.name).second, d.name.c_str());
            QVERIFY(d.alias.empty() || names.insert(d.alias).second);
        }
    }

    void tracerStackFindsUserLineOfFunctional()
    {
        const auto frames = parseTracerStack(
            "/usr/lib/python3/dist-packages/torch/nn/functional.py(1457): relu\n"
            "/home/me/model.py(9): forward\n"
            "/usr/lib/python3/dist-packages/torch/nn/modules/module.py(1182): _slow_forward\n"
            "/usr/lib/python3/dist-packages/torch/nn/modules/module.py(1194): _call_impl\n"
            "/home/me/model.py(20): forward\n"
            "/usr/lib/python3/dist-packages/torch/nn/modules/module.py(1194): _call_impl\n"
            "/home/me/run.py(3): <module>\n"
            "Serialized   File \"code/__torch__.py\", line 14\n");
        QCOMPARE(frames.size(), std::size_t(7));
        QVERIFY(frames[0].torchInternal);
        QVERIFY(!frames[1].torchInternal);
        QCOMPARE(userFrame(frames, 0).str(), std::string("/home/me/model.py:9"));
        QCOMPARE(userFrame(frames, 1).str(), std::string("/home/me/model.py:20"));
        QCOMPARE(userFrame(frames, 2).str(), std::string("/home/me/run.py:3"));
        QVERIFY(!userFrame(frames, 3).known());
    }

    void tracerStackSkipsTorchOnlySegment()
    {
        // An op inside nn.ReLU: the first segment is all torch; the call site is one level out.
        const auto frames =
            parseTracerStack("/x/site-packages/torch/nn/functional.py(1457): relu\n"
                             "/x/site-packages/torch/nn/modules/activation.py(98): forward\n"
                             "/x/site-packages/torch/nn/modules/module.py(1194): _call_impl\n"
                             "/x/site-packages/torchvision/models/resnet.py(94): forward\n");
        QVERIFY(!userFrame(frames, 0).known());
        QCOMPARE(userFrame(frames, 1).str(),
                 std::string("/x/site-packages/torchvision/models/resnet.py:94"));
    }

    void tracedOpInsideATorchFunctionNamesTheCall()
    {
        // F.normalize's div runs in torch/_tensor.py inside functional.py's normalize.
        const auto frames =
            parseTracerStack("/x/dist-packages/torch/_tensor.py(40): wrapped\n"
                             "/x/dist-packages/torch/nn/functional.py(4637): normalize\n"
                             "/home/me/model.py(9): forward\n"
                             "/x/dist-packages/torch/nn/modules/module.py(1194): _call_impl\n");
        const TracedOrigin origin = tracedOrigin(frames);
        QCOMPARE(origin.code.str(), std::string("/home/me/model.py:9"));
        QVERIFY(!origin.torchCode);
        QCOMPARE(origin.function, std::string("torch.nn.functional.normalize"));
        QVERIFY(!origin.callKey.empty());
        QCOMPARE(pythonModuleOf("/x/dist-packages/torch/nn/functional.py"),
                 std::string("torch.nn.functional"));
        QCOMPARE(pythonModuleOf("/x/site-packages/torch/__init__.py"), std::string("torch"));
    }

    void tracedOpInsideACompositeLayerKeepsTorchsLine()
    {
        // MultiheadAttention's softmax: torch's layer code is code the walk looks into.
        const auto frames = parseTracerStack(
            "/x/dist-packages/torch/nn/functional.py(1841): softmax\n"
            "/x/dist-packages/torch/nn/functional.py(4819): _scaled_dot_product_attention\n"
            "/x/dist-packages/torch/nn/functional.py(5179): multi_head_attention_forward\n"
            "/x/dist-packages/torch/nn/modules/activation.py(1167): forward\n"
            "/x/dist-packages/torch/nn/modules/module.py(1194): _call_impl\n"
            "/home/me/model.py(20): forward\n");
        const TracedOrigin origin = tracedOrigin(frames);
        QVERIFY(origin.torchCode);
        QCOMPARE(origin.function, std::string("torch.nn.functional.softmax"));
        QCOMPARE(origin.torchLayerLine.str(),
                 std::string("/x/dist-packages/torch/nn/modules/activation.py:1167"));
        QVERIFY(isTorchSourceFile("<string>"));
        QVERIFY(!isTorchSourceFile("/x/dist-packages/torchvision/models/resnet.py"));
        QVERIFY(isCompositeTorchFunction("torch.nn.functional.multi_head_attention_forward"));
        QVERIFY(!isCompositeTorchFunction("torch.nn.functional.interpolate"));
    }

    // Runs of calls: a loop multiplies, one branch of an `if` runs, forwardN is forward.
    void callCountsFollowLoopsAndBranches()
    {
        ModelGraph graph;
        auto add = [&](const std::string &op, NodeId control, int block, int trips = -1) {
            GraphNode node;
            node.id = static_cast<NodeId>(graph.nodes.size());
            node.op = op;
            node.parentControl = control;
            node.blockIndex = block;
            node.tripCount = trips;
            graph.nodes.push_back(node);
            return node.id;
        };
        const NodeId loop = add("prim::Loop", kNoId, -1, 3);
        const NodeId inLoop = add("forward", loop, 0);
        const NodeId branch = add("prim::If", kNoId, -1);
        const NodeId then = add("forward", branch, 0);
        const NodeId otherwise = add("forward", branch, 1);
        const NodeId open = add("prim::Loop", kNoId, -1, -1);
        const NodeId inOpenLoop = add("forward", open, 0);
        QCOMPARE(countRuns(graph, {inLoop}).times, 3LL);
        QCOMPARE(countRuns(graph, {then, otherwise}).times, 1LL);
        QVERIFY(!countRuns(graph, {then, otherwise}).repeated());
        QCOMPARE(countRuns(graph, {inLoop, then}).times, 4LL);
        QVERIFY(countRuns(graph, {inOpenLoop}).inUnboundedLoop);
        QCOMPARE(enclosingLoops(graph, inLoop), std::vector<NodeId>{loop});
        QCOMPARE(methodFamily("forward12"), std::string("forward"));
        QCOMPARE(methodFamily("index_pyramid"), std::string("index_pyramid"));
    }

    void nonStackTextGivesNoFrames()
    {
        QVERIFY(parseTracerStack("def forward(self, x):\n    return x\n").empty());
        QVERIFY(parseTracerStack("").empty());
    }

    void baseOpNamesFoldInPlaceAndDunder()
    {
        QCOMPARE(baseOpName("aten::add_"), std::string("add"));
        QCOMPARE(baseOpName("aten::__and__"), std::string("and"));
        QCOMPARE(baseOpName("prim::NumToTensor"), std::string("NumToTensor"));
        QCOMPARE(baseOpName("relu"), std::string("relu"));
        QCOMPARE(baseOpName("torch.nn.functional.interpolate"), std::string("interpolate"));
    }

    void catalogueExemptsShapeOpsButNotArithmetic()
    {
        for (const char *op :
             {"aten::size", "aten::view", "aten::flatten", "aten::transpose", "aten::contiguous",
              "aten::Int", "prim::NumToTensor", "prim::ListConstruct", "aten::chunk", "aten::to"})
            QVERIFY2(isExemptOp(op), op);
        for (const char *op :
             {"aten::add", "aten::add_", "aten::sub", "aten::mul", "aten::div", "aten::relu",
              "aten::cat", "aten::linear", "aten::mean", "aten::matmul"})
            QVERIFY2(!isExemptOp(op), op);
        QVERIFY(isTensorConstructor("aten::arange"));
        QVERIFY(!isTensorConstructor("aten::add"));
        QCOMPARE(nnModuleFor("aten::relu_"), std::string("torch.nn.ReLU"));
        QCOMPARE(nnModuleFor("aten::add"), std::string());
    }

    void allowListMatchesAnySpelling()
    {
        OpAllowList allow;
        allow.add("constant_pad_nd");
        QVERIFY(allow.allows("aten::constant_pad_nd"));
        allow.add("aten::add");
        QVERIFY(allow.allows("aten::add_"));
        QVERIFY(!allow.allows("aten::mul"));
    }

    void classNamesDemangleAndClassify()
    {
        const std::string relu =
            demangleClassName("__torch__.torch.nn.modules.activation.___torch_mangle_4.ReLU");
        QCOMPARE(relu, std::string("torch.nn.modules.activation.ReLU"));
        QVERIFY(isLeafModuleClass(relu));
        QVERIFY(!isLeafModuleClass("torch.nn.modules.container.Sequential"));
        QVERIFY(!isLeafModuleClass("torch.nn.modules.container.ModuleList"));
        QVERIFY(!isLeafModuleClass("torchvision.models.resnet.BasicBlock"));
        // Composite layers are looked into; the atomic ones, RNNs included, are leaves.
        QVERIFY(!isLeafModuleClass("torch.nn.modules.transformer.TransformerEncoderLayer"));
        QVERIFY(!isLeafModuleClass("torch.nn.modules.activation.MultiheadAttention"));
        QVERIFY(isCompositeNnClass("torch.nn.modules.transformer.Transformer"));
        QVERIFY(isTorchNnLayer("torch.nn.modules.activation.MultiheadAttention"));
        QVERIFY(isLeafModuleClass("torch.nn.modules.rnn.LSTM"));
        QVERIFY(isLeafModuleClass("torch.nn.modules.rnn.GRUCell"));
        QCOMPARE(shortClassName(relu), std::string("ReLU"));
    }

    void signatureTypes()
    {
        QVERIFY(isTensorOrTensorTuple("Tensor"));
        QVERIFY(isTensorOrTensorTuple("Tuple[Tensor, Tensor]"));
        QVERIFY(isTensorOrTensorTuple("Tuple[Tensor, Tuple[Tensor, Tensor]]"));
        QVERIFY(!isTensorOrTensorTuple("Dict[str, Tensor]"));
        QVERIFY(!isTensorOrTensorTuple("List[Tensor]"));
        QVERIFY(!isTensorOrTensorTuple("Optional[Tensor]"));
        QVERIFY(!isTensorOrTensorTuple("Tuple[Tensor, int]"));
        QVERIFY(!isTensorOrTensorTuple("bool"));
    }

    void jsonWriterEscapesAndNests()
    {
        JsonWriter json;
        json.beginObject();
        json.key("text").value("a \"quoted\"\n\\ line\x01");
        json.key("list").beginArray().value(1).value(2.5).value(true).null().endArray();
        json.key("empty").beginObject().endObject();
        json.endObject();
        QJsonParseError error;
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromStdString(json.str()), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.object()["text"].toString(), QString("a \"quoted\"\n\\ line\x01"));
        QCOMPARE(doc.object()["list"].toArray().size(), 4);
    }

    void argumentsRepeatAndRejectUnknown()
    {
        const Arguments args = parseArguments({"m.pt", "--exclude", "a", "--exclude=b", "--json"},
                                              {"--exclude"}, {"--json"});
        QCOMPARE(args.positional.size(), std::size_t(1));
        QCOMPARE(args.all("--exclude").size(), std::size_t(2));
        QVERIFY(args.has("--json"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseArguments({"--bogus"}, {}, {}));
        QVERIFY_THROWS_EXCEPTION(InputError, parseArguments({"--exclude"}, {"--exclude"}, {}));
    }

    // The preparer's unrolled relu is the original's second relu call; its new add has no twin;
    // a call only the original makes stays in place as removed.
    void layersMatchByPathThenByDataFlow()
    {
        using torchprep::LayerCall;
        const torchprep::Shape s{1, 4};
        const torchprep::Shape t{1, 8};
        const std::vector<LayerCall> a = {{"conv", "Conv2d", 0, s},  {"relu", "ReLU", 0, s},
                                          {"conv2", "Conv2d", 0, s}, {"relu", "ReLU", 1, s},
                                          {"drop", "Dropout", 0, s}, {"fc", "Linear", 0, t}};
        const std::vector<LayerCall> b = {
            {"conv", "Conv2d", 0, s},    {"relu", "ReLU", 0, s},          {"conv2", "Conv2d", 0, s},
            {"module_add", "Add", 0, s}, {"module_relu_1", "ReLU", 0, s}, {"fc", "Linear", 0, t}};
        const std::vector<torchprep::LayerPair> pairs = torchprep::matchLayers(a, b);
        QCOMPARE(pairs.size(), std::size_t(7));
        auto check = [&](std::size_t k, int ai, int bi, const char *how) {
            QCOMPARE(pairs[k].a, ai);
            QCOMPARE(pairs[k].b, bi);
            QCOMPARE(pairs[k].how, std::string(how));
        };
        check(0, 0, 0, "path");
        check(1, 1, 1, "path");
        check(2, 2, 2, "path");
        check(3, -1, 3, "new");     // an Add is no ReLU, though the shape fits
        check(4, 3, 4, "dataflow"); // relu's second call
        check(5, 4, -1, "removed"); // after the pair that precedes it in A
        check(6, 5, 5, "path");
    }

    // A twin by path must also have the same output shape; never match across path anchors.
    void layersDoNotMatchAcrossAnchorsOrShapes()
    {
        using torchprep::LayerCall;
        const std::vector<LayerCall> a = {
            {"x.relu", "ReLU", 0, {2}}, {"conv", "Conv2d", 0, {3}}, {"head", "Linear", 0, {4}}};
        const std::vector<LayerCall> b = {{"conv", "Conv2d", 0, {3}},
                                          {"module_relu", "ReLU", 0, {2}},
                                          {"head", "Linear", 0, {5}}};
        const std::vector<torchprep::LayerPair> pairs = torchprep::matchLayers(a, b);
        int paired = 0;
        for (const auto &p : pairs)
            paired += p.a >= 0 && p.b >= 0;
        QCOMPARE(paired, 1); // only conv: relu lies before the anchor in A, head changed shape
    }

    // torch 2.x's ops are registered once, only where the linked libtorch lacks them (1.13 lacks
    // SDPA and rms_norm, 2.6 has both), and never twice (a second definition aborts).
    void missingAtenOpsRegisterOnceWhereLacking()
    {
        const std::vector<std::string> first = registerMissingAtenOps();
        QVERIFY(registerMissingAtenOps().empty());
        const auto has = [&](const char *op) {
            return std::find(first.begin(), first.end(), op) != first.end();
        };
        const bool old = linkedTorchVersion().rfind("1.", 0) == 0;
        QCOMPARE(has("aten::scaled_dot_product_attention"), old);
        QCOMPARE(has("aten::rms_norm"), old);
        QVERIFY(has("aten::_upsample_lanczos2d_aa")); // in no Debian libtorch yet
        QCOMPARE(registeredAtenOps(), first);
        QCOMPARE(torchVersionWithOp("aten::rms_norm"), std::string("2.6"));
        QVERIFY(torchVersionWithOp("aten::relu").empty());
    }

    void firstLineDropsBacktrace()
    {
        QCOMPARE(firstLine("bad thing happened.\nException raised from ..."),
                 std::string("bad thing happened"));
    }
};

QTEST_GUILESS_MAIN(TestCoreUnits)
#include "tst_core_units.moc"
