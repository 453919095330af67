#include "properties_panel.h"

#include "session/check_style.h"
#include "session/model_session.h"
#include "session/selection.h"
#include "session/shape_recorder.h"
#include "torchscript/op_arguments.h"

#include <QLocale>

namespace torchprep {

namespace {

QString esc(const std::string &text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString row(const QString &key, const QString &value)
{
    return QStringLiteral("<tr><td style='color:#5f6368;padding-right:8px'>%1</td><td>%2</td></tr>")
        .arg(key, value);
}

// "name = value" lines, one per argument.
QString argumentLines(const std::vector<std::pair<QString, QString>> &arguments)
{
    QString text;
    for (const auto &[name, value] : arguments)
        text +=
            (name.isEmpty() ? value
                            : QStringLiteral("<b>%1</b> = %2").arg(name.toHtmlEscaped(), value)) +
            QStringLiteral("<br>");
    return text;
}

} // namespace

PropertiesPanel::PropertiesPanel(Selection *selection, QWidget *parent)
    : QTextBrowser(parent), selection_(selection)
{
    setOpenLinks(false);
    setPlaceholderText(tr("Select a box in the graph to see its properties."));
    connect(selection_, &Selection::changed, this, &PropertiesPanel::refresh);
}

void PropertiesPanel::setShapes(std::shared_ptr<const SessionShapes> shapes)
{
    shapes_ = std::move(shapes);
    refresh();
}

void PropertiesPanel::setFixPreview(const ModelSession *session, int finding, const QString &text)
{
    previewSession_ = session;
    previewFinding_ = finding;
    preview_ = text;
    refresh();
}

void PropertiesPanel::refresh()
{
    if (selection_->session() && selection_->node() != kNoId)
        showNode(*selection_->session(), selection_->node());
    else
        clear();
}

QString PropertiesPanel::valueText(const ModelGraph &graph, ValueId id) const
{
    const GraphValue &value = graph.values[id];
    const GraphNode *producer = value.producer == kNoId ? nullptr : &graph.nodes[value.producer];
    if (producer && producer->op == "prim::Constant")
        return producer->attribute.empty() && value.type == "NoneType" ? QStringLiteral("None")
                                                                       : esc(producer->attribute);
    if (producer && producer->op == "prim::ListConstruct") {
        QStringList items;
        for (ValueId item : producer->inputs)
            items << valueText(graph, item);
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    const TensorShape *shape = shapesUsable_ ? shapes_->shapes.of(id) : nullptr;
    QString text = shape ? QStringLiteral("<span style='color:#3e6e9e'>%1</span>")
                               .arg(esc(tensorShapeText(*shape)))
                         : esc(value.type);
    if (producer && producer->kind == NodeKind::ModuleCall)
        text += QStringLiteral(" <span style='color:#5f6368'>from %1</span>")
                    .arg(esc(displayPath(graph.modules[producer->callee].path)));
    else if (producer && producer->op != "prim::GetAttr")
        text +=
            QStringLiteral(" <span style='color:#5f6368'>from %1</span>").arg(esc(producer->op));
    else if (producer)
        text += QStringLiteral(" <span style='color:#5f6368'>self.%1</span>")
                    .arg(esc(producer->attribute));
    else
        text += QStringLiteral(" <span style='color:#5f6368'>model input</span>");
    return text;
}

void PropertiesPanel::showNode(const ModelSession &session, NodeId id)
{
    const ModelGraph &graph = session.graph();
    const GraphNode &node = graph.nodes.at(id);
    shapesUsable_ = shapes_ && shapes_->belongTo(session);
    QString html;
    std::vector<std::pair<QString, QString>> arguments, results;
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
        for (std::size_t i = 0; i < node.inputs.size(); ++i)
            arguments.emplace_back(i < node.signatureInputs.size()
                                       ? QString::fromStdString(node.signatureInputs[i].name)
                                       : QString(),
                                   valueText(graph, node.inputs[i]));
    } else {
        html = QStringLiteral("<h3>%1</h3><table>").arg(esc(node.op));
        html += row(tr("Kind"), tr("op"));
        html += row(tr("In module"), esc(displayPath(graph.modules[node.owner].path)));
        if (!node.attribute.empty())
            html += row(tr("Attribute"), esc(node.attribute));
        const std::vector<std::string> names = opArgumentNames(node.op, node.inputs.size());
        for (std::size_t i = 0; i < node.inputs.size(); ++i)
            arguments.emplace_back(i < names.size() ? QString::fromStdString(names[i]) : QString(),
                                   valueText(graph, node.inputs[i]));
    }
    for (ValueId out : node.outputs) {
        const TensorShape *shape = shapesUsable_ ? shapes_->shapes.of(out) : nullptr;
        results.emplace_back(QString(),
                             shape ? QStringLiteral("<span style='color:#3e6e9e'>%1</span>")
                                         .arg(esc(tensorShapeText(*shape)))
                                   : esc(graph.values[out].type));
    }
    if (!arguments.empty())
        html += row(tr("Arguments"), argumentLines(arguments));
    if (!results.empty())
        html += row(results.size() == 1 ? tr("Result") : tr("Results"), argumentLines(results));
    if (!shapesUsable_ && session.model())
        html += row(QString(),
                    tr("<i style='color:#5f6368'>Shapes: describe the inputs (Tools ▸ Describe "
                       "Inputs…)</i>"));
    html += row(tr("Source"), node.source.known() ? esc(node.source.str()) : tr("not recorded"));
    html += QStringLiteral("</table>");

    const auto &findings = session.report().findings;
    auto list = [&](const std::vector<int> &indexes, const QString &title) {
        if (indexes.empty())
            return;
        html += QStringLiteral("<h4>%1</h4>").arg(title);
        for (int i : indexes) {
            const Finding &f = findings[i];
            const bool previewed = previewSession_ == &session && previewFinding_ == i;
            html += QStringLiteral("<p><b style='color:%1'>%2</b> %3<br><i>%4</i> %5%6</p>")
                        .arg(checkColor(f.check).name(), checkTitle(f.check), esc(f.message),
                             previewed ? tr("By hand:") : tr("Fix:"), esc(f.fix),
                             previewed ? tr("<br><i>Fix (Ctrl+F2) creates:</i> <code>%1</code>")
                                             .arg(preview_.toHtmlEscaped())
                                       : QString());
        }
    };
    list(session.findingsOf(id), tr("Findings"));
    list(session.findingsInside(id), tr("Findings inside"));
    if (session.findingsOf(id).empty() && session.findingsInside(id).empty())
        html += tr("<p style='color:#2e7d32'>No findings here.</p>");
    setHtml(html);
}

} // namespace torchprep
