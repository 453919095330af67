// The layer rule, checked: every #include under core/ and ui/ runs down the tables in
// core/README.md and ui/README.md, and torch stays inside core's .cpp files and private headers.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include <map>
#include <set>

namespace {

// The checkout, as ctest passes it.
const QString kSource = qEnvironmentVariable("TORCHPREP_SOURCE_DIR");

QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// A README's table: each `| \`folder/\` | ... | \`a\`, \`b\` |` row, folder -> the folders it uses.
using LayerTable = std::map<QString, std::set<QString>>;

LayerTable parseTable(const QString &readme)
{
    LayerTable table;
    static const QRegularExpression row(QStringLiteral("^\\| `(\\w+)/` \\|.*\\|([^|]*)\\|\\s*$"),
                                        QRegularExpression::MultilineOption);
    static const QRegularExpression name(QStringLiteral("`(\\w+)`"));
    for (auto rows = row.globalMatch(readme); rows.hasNext();) {
        const auto m = rows.next();
        std::set<QString> &uses = table[m.captured(1)];
        for (auto names = name.globalMatch(m.captured(2)); names.hasNext();)
            uses.insert(names.next().captured(1));
    }
    return table;
}

// Everything `folder` may include: itself and what its row names, transitively.
std::set<QString> reachable(const LayerTable &table, const QString &folder)
{
    std::set<QString> seen{folder};
    std::vector<QString> todo{folder};
    while (!todo.empty()) {
        const QString next = todo.back();
        todo.pop_back();
        const auto it = table.find(next);
        if (it == table.end())
            continue;
        for (const QString &used : it->second)
            if (seen.insert(used).second)
                todo.push_back(used);
    }
    return seen;
}

struct Include
{
    QString file;   // relative to the source root: "core/checks/validator.cpp"
    QString target; // as written: "graph/model_graph.h", <torch/script.h> as "<torch/script.h>"
};

std::vector<Include> includesUnder(const QString &root)
{
    std::vector<Include> out;
    static const QRegularExpression include(
        QStringLiteral("^\\s*#\\s*include\\s*([\"<])([^\">]+)[\">]"),
        QRegularExpression::MultilineOption);
    QDirIterator files(kSource + "/" + root, {"*.h", "*.cpp", "*.inc", "*.in"}, QDir::Files,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        const QString relative = QDir(kSource).relativeFilePath(path);
        for (auto m = include.globalMatch(readText(path)); m.hasNext();) {
            const auto found = m.next();
            out.push_back({relative, found.captured(1) == "<" ? "<" + found.captured(2) + ">"
                                                              : found.captured(2)});
        }
    }
    return out;
}

// The layer a quoted include names: its first folder when that is a layer of `side` ("core" or
// "ui"), else the including file's own folder when the file sits beside it; "" when neither.
QString layerOf(const Include &inc, const QString &side)
{
    const QString first = inc.target.section('/', 0, 0);
    if (inc.target.contains('/') && QFileInfo(kSource + "/" + side + "/" + first).isDir() &&
        QFileInfo::exists(kSource + "/" + side + "/" + inc.target))
        return first;
    const QString own = inc.file.section('/', 1, 1);
    if (QFileInfo::exists(kSource + "/" + side + "/" + own + "/" + inc.target))
        return own;
    return {};
}

bool isPrivateTorchHeader(const QString &target)
{
    return target.endsWith("_torch.h") || target.endsWith("_impl.h") ||
           target.startsWith("<torch/") || target.startsWith("<ATen/") ||
           target.startsWith("<c10/");
}

// Every include of core/ that runs against core/README.md's table, as "file -> include".
QStringList coreViolations(const LayerTable &core, const std::vector<Include> &includes)
{
    QStringList bad;
    for (const Include &inc : includes) {
        if (inc.target.startsWith('<')) {
            // torch only in .cpp files and the private headers that only they include
            const bool privateFile = inc.file.endsWith(".cpp") || isPrivateTorchHeader(inc.file);
            if (isPrivateTorchHeader(inc.target) && !privateFile)
                bad << inc.file + " -> " + inc.target + " (torch in a plain header)";
            continue;
        }
        const QString from = inc.file.section('/', 1, 1);
        const QString to = layerOf(inc, "core");
        if (to.isEmpty())
            continue; // a generated file or a file of the build
        if (!reachable(core, from).count(to))
            bad << inc.file + " -> " + inc.target;
        else if (isPrivateTorchHeader(inc.target) && !inc.file.endsWith(".cpp") &&
                 !isPrivateTorchHeader(inc.file))
            bad << inc.file + " -> " + inc.target + " (a private torch header in a plain one)";
    }
    return bad;
}

// Every include of ui/ that runs against ui/README.md's table; `core` there means the core's
// pipeline and what it uses.
QStringList uiViolations(const LayerTable &ui, const LayerTable &core,
                         const std::vector<Include> &includes)
{
    QStringList bad;
    const std::set<QString> coreAllowed = reachable(core, "pipeline");
    for (const Include &inc : includes) {
        if (inc.target.startsWith('<')) {
            if (isPrivateTorchHeader(inc.target))
                bad << inc.file + " -> " + inc.target + " (torch in the Studio)";
            continue;
        }
        const QString from = inc.file.section('/', 1, 1);
        const std::set<QString> allowed = reachable(ui, from);
        if (const QString to = layerOf(inc, "ui"); !to.isEmpty()) {
            if (!allowed.count(to))
                bad << inc.file + " -> " + inc.target;
        } else if (const QString layer = layerOf(inc, "core"); !layer.isEmpty()) {
            if (!allowed.count("core") || !coreAllowed.count(layer) ||
                isPrivateTorchHeader(inc.target))
                bad << inc.file + " -> " + inc.target + " (core)";
        }
    }
    return bad;
}

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

