// The validator against truth found in Python, independently of it (make_oracle_models.py):
// forward hooks on the eager model count every module's calls, a TorchFunctionMode records
// every torch function the model's code calls and where. Models of every kind the validator
// must judge right, and real ones from torchvision, torchaudio and torchtext, in traced and
// scripted form: the findings agree with the truth and with each other.
#include "checks/validator.h"
#include "test_models.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <map>
#include <set>

using namespace torchprep;

namespace {

QString oracleDir()
{
    return qEnvironmentVariable("TORCHPREP_ORACLE_MODELS");
}

QJsonObject loadTruth()
{
    QFile file(oracleDir() + "/truth.json");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

ValidationReport validate(const QString &name, SourceDetail detail = SourceDetail::All)
{
    const auto model = TorchModel::load((oracleDir() + "/" + name + ".pt").toStdString());
    return validateGraph(buildModelGraph(*model, detail), {});
}

// A scripted model keeps what its inputs decide: an `if` the analysis could not fold, a loop
// whose length is known only at run time. What lies inside runs only for some inputs (a trace
// froze the path its example took). The missing_module findings of `report` inside one.
std::vector<const Finding *> underOpenControl(const QString &name, const ValidationReport &report)
{
    const auto model = TorchModel::load((oracleDir() + "/" + name + ".pt").toStdString());
    const ModelGraph graph = buildModelGraph(*model);
    std::vector<const Finding *> inside;
    for (const Finding &f : report.findings) {
        if (f.check != "missing_module")
            continue;
        for (NodeId n = f.nodes.front(); n != kNoId;) {
            const GraphNode &node = graph.nodes[n];
            const NodeId control = node.parentControl;
            if (control != kNoId &&
                (graph.nodes[control].op == "prim::If" || graph.nodes[control].tripCount < 0)) {
                inside.push_back(&f);
                break;
            }
            n = control != kNoId ? control : node.parentCall;
        }
    }
    return inside;
}

// A line read back from the statements around a builtin (`source_inferred`) is near the real
// one, not always on it: the same file within a few lines.
bool nearLine(const QSet<QString> &lines, const QString &module, const SourceLocation &source)
{
    for (int d = -3; d <= 3; ++d) {
        SourceLocation near = source;
        near.line += d;
        if (lines.contains(module + "@" + QString::fromStdString(near.str())))
            return true;
    }
    return false;
}

QString str(const std::string &s)
{
    return QString::fromStdString(s);
}

QString describe(const Finding &f)
{
    return QString("%1 %2 %3 %4 calls=%5 at %6")
        .arg(str(f.check), str(f.module), str(f.op), str(f.method))
        .arg(f.calls)
        .arg(str(f.source.str()));
}

QString dump(const ValidationReport &report)
{
    QStringList lines;
    for (const Finding &f : report.findings)
        lines << describe(f);
    return lines.join("\n");
}

std::vector<const Finding *> ofCheck(const ValidationReport &report, const std::string &check)
{
    std::vector<const Finding *> out;
    for (const Finding &f : report.findings)
        if (f.check == check)
            out.push_back(&f);
    return out;
}

// Torch functions that compute data: what a model's own code must not call outside a module.
bool computesData(const QString &name)
{
    static const QSet<QString> data = {"add",
                                       "__add__",
                                       "__iadd__",
                                       "__radd__",
                                       "sub",
                                       "__sub__",
                                       "__rsub__",
                                       "mul",
                                       "__mul__",
                                       "__rmul__",
                                       "div",
                                       "__truediv__",
                                       "matmul",
                                       "__matmul__",
                                       "bmm",
                                       "baddbmm",
                                       "relu",
                                       "relu_",
                                       "gelu",
                                       "silu",
                                       "sigmoid",
                                       "tanh",
                                       "softmax",
                                       "cat",
                                       "mean",
                                       "sum",
                                       "interpolate",
                                       "normalize",
                                       "layer_norm",
                                       "linear",
                                       "conv2d",
                                       "avg_pool2d",
                                       "max_pool2d",
                                       "adaptive_avg_pool2d",
                                       "dropout",
                                       "hardswish",
                                       "multi_head_attention_forward",
                                       "pad",
                                       "roll"};
    return data.contains(name);
}

// Modules without children whose forward ran one data function, as AIMET's connected graph
// takes them: that function's layer (`Square`: x * x), no finding inside.
QStringList oneOpModules(const QJsonObject &truth)
{
    QSet<QString> parents;
    const QJsonObject parentOf = truth["parents"].toObject();
    for (auto it = parentOf.begin(); it != parentOf.end(); ++it)
        parents.insert(it.value().toString());
    QMap<QString, int> dataOps;
    for (const QJsonValue &op : truth["ops"].toArray()) {
        const QJsonArray o = op.toArray();
        if (computesData(o[4].toString()) && o[5].toBool())
            ++dataOps[o[0].toString()];
    }
    const QJsonObject calls = truth["hooks"].toObject();
    QStringList out;
    for (auto it = dataOps.begin(); it != dataOps.end(); ++it) // one per call
        if (!it.key().isEmpty() && !parents.contains(it.key()) &&
            it.value() == calls[it.key()].toInt())
            out << it.key();
    return out;
}

// Reuse the validator must report, by the truth's hook counts: a module called more than once,
// unless its parent runs repeatedly too and it runs no more often than its parent. `repeated`
// starts with the modules whose other methods are reused (no hook sees those).
std::map<QString, int> expectedReuse(const QJsonObject &truth, std::set<QString> repeated)
{
    const QJsonObject hooks = truth["hooks"].toObject();
    const QJsonObject parents = truth["parents"].toObject();
    std::map<QString, int> expected;
    QStringList paths = hooks.keys();
    std::sort(paths.begin(), paths.end(), [](const QString &a, const QString &b) {
        return a.count('.') < b.count('.') || (a.count('.') == b.count('.') && a < b);
    });
    // A module holding no parameter and no layer shares nothing between calls (RAFT's CorrBlock,
    // swin's StochasticDepth): not reuse, unless it is one op's layer itself.
    QSet<QString> holdsNothing;
    for (const QJsonValue &path : truth["holds_nothing"].toArray())
        holdsNothing.insert(path.toString());
    for (const QString &layer : oneOpModules(truth))
        holdsNothing.remove(layer);
    for (const QString &path : paths) {
        const int calls = hooks[path].toInt();
        if (path.isEmpty() || calls < 2)
            continue;
        const QString parent = parents[path].toString();
        const bool covered = repeated.count(parent) &&
                             (calls <= hooks[parent].toInt() || hooks[parent].toInt() == 0);
        repeated.insert(path);
        if (!covered && !holdsNothing.contains(path))
            expected[path] = calls;
    }
    return expected;
}

} // namespace

class TestOracle : public QObject
{
    Q_OBJECT

