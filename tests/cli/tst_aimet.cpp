// AIMET itself as the oracle: aimet-torch (from PyPI, in a torch 2.x venv) runs its validator's
// reuse check and its preparer on the catalogue's eager models (tests/models/aimet_truth.py);
// TorchPrep must find the same reused modules and add the same modules under the same names on
// those models saved traced and scripted, except where the table below says why it differs.
#include "test_models.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using testing::Run;
using testing::torchprep;

namespace {

// Where TorchPrep's new modules differ from AIMET's preparer on purpose, and why: the names
// only AIMET adds and only TorchPrep adds (an empty form means both forms).
struct Difference
{
    QString model;
    QString form;
    QSet<QString> aimetOnly;
    QSet<QString> oursOnly;
    const char *why;
};

const QList<Difference> &differences()
{
    static const QList<Difference> table = {
        {"aimet_interpolate",
         "",
         {"module_mul", "module_mul_1"},
         {},
         "AIMET wraps `x.size(2) * 3`, int arithmetic on a size, which computes no data"},
        {"aimet_constants_first",
         "scripted",
         {"module_sub"},
         {"module_neg", "module_add_1"},
         "scripting compiles `7.1 - x` to neg and add, two ops a quantizer sees"},
        {"aimet_dynamic_linear",
         "",
         {},
         {"module_linear"},
         "AIMET 2.42 leaves F.linear on a computed weight a functional; a quantizer needs the "
         "layer (DynamicLinear)"},
        {"conv3d_subclass",
         "",
         {},
         {"conv.module_conv3d"},
         "AIMET 2.42 leaves F.conv3d a functional; a quantizer needs the layer"},
        {"aimet_square_leaf",
         "",
         {"module_mul"},
         {},
         "AIMET's preparer (torch.fx) traces into Square, while its validator takes the childless "
         "one-op module as a layer; TorchPrep follows the validator and keeps Square whole"},
    };
    return table;
}

QSet<QString> addedNames(const QJsonArray &names)
{
    QSet<QString> out;
    for (const QJsonValue &name : names)
        if (testing::isAddedModuleName(name.toString().section('.', -1)))
            out.insert(name.toString());
    return out;
}

QString shapeArgument(const QJsonArray &shape)
{
    QStringList dims;
    for (const QJsonValue &d : shape)
        dims << QString::number(d.toInt());
    return dims.join(',');
}

} // namespace

class TestAimet : public QObject
{
    Q_OBJECT

    QJsonObject truth_;
    QTemporaryDir out_;

    void addRows()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("form");
        for (const QString &model : truth_.keys())
            for (const QString form : {"traced", "scripted"})
                QTest::newRow(qPrintable(model + "_" + form)) << model << form;
    }

  private slots:
    void initTestCase()
    {
        QFile file(qEnvironmentVariable("TORCHPREP_AIMET_TRUTH"));
        QVERIFY2(file.open(QIODevice::ReadOnly),
                 "run through ctest: the truth comes from the generate_aimet_truth fixture");
        truth_ = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(truth_.size() >= 20);
        QVERIFY(out_.isValid());
    }

    // AIMET's reuse check is forward hooks on the eager model's layers: the same modules.
    void reuseAsAimet_data() { addRows(); }
    void reuseAsAimet()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const QJsonObject truth = truth_[model].toObject();
        if (!truth["reused"].isArray())
            QSKIP("AIMET's reuse check failed on this model");
        if (model == "runtime_loop")
            QSKIP("AIMET's hooks see one iteration at batch 1; TorchPrep reports the loop the "
                  "batch sizes (tst_cli_validate)");
        const Run run = torchprep({"validate", testing::modelPath(model + "_" + form), "--json"});
        QSet<QString> ours, aimet;
        for (const QJsonValue &f : QJsonDocument::fromJson(run.out).object()["findings"].toArray())
            if (f["check"].toString() == "reused_module")
                ours.insert(f["module"].toString());
        for (const QJsonValue &path : truth["reused"].toArray())
            aimet.insert(path.toString());
        QCOMPARE(ours, aimet);
    }

    // AIMET's preparer's new modules, by name, as a set (AIMET registers them in graph order,
    // TorchPrep pass by pass).
    void namesAsAimet_data() { addRows(); }
    void namesAsAimet()
    {
        QFETCH(QString, model);
        QFETCH(QString, form);
        const QJsonObject truth = truth_[model].toObject();
        if (!truth["prepared"].isArray())
            QSKIP(qPrintable("AIMET's preparer fails on this model: " +
                             truth["prepared"]["error"].toString()));
        const QString output = out_.filePath(model + "_" + form + ".pt");
        const Run run =
            torchprep({"prepare", testing::modelPath(model + "_" + form), "-o", output,
                       "--input-shape", shapeArgument(truth["shape"].toArray()), "--json"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonArray changed;
        for (const QJsonValue &pass : QJsonDocument::fromJson(run.out).object()["passes"].toArray())
            for (const QJsonValue &c : pass["changes"].toArray())
                changed.append(c["module"]);
        QJsonArray aimetNames;
        for (const QJsonValue &row : truth["prepared"].toArray())
            aimetNames.append(row.toArray()[0]);
        const QSet<QString> ours = addedNames(changed), aimet = addedNames(aimetNames);
        Difference expected{model, form, {}, {}, ""};
        for (const Difference &d : differences())
            if (d.model == model && (d.form.isEmpty() || d.form == form))
                expected = d;
        QCOMPARE(aimet - ours, expected.aimetOnly);
        QCOMPARE(ours - aimet, expected.oursOnly);
    }
};

QTEST_GUILESS_MAIN(TestAimet)
#include "tst_aimet.moc"
