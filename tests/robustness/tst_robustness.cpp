// Hostile and broken inputs, as a careful user would try them: every run ends with an exit code
// (never a crash or a hang), a refusal is one valid UTF-8 line, no input file changes, nothing is
// left behind, and no text from a model file runs as code in the Python TorchPrep writes.
// The files come from make_hostile.py (fixture generate_hostile_inputs), made at test time.
#include "test_models.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

namespace {

using testing::Run;

QString hostileDir()
{
    return qEnvironmentVariable("TORCHPREP_HOSTILE_INPUTS");
}

QJsonArray manifest()
{
    QFile f(hostileDir() + "/manifest.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).array();
}

QStringList filesOfKind(const QString &kind)
{
    QStringList files;
    for (const QJsonValue &entry : manifest())
        if (entry["kind"].toString() == kind)
            files << entry["file"].toString();
    return files;
}

bool isUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}

Run torchprepWithin(const QStringList &args, int seconds, const QStringList &env = {},
                    const QString &workingDir = QString())
{
    return testing::torchprep(args, {env, workingDir, seconds});
}

// The promise for a refused input: exit 2, nothing on stdout, one UTF-8 line on stderr.
void verifyRefused(const Run &run, const QString &says = QString())
{
    QVERIFY2(run.exitCode == 2,
             qPrintable(QString("exit %1: %2").arg(run.exitCode).arg(QString::fromUtf8(run.err))));
    QVERIFY(run.out.isEmpty());
    QVERIFY2(isUtf8(run.err), run.err.constData());
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.startsWith("torchprep: "), run.err.constData());
    QVERIFY(!run.err.contains("terminate called"));
    QVERIFY(!run.err.contains("Exception raised from"));
    if (!says.isEmpty())
        QVERIFY2(QString::fromUtf8(run.err).contains(says), run.err.constData());
}

QByteArray digest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// Every name in `dir`, hidden files included.
QStringList listing(const QString &dir)
{
    QStringList names =
        QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    names.sort();
    return names;
}

} // namespace

class TestRobustness : public QObject
{
    Q_OBJECT

    QTemporaryDir work_;

