// Tensor shapes in the Studio: recorded from one forward run on the inputs described for the
// file, on the edges and in the properties, checked against the eager model's forward hooks;
// op arguments by name and value; the inputs asked for once per file and remembered.
#include "studio_test_support.h"
#include "test_models.h"

#include "compare/comparison_panel.h"
#include "fixes/fix_workflow.h"
#include "graph/edge_item.h"
#include "graph/graph_pane.h"
#include "graph/graph_scene.h"
#include "panels/properties_panel.h"
#include "session/model_inputs.h"
#include "session/model_session.h"
#include "session/selection.h"
#include "session/shape_recorder.h"
#include "torchscript/torch_model.h"
#include "torchscript/value_shapes.h"
#include "window/inputs_bar.h"
#include "window/shapes_flow.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUndoStack>

using namespace torchprep;

namespace {

ModelInputs shapesOf(const QString &text)
{
    return ModelInputs::fromText(text);
}

QString absolute(const QString &path)
{
    return QFileInfo(path).absoluteFilePath();
}

// The label of the edge leaving the box of `node`.
QString edgeLabelFrom(GraphScene *scene, NodeId node)
{
    for (EdgeItem *edge : scene->edges())
        if (edge->from() == GraphScene::boxKeyOf(node))
            return edge->label();
    return QStringLiteral("(no edge)");
}

QString text(const TensorShape *shape)
{
    return shape ? QString::fromStdString(tensorShapeText(*shape)) : "(none)";
}

// The eager model's output shape per module path and call, from forward hooks.
QJsonObject eagerShapes(const QString &model, const QString &shape, const QString &saveIn = {})
{
    QStringList args{qEnvironmentVariable("TORCHPREP_SOURCE_DIR") + "/tests/ui/eager_shapes.py",
                     model, shape};
    if (!saveIn.isEmpty())
        args << saveIn;
    const testing::Run run = testing::execute(qEnvironmentVariable("TORCHPREP_PYTHON"), args);
    if (run.exitCode != 0)
        qWarning("%s", run.err.constData());
    return QJsonDocument::fromJson(run.out).object();
}

// Every module call of `graph` whose eager output is known has that shape; the calls compared.
int compareWithEager(const ModelGraph &graph, const ValueShapes &shapes, const QJsonObject &eager,
                     QString *problem)
{
    int compared = 0;
    for (const ModuleInfo &m : graph.modules) {
        const QJsonArray calls = eager.value(QString::fromStdString(m.path)).toArray();
        if (calls.isEmpty())
            continue;
        if (calls.size() != static_cast<int>(m.calls.size())) {
            *problem = QString("%1: %2 calls in the graph, %3 in the eager model")
                           .arg(QString::fromStdString(m.path))
                           .arg(m.calls.size())
                           .arg(calls.size());
            return compared;
        }
        for (int k = 0; k < calls.size(); ++k) {
            const GraphNode &call = graph.nodes[m.calls[static_cast<std::size_t>(k)]];
            QStringList want;
            for (const QJsonValue d : calls[k].toArray())
                want << QString::number(d.toInt());
            const TensorShape *got =
                call.outputs.empty() ? nullptr : shapes.of(call.outputs.front());
            if (text(got) != want.join('x')) {
                *problem = QString("%1 call %2: %3, the eager model says %4")
                               .arg(QString::fromStdString(m.path))
                               .arg(k + 1)
                               .arg(text(got), want.join('x'));
                return compared;
            }
            ++compared;
        }
    }
    return compared;
}

} // namespace

