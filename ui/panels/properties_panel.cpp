#include "properties_panel.h"

#include "session/check_style.h"
#include "session/model_session.h"
#include "session/selection.h"

#include <QLocale>

namespace torchprep {

namespace {

QString esc(const std::string &text) { return QString::fromStdString(text).toHtmlEscaped(); }

QString row(const QString &key, const QString &value)
{
    return QStringLiteral("<tr><td style='color:#5f6368;padding-right:8px'>%1</td><td>%2</td></tr>")
        .arg(key, value);
}

} // namespace

PropertiesPanel::PropertiesPanel(Selection *selection, QWidget *parent) : QTextBrowser(parent), selection_(selection)
{
    setOpenLinks(false);
    setPlaceholderText(tr("Select a box in the graph to see its properties."));
    connect(selection_, &Selection::changed, this, [this] {
        if (selection_->session() && selection_->node() != kNoId)
            showNode(*selection_->session(), selection_->node());
        else
            clear();
    });
}

void PropertiesPanel::showNode(const ModelSession &session, NodeId id)
{
    const ModelGraph &graph = session.graph();
    const GraphNode &node = graph.nodes.at(id);
    QString html = QStringLiteral("<table>");
    if (node.kind == NodeKind::ModuleCall) {
        const ModuleInfo &m = graph.modules[node.callee];
        html = QStringLiteral("<h3>%1</h3><table>").arg(esc(m.typeName));
        html += row(tr("Kind"), node.expanded ? tr("module (user code)") : tr("torch.nn layer"));
        html += row(tr("Module"), esc(m.path));
        html += row(tr("Class"), esc(m.className));
        html += row(tr("Parameters"), QLocale().toString(static_cast<qlonglong>(m.parameterCount)));
        html += row(tr("Method"), esc(node.op));
        if (m.calls.size() > 1)
            html += row(tr("Calls"), tr("%1 (this is one of them)").arg(m.calls.size()));
        QString signature;
        for (const SignatureEntry &in : node.signatureInputs)
            signature += esc(in.name + ": " + in.type) + "<br>";
        if (!signature.isEmpty())
            html += row(tr("Inputs"), signature);
        signature.clear();
        for (const SignatureEntry &out : node.signatureOutputs)
            signature += esc(out.type) + "<br>";
        if (!signature.isEmpty())
            html += row(tr("Returns"), signature);
    } else {
        html = QStringLiteral("<h3>%1</h3><table>").arg(esc(node.op));
        html += row(tr("Kind"), tr("op"));
        html += row(tr("In module"), esc(displayPath(graph.modules[node.owner].path)));
        if (!node.attribute.empty())
            html += row(tr("Attribute"), esc(node.attribute));
        auto values = [&](const std::vector<ValueId> &ids) {
            QString text;
            for (ValueId v : ids)
                text += esc((graph.values[v].name.empty() ? "%" + std::to_string(v) : graph.values[v].name) +
                            ": " + graph.values[v].type) + "<br>";
            return text;
        };
        html += row(tr("Inputs"), values(node.inputs));
        html += row(tr("Outputs"), values(node.outputs));
    }
    html += row(tr("Source"), node.source.known() ? esc(node.source.str()) : tr("not recorded"));
    html += QStringLiteral("</table>");

    const auto &findings = session.report().findings;
    auto list = [&](const std::vector<int> &indexes, const QString &title) {
        if (indexes.empty())
            return;
        html += QStringLiteral("<h4>%1</h4>").arg(title);
        for (int i : indexes) {
            const Finding &f = findings[i];
            html += QStringLiteral("<p><b style='color:%1'>%2</b> %3<br><i>Fix:</i> %4</p>")
                        .arg(checkColor(f.check).name(), checkTitle(f.check), esc(f.message), esc(f.fix));
        }
    };
    list(session.findingsOf(id), tr("Findings"));
    list(session.findingsInside(id), tr("Findings inside"));
    if (session.findingsOf(id).empty() && session.findingsInside(id).empty())
        html += tr("<p style='color:#2e7d32'>No findings here.</p>");
    setHtml(html);
}

} // namespace torchprep