    QJsonObject truth_;

    void addRows(bool bothFormsOnly)
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("form");
        for (const QString &model : truth_.keys()) {
            const QJsonArray forms = truth_[model].toObject()["forms"].toArray();
            if (bothFormsOnly) {
                if (forms.size() == 2)
                    QTest::newRow(qPrintable(model)) << model << QString();
                continue;
            }
            for (const QJsonValue &form : forms)
                QTest::newRow(qPrintable(model + "_" + form.toString()))
                    << model << form.toString();
        }
    }

  private slots:
    void initTestCase()
    {
        truth_ = loadTruth();
        QVERIFY2(!truth_.isEmpty(), "run through ctest: the models come from the "
                                    "generate_oracle_models fixture");
    }

    // Every reuse finding equals the hook count; modules the hooks saw run once never are.
    void reuseMatchesHooks_data() { addRows(false); }
    void reuseMatchesHooks()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const QJsonObject truth = truth_[model].toObject();
        const ValidationReport report = validate(model + "_" + form);
        std::set<QString> otherMethods;
        for (const Finding *f : ofCheck(report, "reused_module"))
            if (f->method != "forward")
                otherMethods.insert(str(f->module));
        const std::map<QString, int> expected = expectedReuse(truth, otherMethods);
        const QJsonObject hooks = truth["hooks"].toObject();
        std::set<QString> seen;
        for (const Finding *f : ofCheck(report, "reused_module")) {
            const QString module = str(f->module);
            if (f->method != "forward") {
                QVERIFY2(f->manualFix, qPrintable(describe(*f)));
                continue; // other methods: no hook sees them (checked by kind below)
            }
            seen.insert(module);
            QVERIFY2(expected.count(module), qPrintable("not reused by the hooks: " + describe(*f) +
                                                        "\nall:\n" + dump(report)));
            if (f->calls == Finding::kCallsInLoop) {
                QCOMPARE(form, QString("scripted"));
                QVERIFY(f->manualFix);
            } else {
                QCOMPARE(f->calls, hooks[module].toInt());
            }
        }
        for (const auto &[module, calls] : expected)
            QVERIFY2(seen.count(module),
                     qPrintable(QString("reuse of %1 (%2 calls) not reported:\n%3")
                                    .arg(module)
                                    .arg(calls)
                                    .arg(dump(report))));
    }

    // Every missing_module finding is a torch function the model's code called, on that line,
    // in that module; every data function it called is a finding; lines are the user's.
    void missingModulesRan_data() { addRows(false); }
    void missingModulesRan()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const QJsonObject truth = truth_[model].toObject();
        const ValidationReport report = validate(model + "_" + form);
        QSet<QString> ran, dataRan;
        const QStringList atomic = truth["atomic"].toVariant().toStringList() + oneOpModules(truth);
        for (const QJsonValue &op : truth["ops"].toArray()) {
            // [running module, module whose method holds the code, file, line, function, data]
            const QJsonArray o = op.toArray();
            const QString line = "@" + o[2].toString() + ":" + QString::number(o[3].toInt());
            ran.insert(o[0].toString() + line);
            ran.insert(o[1].toString() + line);
            if (computesData(o[4].toString()) && o[5].toBool() && !atomic.contains(o[0].toString()))
                dataRan.insert(line);
        }
        QSet<QString> mayRun;
        if (form == "scripted")
            for (const Finding *f : underOpenControl(model + "_" + form, report))
                mayRun.insert(str(f->module) + "@" + str(f->source.str()));
        QSet<QString> found;
        for (const Finding *f : ofCheck(report, "dynamic_control_flow"))
            found.insert("@" + str(f->source.str())); // a condition computed from data
        for (const Finding &f : report.findings) {
            if (f.source.known()) {
                QVERIFY2(!f.source.file.empty() && f.source.file != "<string>" &&
                             f.source.file.find("-packages/torch/") == std::string::npos,
                         qPrintable("not the user's line: " + describe(f)));
            }
            if (f.check != "missing_module")
                continue;
            QVERIFY2(f.source.known(), qPrintable("no line: " + describe(f)));
            const QString line = "@" + str(f.source.str());
            found.insert(line);
            const QString key = str(f.module) + line;
            QVERIFY2(ran.contains(key) || mayRun.contains(key) ||
                         (f.source.inferred && nearLine(ran, str(f.module), f.source)),
                     qPrintable("never ran: " + describe(f)));
        }
        for (const QString &line : dataRan)
            QVERIFY2(found.contains(line),
                     qPrintable("ran but not reported: " + line + "\n" + dump(report)));
    }

    // Traced and scripted forms of one model: the same functionals at the same lines and the
    // same reuse (a scripted loop may only know its count at run time).
    void formsAgree_data() { addRows(true); }
    void formsAgree()
    {
        QFETCH(QString, model);
        const ValidationReport traced = validate(model + "_traced");
        const ValidationReport scripted = validate(model + "_scripted");
        // A trace unrolls loops (each iteration's ops are findings of their own) and files the
        // ops of a submodule's other methods under the caller: then compare lines as a set.
        bool loops = false, methods = false;
        for (const Finding *f : ofCheck(scripted, "reused_module"))
            loops =
                loops || f->calls == Finding::kCallsInLoop || str(f->message).contains("in a loop");
        for (const QJsonValue &op : truth_[model].toObject()["ops"].toArray())
            methods = methods || op.toArray()[0] != op.toArray()[1];
        // Code the inputs decide (an `if`, a loop's length) runs in the trace as its example
        // took it: each scripted finding there, and its traced twins, are left out. A trace
        // unrolls loops (each iteration's ops are findings of their own): then lines count once.
        // Inside a composite layer every op names the line that calls it: the op tells them
        // apart. A trace files other methods' ops under the caller: then the module does not.
        auto key = [&](const Finding *f, int line) {
            SourceLocation at = f->source;
            at.line = line;
            return (methods ? QString() : str(f->module)) + "@" + str(at.str()) +
                   (f->torchSource.known() ? " " + str(f->op) : QString());
        };
        auto openKey = [&](const Finding *f) { return key(f, f->source.line); };
        QStringList open;
        for (const Finding *f : underOpenControl(model + "_scripted", scripted))
            open << openKey(f);
        const QSet<QString> openSet(open.begin(), open.end());
        QStringList traced_, scriptedExact;
        std::vector<const Finding *> scriptedInferred;
        for (const Finding *f : ofCheck(traced, "missing_module")) {
            const QString k = key(f, f->source.line);
            if (openSet.contains(openKey(f)) || (loops && traced_.contains(k)))
                continue;
            traced_ << k;
        }
        const std::vector<const Finding *> openFindings =
            underOpenControl(model + "_scripted", scripted);
        for (const Finding *f : ofCheck(scripted, "missing_module")) {
            const QString k = key(f, f->source.line);
            if (std::count(openFindings.begin(), openFindings.end(), f) ||
                (loops && scriptedExact.contains(k)))
                continue;
            if (f->source.inferred)
                scriptedInferred.push_back(f);
            else
                scriptedExact << k;
        }
        QStringList onlyScripted, onlyTraced = traced_;
        for (const QString &k : scriptedExact)
            if (!onlyTraced.removeOne(k) && !(loops && traced_.contains(k)))
                onlyScripted << k;
        // A line read back around a builtin (inferred) is near the real one: within 3 lines.
        for (const Finding *f : scriptedInferred) {
            bool paired = false;
            for (int d : {0, 1, -1, 2, -2, 3, -3}) {
                const QString k = key(f, f->source.line + d);
                if ((paired = onlyTraced.removeOne(k) || (loops && traced_.contains(k))))
                    break;
            }
            if (!paired)
                onlyScripted << key(f, f->source.line);
        }
        QVERIFY2(onlyScripted.isEmpty() && onlyTraced.isEmpty(),
                 qPrintable("only scripted: " + onlyScripted.join(", ") +
                            "\nonly traced: " + onlyTraced.join(", ")));
        std::map<QString, int> reuseTraced, reuseScripted;
        for (const Finding *f : ofCheck(traced, "reused_module"))
            reuseTraced[str(f->module)] = f->calls;
        for (const Finding *f : ofCheck(scripted, "reused_module"))
            if (f->method == "forward") // a trace sees forward calls only
                reuseScripted[str(f->module)] = f->calls;
        QCOMPARE(reuseScripted.size(), reuseTraced.size());
        for (const auto &[module, calls] : reuseScripted) {
            QVERIFY2(reuseTraced.count(module), qPrintable(module));
            if (calls != Finding::kCallsInLoop)
                QCOMPARE(calls, reuseTraced[module]);
        }
    }

    // `validate` reads only the lines its findings name: the same findings, the same lines.
    void lessDetailSameFindings_data() { addRows(false); }
    void lessDetailSameFindings()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const ValidationReport all = validate(model + "_" + form);
        const ValidationReport lean = validate(model + "_" + form, SourceDetail::ForChecks);
        const QStringList leanLines = dump(lean).split('\n'), allLines = dump(all).split('\n');
        for (int i = 0; i < std::min(leanLines.size(), allLines.size()); ++i)
            QCOMPARE(leanLines[i], allLines[i]);
        QCOMPARE(leanLines.size(), allLines.size());
        for (std::size_t i = 0; i < all.findings.size(); ++i) {
            QCOMPARE(lean.findings[i].message, all.findings[i].message);
            QCOMPARE(lean.findings[i].fix, all.findings[i].fix);
        }
    }

    // torch.fx, where it traces, calls the same layers more than once: each is a reuse
    // finding with fx's count, or runs inside a module reported as reused.
    void fxAgrees_data() { addRows(false); }
    void fxAgrees()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const QJsonObject fx = truth_[model].toObject()["fx"].toObject();
        if (!fx["traceable"].toBool())
            QSKIP("torch.fx cannot trace this model");
        const ValidationReport report = validate(model + "_" + form);
        std::map<QString, int> reused;
        for (const Finding *f : ofCheck(report, "reused_module"))
            reused[str(f->module)] = f->calls;
        const QJsonObject calls = fx["calls"].toObject();
        for (const QString &module : calls.keys()) {
            const int count = calls[module].toInt();
            if (count < 2)
                continue;
            if (reused.count(module)) {
                if (reused[module] != Finding::kCallsInLoop)
                    QCOMPARE(reused[module], count);
                continue;
            }
            bool covered = false;
            for (QString outer = module; outer.contains('.') && !covered;) {
                outer = outer.left(outer.lastIndexOf('.'));
                covered = reused.count(outer) > 0;
            }
            QVERIFY2(covered, qPrintable("fx calls " + module + " " + QString::number(count) +
                                         " times, no finding covers it:\n" + dump(report)));
        }
    }

    // The kinds, one by one, as the issue names them.
    void kinds()
    {
        std::map<QString, ValidationReport> reports; // findings point into them
        auto findings = [&](const QString &name, const std::string &check) {
            auto it = reports.find(name);
            if (it == reports.end())
                it = reports.emplace(name, validate(name)).first;
            return ofCheck(it->second, check);
        };
        for (const QString form : {"traced", "scripted"}) {
            // A static residual flag: the add of the block that has it, no reuse.
            auto missing = findings("static_residual_" + form, "missing_module");
            QCOMPARE(missing.size(), std::size_t(1));
            QCOMPARE(str(missing[0]->module), QString("a"));
            QVERIFY(findings("static_residual_" + form, "reused_module").empty());
            // Two methods of one module: no reuse.
            QVERIFY(validate("two_methods_" + form).findings.empty());
            // Asserts, static flags, Optional arguments, layers recognised by what they are.
            QVERIFY2(validate("asserts_" + form).findings.empty(),
                     qPrintable(dump(validate("asserts_" + form))));
            QVERIFY(validate("flags_" + form).findings.empty());
            missing = findings("optional_args_" + form, "missing_module");
            QCOMPARE(missing.size(), std::size_t(1));
            QCOMPARE(str(missing[0]->module), QString("gate2"));
            missing = findings("layers_by_what_they_are_" + form, "missing_module");
            QCOMPARE(missing.size(), std::size_t(1));
            QCOMPARE(str(missing[0]->op), QString("aten::cat"));
            // One finding per call of a torch function, never a look inside it.
            QCOMPARE(findings("interpolate_" + form, "missing_module").size(), std::size_t(2));
            QCOMPARE(findings("normalize_" + form, "missing_module").size(), std::size_t(2));
            QVERIFY(findings("interpolate_" + form, "dynamic_control_flow").empty());
            // Loops.
            auto reuse = findings("loop_const_" + form, "reused_module");
            QCOMPARE(reuse.size(), std::size_t(1));
            QCOMPARE(reuse[0]->calls, 3);
            reuse = findings("loop_attr_" + form, "reused_module");
            QCOMPARE(reuse.size(), std::size_t(1));
            QCOMPARE(str(reuse[0]->module), QString("lin"));
            QCOMPARE(reuse[0]->calls, 2);
            // Composite layers are looked into; their findings name the user's line and torch's.
            for (const Finding *f : findings("encoder_layer_" + form, "missing_module")) {
                QVERIFY2(f->torchSource.known(), qPrintable(form + ": " + describe(*f)));
                QVERIFY(str(f->torchSource.file).contains("torch/nn/modules/"));
                QVERIFY(str(f->source.file).endsWith("make_oracle_models.py"));
                // The preparer prepares them all: the layer's adds and activation, and the
                // attention's own ops (a scripted one specialized to its one call).
                QVERIFY2(!f->manualFix, qPrintable(form + ": " + describe(*f)));
            }
            // The layer's two adds and relu, and its attention's ops: torch 2's attention runs
            // in-projection, scaled_dot_product_attention and out-projection where 1.13 spelled
            // out the scaling, both bmm and the softmax between the projections.
            const bool sdpa =
                !truth_["encoder_layer"].toObject()["torch"].toString().startsWith("1.");
            QCOMPARE(findings("encoder_layer_" + form, "missing_module").size(),
                     std::size_t(sdpa ? 6 : 9));
        }
        // Scripted only: the loop's count, the branches.
        // A loop of a fixed count is prepare's to unroll, as a trace records it.
        auto reuse = findings("loop_const_scripted", "reused_module");
        QVERIFY(!reuse[0]->manualFix);
        QVERIFY(str(reuse[0]->message).contains("in a loop of 3"));
        QVERIFY(str(reuse[0]->fix).contains("`torchprep prepare` unrolls"));
        reuse = findings("loop_shape_scripted", "reused_module");
        QCOMPARE(reuse.size(), std::size_t(1));
        QCOMPARE(reuse[0]->calls, Finding::kCallsInLoop);
        auto control = findings("loop_shape_scripted", "dynamic_control_flow");
        QCOMPARE(control.size(), std::size_t(1));
        QCOMPARE(control[0]->severity, Severity::Warning);
        control = findings("shape_branch_scripted", "dynamic_control_flow");
        QCOMPARE(control.size(), std::size_t(1));
        QCOMPARE(control[0]->severity, Severity::Warning);
        control = findings("value_branch_scripted", "dynamic_control_flow");
        QCOMPARE(control.size(), std::size_t(1));
        QCOMPARE(control[0]->severity, Severity::Error);
        QVERIFY(findings("isinstance_scripted", "missing_module").empty());
        QVERIFY(findings("isinstance_scripted", "dynamic_control_flow").empty());
        // State shared between methods: reported, never left to the preparer.
        reuse = findings("shared_state_scripted", "reused_module");
        QCOMPARE(reuse.size(), std::size_t(1));
        QCOMPARE(str(reuse[0]->module), QString("memory"));
        QCOMPARE(str(reuse[0]->method), QString("read"));
        QCOMPARE(reuse[0]->calls, 2);
        QVERIFY(reuse[0]->manualFix);
        QVERIFY(str(reuse[0]->fix).contains("memory.state"));
    }
};

QTEST_GUILESS_MAIN(TestOracle)
#include "tst_oracle.moc"