class TestStudioShapes : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase() { testing::useOwnSettings("StudioShapesTest"); }
    void cleanupTestCase() { testing::dropSettings(); }

    // The check: on a 1x3x224x224 input the edge leaving resnet18's conv1 says
    // 1x64x112x112.
    void conv1EdgeShowsItsShape()
    {
        const QString model = testing::modelPath("resnet18_traced");
        rememberInputs(absolute(model), shapesOf("1,3,224,224"));
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, model));
        const NodeId conv1 = window.session()->graph().findModule("conv1")->calls.front();
        QCOMPARE(edgeLabelFrom(window.graphPane()->scene(), conv1), QString("1x64x112x112"));
        QVERIFY(!window.shapes()->bar()->isVisible());
        // The same shape in the properties of conv1, with its input's.
        window.revealNode(conv1);
        QVERIFY(testing::waitIdle(window));
        const QString properties = window.propertiesPanel()->toPlainText();
        QVERIFY2(properties.contains("1x64x112x112") &&
                     properties.contains("= 1x3x224x224 model input"),
                 qPrintable(properties));
    }

    // Ops show their arguments by schema name and value, not `%41: int`.
    void opArgumentsByNameAndValue()
    {
        const QString model = testing::modelPath("resnet18_traced");
        rememberInputs(absolute(model), shapesOf("1,3,224,224"));
        MainWindow window;
        QVERIFY(testing::openAndWait(window, model));
        NodeId add = kNoId;
        for (const GraphNode &node : window.session()->graph().nodes)
            if (node.op == "aten::add_" &&
                window.session()->graph().modules[node.owner].path == "layer1.0")
                add = node.id;
        QVERIFY(add != kNoId);
        window.revealNode(add);
        QVERIFY(testing::waitIdle(window));
        const QString properties = window.propertiesPanel()->toPlainText();
        QVERIFY2(properties.contains("self = 1x64x56x56") &&
                     properties.contains("other = 1x64x56x56") &&
                     properties.contains("alpha = 1") && !properties.contains('%'),
                 qPrintable(properties));
        // A layer's call: maxpool's result.
        window.revealNode(window.session()->graph().findModule("maxpool")->calls.front());
        QVERIFY(testing::waitIdle(window));
        QVERIFY2(window.propertiesPanel()->toPlainText().contains("1x64x56x56"),
                 qPrintable(window.propertiesPanel()->toPlainText()));
    }

    // Against the truth: every module call's output as the eager model's forward hooks see it.
    void resnet18MatchesTheEagerModel()
    {
        const QJsonObject eager = eagerShapes("resnet18", "1,3,224,224");
        QVERIFY(!eager.isEmpty());
        for (const char *name : {"resnet18_traced", "resnet18_scripted"}) {
            const QString model = testing::modelPath(name);
            const auto session =
                std::make_shared<const ModelSession>(AnalysedModel::load(model.toStdString()));
            InputSpec spec;
            addInputArgument(spec, "1,3,224,224");
            const ValueShapes shapes = recordValueShapes(*session->model(), session->graph(), spec);
            QString problem;
            const int compared = compareWithEager(session->graph(), shapes, eager, &problem);
            QVERIFY2(problem.isEmpty(), qPrintable(QString(name) + ": " + problem));
            QVERIFY2(compared >= 60,
                     qPrintable(QString("%1: only %2 calls compared").arg(name).arg(compared)));
        }
    }

    // A user module called twice on two sizes: each call's body has its own shapes, traced
    // (two methods) and scripted (one method graph walked twice).
    void aModuleCalledTwiceHasTwoSetsOfShapes()
    {
        QTemporaryDir dir;
        const QJsonObject eager = eagerShapes("twice", "1,3,16,16", dir.path());
        QCOMPARE(eager.value("block.conv").toArray().size(), 2);
        for (const char *name : {"twice_traced.pt", "twice_scripted.pt"}) {
            const auto session = std::make_shared<const ModelSession>(
                AnalysedModel::load(dir.filePath(name).toStdString()));
            InputSpec spec;
            addInputArgument(spec, "1,3,16,16");
            const ValueShapes shapes = recordValueShapes(*session->model(), session->graph(), spec);
            QString problem;
            QCOMPARE(compareWithEager(session->graph(), shapes, eager, &problem),
                     8); // stem, pool, 2 x (block, conv, relu)
            QVERIFY2(problem.isEmpty(), qPrintable(QString(name) + ": " + problem));
            // Inside the block, the add's result differs per call.
            QStringList adds;
            for (const GraphNode &node : session->graph().nodes)
                if (node.op.rfind("aten::add", 0) == 0)
                    adds << text(shapes.of(node.outputs.front()));
            QCOMPARE(adds, (QStringList{"1x8x14x14", "1x8x7x7"}));
        }
    }

    // No inputs described: the bar asks, once per file; described, the shapes follow at once and
    // the comparison's inputs are the same.
    void inputsAreAskedOncePerFileAndRemembered()
    {
        const QString model = testing::modelPath("reused_relu_traced");
        rememberInputs(absolute(model), {});
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, model));
        QVERIFY(window.shapes()->bar()->isVisible());
        QVERIFY(window.shapes()->bar()->text().contains("reused_relu_traced.pt"));
        QVERIFY(!window.shapes()->shapes());

        QSignalSpy changed(window.shapes(), &ShapesFlow::shapesChanged);
        window.setModelInputs(shapesOf("1,3,16,16"));
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.shapes()->shapes());
        QVERIFY(!window.shapes()->bar()->isVisible());
        QCOMPARE(rememberedInputs(absolute(model)).shapes, QStringList{"1,3,16,16"});
        QCOMPARE(window.comparisonPanel()->inputs().shapes, QStringList{"1,3,16,16"});
        const ModuleInfo *relu = window.session()->graph().findModule("relu1");
        QCOMPARE(text(window.shapes()->shapes()->shapes.of(
                     window.session()->graph().nodes[relu->calls[0]].outputs[0])),
                 QString("1x8x14x14"));
        QCOMPARE(text(window.shapes()->shapes()->shapes.of(
                     window.session()->graph().nodes[relu->calls[1]].outputs[0])),
                 QString("1x8x12x12"));

        // Another window on the same file: no question, the shapes at once.
        MainWindow again;
        again.show();
        QVERIFY(testing::openAndWait(again, model));
        QVERIFY(!again.shapes()->bar()->isVisible());
        QVERIFY(again.shapes()->shapes());

        // "Not Now" is remembered for that file only.
        const QString other = testing::modelPath("three_relus_traced");
        QVERIFY(testing::openAndWait(again, other));
        QVERIFY(again.shapes()->bar()->isVisible());
        emit again.shapes()->bar()->declined();
        QVERIFY(testing::openAndWait(again, model));
        QVERIFY(testing::openAndWait(again, other));
        QVERIFY(!again.shapes()->bar()->isVisible());
    }

    // Inputs the model rejects: one line in the bar, the Studio stays usable.
    void rejectedInputsSayWhyInOneLine()
    {
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, testing::modelPath("reused_relu_traced")));
        window.setModelInputs(shapesOf("1,5,16,16"));
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.shapes()->bar()->isVisible());
        const QString line = window.shapes()->bar()->text();
        QVERIFY2(line.contains("rejects") && line.contains("[1,5,16,16]") && !line.contains('\n'),
                 qPrintable(line));
        window.setModelInputs(shapesOf("1,3,16,16"));
        QVERIFY(testing::waitIdle(window));
        QVERIFY(window.shapes()->shapes());
    }

    // A fix makes another graph: its shapes are recorded again; an undo brings back the old ones.
    void shapesFollowFixesAndUndo()
    {
        const QString model = testing::modelPath("resnet18_traced");
        rememberInputs(absolute(model), shapesOf("1,3,224,224"));
        MainWindow window;
        window.show();
        QVERIFY(testing::openAndWait(window, model));
        const auto before = window.shapes()->shapes();
        QVERIFY(before);
        QSignalSpy applied(&window, &MainWindow::fixApplied);
        QVERIFY(window.fixCommands()->fixAll());
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(applied.size(), 1);
        const auto after = window.shapes()->shapes();
        QVERIFY(after && after != before && after->belongTo(*window.session()));
        const ModuleInfo *added = window.session()->graph().findModule("layer1.0.module_add");
        QVERIFY(added);
        QCOMPARE(text(after->shapes.of(
                     window.session()->graph().nodes[added->calls.front()].outputs.front())),
                 QString("1x64x56x56"));
        window.fixWorkflow()->undoStack()->undo();
        QVERIFY(testing::waitIdle(window));
        QCOMPARE(window.shapes()->shapes(), before); // kept, not run again
        window.fixWorkflow()->undoStack()->setClean();
    }
};

QTEST_MAIN(TestStudioShapes)
#include "tst_studio_shapes.moc"
