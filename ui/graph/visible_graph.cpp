#include "visible_graph.h"

#include "session/model_session.h"

#include <QFontMetricsF>
#include <QObject>

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace torchprep {

namespace {

QString shortOp(const std::string &op)
{
    const auto colons = op.find("::");
    return QString::fromStdString(colons == std::string::npos ? op : op.substr(colons + 2));
}

// "Float(1, 64, 56, 56, strides=[...], requires_grad=0)" -> "Float(1, 64, 56, 56)". Only
// shapes and structured values (dicts, tuples) say something; "Tensor", "int", "List[int]"
// on every edge would be noise.
QString edgeLabel(const std::string &type)
{
    const bool shaped = type.find('(') != std::string::npos;
    const bool structured = type.rfind("Dict", 0) == 0 || type.rfind("Tuple", 0) == 0;
    if (!shaped && !structured)
        return {};
    QString text = QString::fromStdString(type);
    const int strides = text.indexOf(QLatin1String(", strides="));
    if (strides > 0)
        text = text.left(strides) + ')';
    return text.size() > 40 ? text.left(38) + QStringLiteral("…") : text;
}

QString lastComponent(const std::string &path)
{
    const auto dot = path.rfind('.');
    return QString::fromStdString(dot == std::string::npos ? path : path.substr(dot + 1));
}

} // namespace

bool isPlumbing(const GraphNode &node)
{
    static const std::unordered_set<std::string> plumbing = {
        "prim::Constant",       "prim::GetAttr",     "prim::ListConstruct",  "prim::ListUnpack",
        "prim::TupleConstruct", "prim::TupleUnpack", "prim::NumToTensor",    "aten::Int",
        "aten::size",           "prim::TupleIndex",  "aten::ScalarImplicit", "aten::Float",
        "prim::device",         "prim::dtype",       "prim::DictConstruct",  "prim::unchecked_cast",
    };
    return node.kind == NodeKind::Op && plumbing.count(node.op) != 0;
}

bool isExpandable(const GraphNode &node)
{
    return node.kind == NodeKind::ModuleCall && node.expanded;
}

NodeId representative(const ModelGraph &graph, const std::set<NodeId> &expanded, NodeId node)
{
    NodeId rep = node;
    for (NodeId c = graph.nodes[node].parentCall; c != kNoId; c = graph.nodes[c].parentCall)
        if (!expanded.count(c))
            rep = c; // the outermost closed call wins
    return rep;
}

std::set<NodeId> defaultExpansion(const ModelGraph &graph, int budget)
{
    std::unordered_map<NodeId, int> bodySize; // visible boxes directly inside each call
    std::vector<NodeId> level;
    int visible = static_cast<int>(graph.inputs.size()) + 1;
    for (const GraphNode &node : graph.nodes) {
        if (isPlumbing(node))
            continue;
        if (node.parentCall == kNoId) {
            ++visible;
            if (isExpandable(node))
                level.push_back(node.id);
        } else {
            ++bodySize[node.parentCall];
        }
    }
    std::set<NodeId> expanded;
    while (!level.empty()) {
        int added = 0;
        for (NodeId call : level)
            added += bodySize[call] - 1;
        if (visible + added > budget && !expanded.empty())
            break;
        visible += added;
        std::vector<NodeId> next;
        for (NodeId call : level)
            expanded.insert(call);
        for (const GraphNode &node : graph.nodes)
            if (node.parentCall != kNoId && expanded.count(node.parentCall) &&
                !expanded.count(node.id) && isExpandable(node))
                next.push_back(node.id);
        level.swap(next);
    }
    return expanded;
}

VisibleGraph buildVisibleGraph(const ModelSession &session, const std::set<NodeId> &expanded,
                               const QFont &font)
{
    const ModelGraph &graph = session.graph();
    const QFontMetricsF metrics(font);
    VisibleGraph out;

    auto sized = [&](VisibleBox box) {
        const qreal text =
            std::max(metrics.horizontalAdvance(box.title), metrics.horizontalAdvance(box.subtitle));
        const qreal lines = box.subtitle.isEmpty() ? 1 : 2;
        box.size = QSizeF(std::max<qreal>(64, text + 20), lines * metrics.height() + 12);
        out.boxes.push_back(std::move(box));
    };

    for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
        const std::string name = i < graph.signatureInputs.size()
                                     ? graph.signatureInputs[i].name
                                     : graph.values[graph.inputs[i]].name;
        sized({kInputKeyBase - static_cast<int>(i),
               BoxKind::Input,
               kNoId,
               kNoId,
               QObject::tr("input"),
               QString::fromStdString(name),
               {}});
    }

    std::unordered_set<NodeId> shown;
    for (const GraphNode &node : graph.nodes) {
        if (isPlumbing(node) || representative(graph, expanded, node.id) != node.id)
            continue;
        if (isExpandable(node) && expanded.count(node.id)) {
            const ModuleInfo &module = graph.modules[node.callee];
            VisibleCluster cluster{node.id, node.parentCall, 0,
                                   QString::fromStdString(module.typeName + "  " + module.path)};
            cluster.depth = static_cast<int>(session.ancestorCalls(node.id).size());
            out.clusters.push_back(std::move(cluster));
            continue;
        }
        VisibleBox box;
        box.key = node.id;
        box.node = node.id;
        box.cluster = node.parentCall;
        if (node.kind == NodeKind::Op) {
            box.kind = BoxKind::Op;
            box.title = shortOp(node.op);
        } else {
            const ModuleInfo &module = graph.modules[node.callee];
            box.kind = isExpandable(node) ? BoxKind::CollapsedModule : BoxKind::Layer;
            box.title = QString::fromStdString(module.typeName);
            box.subtitle = box.kind == BoxKind::Layer ? lastComponent(module.path)
                                                      : QString::fromStdString(module.path);
            if (module.calls.size() > 1) {
                const auto at = std::find(module.calls.begin(), module.calls.end(), node.id);
                box.subtitle += QObject::tr(" · call %1/%2")
                                    .arg(at - module.calls.begin() + 1)
                                    .arg(module.calls.size());
            }
            if (box.kind == BoxKind::CollapsedModule)
                box.title += QStringLiteral("  ⊕");
        }
        shown.insert(node.id);
        sized(std::move(box));
    }
    std::stable_sort(
        out.clusters.begin(), out.clusters.end(),
        [](const VisibleCluster &a, const VisibleCluster &b) { return a.depth < b.depth; });
    sized({kOutputKey, BoxKind::Output, kNoId, kNoId, QObject::tr("output"), {}, {}});

    // Which boxes a value comes from, and what each hands on: its producer's box, or through
    // plumbing (a list for torch.cat) to theirs.
    struct Source
    {
        int box;
        ValueId value;
    };
    std::unordered_map<ValueId, std::vector<Source>> memo;
    std::function<const std::vector<Source> &(ValueId)> sources =
        [&](ValueId v) -> const std::vector<Source> & {
        auto found = memo.find(v);
        if (found != memo.end())
            return found->second;
        std::vector<Source> result;
        memo[v] = {}; // guards against cycles through malformed input
        const GraphValue &value = graph.values[v];
        auto add = [&](const Source &s) {
            if (std::none_of(result.begin(), result.end(),
                             [&](const Source &r) { return r.box == s.box; }))
                result.push_back(s);
        };
        if (value.producer == kNoId) {
            const auto at = std::find(graph.inputs.begin(), graph.inputs.end(), v);
            if (at != graph.inputs.end())
                add({kInputKeyBase - static_cast<int>(at - graph.inputs.begin()), v});
        } else if (value.origin != ValueOrigin::Parameter &&
                   value.origin != ValueOrigin::Constant) {
            const NodeId rep = representative(graph, expanded, value.producer);
            if (shown.count(rep)) {
                add({rep, v});
            } else {
                for (ValueId in : graph.nodes[rep].inputs)
                    for (const Source &s : sources(in))
                        add(s);
            }
        }
        return memo[v] = std::move(result);
    };

    std::set<std::pair<int, int>> seen;
    auto connect = [&](ValueId v, int to) {
        for (const Source &from : sources(v))
            if (from.box != to && seen.insert({from.box, to}).second)
                out.edges.push_back(
                    {from.box, to, edgeLabel(graph.values[from.value].type), from.value});
    };
    for (const VisibleBox &box : out.boxes)
        if (box.node != kNoId)
            for (ValueId v : graph.nodes[box.node].inputs)
                connect(v, box.key);
    for (ValueId v : graph.outputs)
        connect(v, kOutputKey);
    return out;
}

} // namespace torchprep