  private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kSource + "/core/README.md").exists(), "TORCHPREP_SOURCE_DIR");
    }

    void tablesNameEveryFolder()
    {
        const LayerTable core = parseTable(readText(kSource + "/core/README.md"));
        const LayerTable ui = parseTable(readText(kSource + "/ui/README.md"));
        for (const auto &[root, table] :
             {std::pair{QString("core"), core}, std::pair{QString("ui"), ui}}) {
            const QStringList folders =
                QDir(kSource + "/" + root).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
            QVERIFY2(!folders.isEmpty(), qPrintable(root));
            for (const QString &folder : folders)
                QVERIFY2(table.count(folder),
                         qPrintable(root + "/" + folder + " has no row in " + root + "/README.md"));
            for (const auto &[folder, uses] : table)
                for (const QString &used : uses)
                    QVERIFY2(
                        table.count(used) || (root == "ui" && used == "core"),
                        qPrintable(root + "/" + folder + " uses " + used + ", which has no row"));
        }
    }

    void coreIncludesRunDown()
    {
        const LayerTable core = parseTable(readText(kSource + "/core/README.md"));
        const QStringList bad = coreViolations(core, includesUnder("core"));
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join('\n')));
    }

    void uiIncludesRunDown()
    {
        const LayerTable core = parseTable(readText(kSource + "/core/README.md"));
        const LayerTable ui = parseTable(readText(kSource + "/ui/README.md"));
        const QStringList bad = uiViolations(ui, core, includesUnder("ui"));
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join('\n')));
    }

    // The check itself sees an include that runs up, one that reaches past its layer's uses,
    // torch in a plain header and the CLI in the Studio.
    void theCheckCatchesWhatRunsUp()
    {
        const LayerTable core = parseTable(readText(kSource + "/core/README.md"));
        const LayerTable ui = parseTable(readText(kSource + "/ui/README.md"));
        const QStringList coreBad =
            coreViolations(core, {{"core/graph/model_graph.cpp", "checks/finding.h"},
                                  {"core/checks/validator.cpp", "torchscript/torch_model.h"},
                                  {"core/graph/model_graph.h", "<torch/script.h>"},
                                  {"core/checks/finding.h", "torchscript/graph_builder_torch.h"},
                                  {"core/prepare/preparer.cpp", "checks/finding.h"}});
        QCOMPARE(coreBad.size(), 4);
        QVERIFY(!coreBad.join('\n').contains("preparer.cpp"));
        const QStringList uiBad =
            uiViolations(ui, core,
                         {{"ui/session/model_session.h", "commands/cli.h"},
                          {"ui/graph/graph_pane.h", "window/main_window.h"},
                          {"ui/panels/findings_panel.cpp", "<torch/script.h>"},
                          {"ui/fixes/fix_workflow.cpp", "diff/diff_view.h"}});
        QCOMPARE(uiBad.size(), 3);
        QVERIFY(!uiBad.join('\n').contains("fix_workflow"));
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