    // Runs the CLI with each of `runs`, four at a time (most of each run is libtorch starting
    // up): each exits 0, 1 or 2 within two minutes, prints UTF-8, JSON on success and one line
    // when refused.
    void runAllNeverCrashing(const QList<QStringList> &runs)
    {
        QMap<QString, int> codes; // "validate 2" -> count
        for (int first = 0; first < runs.size(); first += 4) {
            std::vector<std::unique_ptr<QProcess>> running;
            for (int i = first; i < std::min<int>(first + 4, runs.size()); ++i) {
                running.push_back(std::make_unique<QProcess>());
                running.back()->start(testing::cliPath(), runs[i]);
            }
            for (std::size_t k = 0; k < running.size(); ++k) {
                QProcess &p = *running[k];
                const QString what = runs[first + static_cast<int>(k)].mid(0, 2).join(' ');
                QVERIFY2(p.waitForFinished(120000), qPrintable(what + " hangs"));
                QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(what + " crashed"));
                const int code = p.exitCode();
                ++codes[runs[first + static_cast<int>(k)].value(0) + " " + QString::number(code)];
                QVERIFY2(code >= 0 && code <= 2, qPrintable(what));
                const QByteArray out = p.readAllStandardOutput();
                const QByteArray err = p.readAllStandardError();
                QVERIFY2(isUtf8(out) && isUtf8(err), qPrintable(what));
                if (code == 2) {
                    QVERIFY2(out.isEmpty() && err.count('\n') == 1 && err.startsWith("torchprep: "),
                             qPrintable(what + ": " + QString::fromUtf8(err)));
                } else {
                    QJsonParseError error;
                    QJsonDocument::fromJson(out, &error);
                    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(what));
                }
            }
        }
        qInfo() << runs.size() << "runs by command and exit code:" << codes;
    }

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo::exists(hostileDir() + "/manifest.json"),
                 "run through ctest: the inputs come from the generate_hostile_inputs fixture");
        QVERIFY(work_.isValid());
    }

    // Pickles nested a million deep, deflate bombs, class bodies libtorch crashes on, debug
    // pickles whose numbers point outside what they index, tensors outside their storage:
    // refused before libtorch reads them.
    void craftedArchivesAreRefused_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says");
        QTest::addColumn<QString>("asInputsSays"); // given as --inputs, a file of tensors
        const auto rows = [](const QString &kind, const QString &says, const QString &asInputs) {
            for (const QString &f : filesOfKind(kind))
                QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f << says << asInputs;
        };
        rows("deep_pickle", "levels deep", "levels deep");
        rows("deflate_bomb", "inflate", "inflate");
        rows("untyped_class_attribute", "without a type", "without a type");
        rows("malformed_pickle", "not a well-formed pickle", "not a well-formed pickle");
        // Read as a file of tensors, a model's debug pickles are never read: it is no such file.
        rows("damaged_debug_info", "its debug information", "not a file saved by torch.save");
        rows("debug_info_global", "names the Python global", "names the Python global");
        rows("damaged_storage", "more than its", "more than its");
        rows("damaged_tensor", "reaches past", "reaches past");
    }

    void craftedArchivesAreRefused()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        QFETCH(QString, asInputsSays);
        verifyRefused(torchprepWithin({"validate", file}, 120), says);
        const QString out = work_.filePath("crafted.pt");
        verifyRefused(
            torchprepWithin({"prepare", file, "-o", out, "--input-shape", "1,3,8,8"}, 120), says);
        QVERIFY(!QFileInfo::exists(out));
        verifyRefused(torchprepWithin({"compare", file, file, "--input-shape", "1,3,8,8"}, 120),
                      says);
        const QString good = hostileDir() + "/small_traced.pt";
        verifyRefused(torchprepWithin({"compare", good, good, "--inputs", file}, 120),
                      asInputsSays);
    }

    // torch.export programs (.pt2) a crafted or damaged file could be: not JSON, nested past any
    // program, an unknown schema, absurd shapes, a value nothing made, control characters in a
    // name, a broken module stack: one line, exit 2, from validate and from the Studio's reader.
    // The same program written well validates, in both layouts.
    void craftedProgramsAreRefused_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says");
        for (const QJsonValue &entry : manifest())
            if (entry["kind"].toString() == "hostile_program")
                QTest::newRow(qPrintable(QFileInfo(entry["file"].toString()).fileName()))
                    << entry["file"].toString() << entry["says"].toString();
    }

    void craftedProgramsAreRefused()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        verifyRefused(torchprepWithin({"validate", file}, 120), says);
        verifyRefused(torchprepWithin({"validate", "--json", file}, 120), says);
    }

    // A program's weights are read when it runs (compare): one whose view reaches past its
    // record is refused in one line; the same program with all its bytes compares with itself.
    void programWeightsAreChecked()
    {
        int seen = 0;
        for (const QJsonValue &entry : manifest()) {
            if (entry["kind"].toString() != "program_weight")
                continue;
            ++seen;
            const QString file = entry["file"].toString();
            const Run run = torchprepWithin({"compare", file, file, "--input-shape", "1,4"}, 120);
            if (entry["expect"].toString() == "loads")
                QVERIFY2(run.exitCode == 0, run.err.constData());
            else
                verifyRefused(run, entry["says"].toString());
        }
        QCOMPARE(seen, 3);
    }

    void wellWrittenProgramsValidate()
    {
        int seen = 0;
        for (const QJsonValue &entry : manifest()) {
            if (entry["kind"].toString() != "good_program")
                continue;
            ++seen;
            const Run run = torchprepWithin({"validate", entry["file"].toString()}, 120);
            QVERIFY2(run.exitCode == 1, run.err.constData());
            QVERIFY2(run.out.contains("aten::relu") && run.out.contains("m.py:3"),
                     run.out.constData());
        }
        QCOMPARE(seen, 2);
    }

    // A debug pickle written back by Python's pickler, unchanged in content: it is not refused,
    // and the findings still name the user's source lines.
    void rewrittenDebugInfoLoads()
    {
        const QString file = filesOfKind("rewritten_debug_info").value(0);
        QVERIFY(!file.isEmpty());
        const Run run = torchprepWithin({"validate", file}, 120);
        QVERIFY2(run.exitCode == 1, run.err.constData());
        QVERIFY2(run.out.contains("make_hostile.py:"), run.out.constData());
    }

    // Fuzzed archives (flipped, truncated, zeroed, spliced bytes from a fixed seed): any verdict,
    // never a crash or a hang; a refusal is one line; output is UTF-8.
    void fuzzedArchivesNeverCrash()
    {
        const QStringList files = filesOfKind("fuzzed");
        QVERIFY(files.size() >= 50);
        QList<QStringList> runs;
        for (const QString &file : files)
            runs << QStringList{"validate", file, "--json"};
        runAllNeverCrashing(runs);
    }

    // Bytes changed inside one member (debug pickles most often), CRCs recomputed, as a crafted
    // file would be: validate, prepare and compare give any verdict, never a crash or a hang.
    void memberFuzzedArchivesNeverCrash()
    {
        QList<QStringList> runs;
        int i = 0;
        for (const QJsonValue &entry : manifest()) {
            if (entry["kind"].toString() != "member_fuzzed")
                continue;
            const QString file = entry["file"].toString();
            const QString shape = entry["input_shape"].toString();
            runs << QStringList{"validate", file, "--json"};
            // prepare and compare load the file as validate does, then save and run it: a
            // third of the files each keeps the test within minutes.
            if (i % 3 == 0)
                runs << QStringList{
                    "prepare",       file,  "-o",    work_.filePath(QString("m%1.pt").arg(i)),
                    "--input-shape", shape, "--json"};
            else if (i % 3 == 1)
                runs << QStringList{"compare", file,     file, "--input-shape",
                                    shape,     "--runs", "1",  "--json"};
            ++i;
        }
        QVERIFY(i >= 100);
        runAllNeverCrashing(runs);
    }

    // Names that are Python code between quotes: the emitted file runs nothing when imported and
    // its model gives the prepared model's outputs.
    void hostileNamesNeverRunAsCode()
    {
        int emitted = 0;
        for (const QJsonValue &entry : manifest()) {
            if (entry["kind"].toString() != "hostile_name")
                continue;
            const QString file = entry["file"].toString();
            const QString stem = QFileInfo(file).baseName();
            const QTemporaryDir dir;
            QVERIFY(dir.isValid());
            const Run validate = torchprepWithin({"validate", file, "--json"}, 120, {}, dir.path());
            if (validate.exitCode == 2) { // libtorch itself cannot read the name back: refused
                verifyRefused(validate);
                continue;
            }
            QVERIFY2(validate.exitCode == 1, validate.err.constData());
            QVERIFY(isUtf8(validate.out));
            QJsonParseError error;
            QJsonDocument::fromJson(validate.out, &error);
            QCOMPARE(error.error, QJsonParseError::NoError);

            const QString out = dir.filePath(stem + "_prepared.pt");
            const Run prepare = torchprepWithin(
                {"prepare", file, "-o", out, "--input-shape", "2,3", "--emit-python", dir.path()},
                120, {}, dir.path());
            QVERIFY2(prepare.exitCode == 0, prepare.err.constData());
            // Import it and build the model, in the folder where the name would `touch CANARY`.
            const QString script =
                QString("import importlib.util, sys, torch\n"
                        "spec = importlib.util.spec_from_file_location('p', sys.argv[1])\n"
                        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
                        "model = m.load_model()\n"
                        "x = torch.randn(2, 3)\n"
                        "ref = torch.jit.load(sys.argv[2])(x)\n"
                        "print(float((model(x) - ref).abs().max()))\n");
            QProcess python;
            python.setWorkingDirectory(dir.path());
            python.start(qEnvironmentVariable("TORCHPREP_PYTHON"),
                         {"-c", script, dir.filePath(stem + "_prepared.py"), out});
            QVERIFY(python.waitForFinished(120000));
            QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
            QCOMPARE(python.readAllStandardOutput().trimmed(), QByteArray("0.0"));
            QVERIFY2(!QFileInfo::exists(dir.filePath("CANARY")), qPrintable(file + " ran code"));
            ++emitted;
        }
        QVERIFY2(emitted >= 2, "the exploit name of the issue, at least, must load and be emitted");
    }

    // A module name whose bytes are not UTF-8: reports escape them ("\xa5"), JSON stays valid.
    void namesThatAreNotUtf8AreEscaped()
    {
        const QString file = filesOfKind("not_utf8_name").value(0);
        QVERIFY(!file.isEmpty());
        const Run text = torchprepWithin({"validate", file}, 120);
        QCOMPARE(text.exitCode, 1);
        QVERIFY(isUtf8(text.out));
        QVERIFY2(text.out.contains("mod \\xa5\\xa5"), text.out.constData());
        const Run json = torchprepWithin({"validate", file, "--json"}, 120);
        QCOMPARE(json.exitCode, 1);
        QJsonParseError error;
        const QJsonObject report = QJsonDocument::fromJson(json.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(report["findings"].toArray().first()["module"].toString(),
                 QString("mod \\xa5\\xa5"));
        // No Python form for such a name: refused in one line, nothing written.
        const QTemporaryDir dir;
        verifyRefused(torchprepWithin({"prepare", file, "-o", dir.filePath("x.pt"), "--input-shape",
                                       "2,3", "--emit-python", dir.path()},
                                      120),
                      "not valid UTF-8");
        QCOMPARE(listing(dir.path()), QStringList());
    }

    // Every output against every input and every other output: by path, symlink and hard link.
    void outputsNeverOverwriteInputs_data()
    {
        QTest::addColumn<QString>("layout");
        for (const char *layout :
             {"same_path", "symlink_to_input", "hard_link_to_input", "emit_over_input",
              "emit_over_output", "emit_through_symlinked_dir"})
            QTest::newRow(layout) << QString(layout);
    }

    void outputsNeverOverwriteInputs()
    {
        QFETCH(QString, layout);
        const QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString input = dir.filePath("model.pt");
        QVERIFY(QFile::copy(hostileDir() + "/small_traced.pt", input));
        QStringList args;
        if (layout == "same_path") {
            args = {"-o", dir.filePath("./model.pt")};
        } else if (layout == "symlink_to_input") {
            QVERIFY(QFile::link(input, dir.filePath("link.pt")));
            args = {"-o", dir.filePath("link.pt")};
        } else if (layout == "hard_link_to_input") {
            QCOMPARE(::link(QFile::encodeName(input).constData(),
                            QFile::encodeName(dir.filePath("hard.pt")).constData()),
                     0);
            args = {"-o", dir.filePath("hard.pt")};
        } else if (layout == "emit_over_input") {
            // --emit-python writes STEM_state_dict.pt: the input has exactly that name.
            const QString renamed = dir.filePath("out_state_dict.pt");
            QVERIFY(QFile::rename(input, renamed));
            input = renamed;
            QDir(dir.path()).mkdir("elsewhere");
            args = {"-o", dir.filePath("elsewhere/out.pt"), "--emit-python", dir.path()};
        } else if (layout == "emit_over_output") {
            // -o out.py and the emitted out.py are one file.
            args = {"-o", dir.filePath("out.py"), "--emit-python", dir.path()};
        } else {
            // The input is m.py; -o m.pt emits alias/m.py, the input reached through a linked
            // folder.
            QVERIFY(QFile::link(dir.path(), dir.filePath("alias")));
            const QString renamed = dir.filePath("m.py");
            QVERIFY(QFile::rename(input, renamed));
            input = renamed;
            args = {"-o", dir.filePath("m.pt"), "--emit-python", dir.filePath("alias")};
        }
        const QByteArray before = digest(input);
        const QStringList files = listing(dir.path());
        const Run run =
            torchprepWithin(QStringList{"prepare", input, "--input-shape", "1,3,8,8"} + args, 120);
        verifyRefused(run, "choose another file");
        QCOMPARE(digest(input), before);
        QCOMPARE(listing(dir.path()), files);
    }

    // Only regular files are read: a FIFO never hangs the tool, nor does /dev/zero.
    void specialFilesAreRefused()
    {
        const QTemporaryDir dir;
        const QString fifo = dir.filePath("fifo.pt");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QString good = hostileDir() + "/small_traced.pt";
        verifyRefused(torchprepWithin({"validate", fifo}, 60), "FIFO");
        verifyRefused(torchprepWithin({"compare", good, good, "--inputs", fifo}, 60), "FIFO");
        verifyRefused(torchprepWithin({"compare", good, good, "--inputs", "/dev/zero"}, 60),
                      "device");
        verifyRefused(
            torchprepWithin(
                {"prepare", "/dev/zero", "-o", dir.filePath("x.pt"), "--input-shape", "1"}, 60),
            "device");
    }

    // Every number is parsed strictly, and one bound on batches holds for prepare and compare.
    void numbersAreParsedStrictly_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QString good = hostileDir() + "/small_traced.pt";
        const QStringList prepare{"prepare",       good,     "-o", "/tmp/never-written.pt",
                                  "--input-shape", "1,3,8,8"};
        const QStringList compare{"compare", good, good, "--input-shape", "1,3,8,8"};
        for (const char *batches : {"lots", "3x", "1e3", "0", "-1", "1000000000", ""}) {
            QTest::newRow(qPrintable(QString("prepare_batches_") + batches))
                << prepare + QStringList{"--batches", batches} << "--batches";
            QTest::newRow(qPrintable(QString("compare_batches_") + batches))
                << compare + QStringList{"--batches", batches} << "--batches";
        }
        QTest::newRow("runs") << compare + QStringList{"--runs", "ten"} << "--runs";
        QTest::newRow("tolerance")
            << compare + QStringList{"--tolerance", "small"} << "--tolerance";
        QTest::newRow("shape_text")
            << QStringList{"compare", good, good, "--input-shape", "1,3,a,8"} << "--input-shape";
        QTest::newRow("shape_overflow")
            << QStringList{"compare", good, good, "--input-shape", "1,99999999999999999999"}
            << "--input-shape";
        QTest::newRow("shape_too_large")
            << QStringList{"compare", good, good, "--input-shape", "100000,100000,100000"}
            << "too large";
        QTest::newRow("shape_too_large_prepare") << QStringList{"prepare",
                                                                good,
                                                                "-o",
                                                                "/tmp/never-written.pt",
                                                                "--input-shape",
                                                                "4000000,3,1000,1000"}
                                                 << "too large";
    }

    void numbersAreParsedStrictly()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        verifyRefused(torchprepWithin(args, 120), says);
        QVERIFY(!QFileInfo::exists("/tmp/never-written.pt"));
    }

    // NaN and Inf: same positions agree, NaN against a number differs, all-NaN proves nothing.
    void nanOutputsGetAVerdict()
    {
        const QString everywhere = filesOfKind("nan").value(0);
        const QString some = filesOfKind("nan").value(1);
        const QTemporaryDir dir;
        const Run allNan = torchprepWithin(
            {"prepare", everywhere, "-o", dir.filePath("n.pt"), "--input-shape", "8", "--json"},
            120);
        QCOMPARE(allNan.exitCode, 1);
        const QJsonObject proof =
            QJsonDocument::fromJson(allNan.out).object()["equivalence"].toObject();
        QCOMPARE(proof["passed"].toBool(), false);
        QVERIFY2(proof["reason"].toString().contains("NaN"), allNan.out.constData());
        // Nothing broke: the inputs gave no numbers, and no step is blamed for it.
        QCOMPARE(proof["inputs_gave_no_numbers"].toBool(), true);
        QVERIFY2(proof["broken_by"].isNull(), allNan.out.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath("n.pt")));
        const Run allNanText = torchprepWithin(
            {"prepare", everywhere, "-o", dir.filePath("n.pt"), "--input-shape", "8"}, 120);
        QVERIFY2(allNanText.out.contains("the inputs gave no numbers"), allNanText.out.constData());
        QVERIFY2(!allNanText.out.contains("broken by"), allNanText.out.constData());

        const Run someNan = torchprepWithin(
            {"prepare", some, "-o", dir.filePath("s.pt"), "--input-shape", "8", "--json"}, 120);
        QCOMPARE(someNan.exitCode, 0); // log of the negative inputs: NaN at the same places in both
        const QJsonObject proven =
            QJsonDocument::fromJson(someNan.out).object()["equivalence"].toObject();
        QVERIFY(proven["non_finite"].toInt() > 0);
        QCOMPARE(proven["non_finite_mismatches"].toInt(), 0);
        QCOMPARE(proven["inputs_gave_no_numbers"].toBool(), false);

        const Run compared = torchprepWithin(
            {"compare", some, dir.filePath("s.pt"), "--input-shape", "8", "--json"}, 120);
        QCOMPARE(compared.exitCode, 0);
        const QJsonObject output =
            QJsonDocument::fromJson(compared.out).object()["outputs"].toArray()[0].toObject();
        QVERIFY(output["non_finite"]["a"].toInt() > 0);
        QCOMPARE(output["non_finite"]["mismatched"].toInt(), 0);

        const Run against =
            torchprepWithin({"compare", some, everywhere, "--input-shape", "8"}, 120);
        QCOMPARE(against.exitCode, 1);
        QVERIFY2(against.out.contains("NaN or Inf in one model"), against.out.constData());
    }

    // Killed between writing every byte and putting the file in place: nothing left behind.
    void killedRunLeavesNothing()
    {
        const QTemporaryDir dir;
        const QString input = hostileDir() + "/small_traced.pt";
        const Run run = torchprepWithin({"prepare", input, "-o", dir.filePath("out.pt"),
                                         "--input-shape", "1,3,8,8", "--emit-python", dir.path()},
                                        120, {"TORCHPREP_TEST_KILL_BEFORE_COMMIT=1"});
        QCOMPARE(run.exitCode, -1); // killed by the hook
        QCOMPARE(listing(dir.path()), QStringList());
    }

    // A traced chain of 20,000 adds: libtorch compiles it 40,000 frames deep; it runs.
    void longGraphsRun()
    {
        const QString chain = filesOfKind("long_graph").value(0);
        QVERIFY(!chain.isEmpty());
        const QTemporaryDir dir;
        const Run run =
            torchprepWithin({"prepare", chain, "-o", dir.filePath("c.pt"), "--input-shape", "2",
                             "--only", "unroll_reuse", "--batches", "1"},
                            300);
        QVERIFY2(
            run.exitCode == 0,
            qPrintable(QString("exit %1: %2").arg(run.exitCode).arg(QString::fromUtf8(run.err))));
        QVERIFY(QFileInfo::exists(dir.filePath("c.pt")));
    }
};

QTEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
