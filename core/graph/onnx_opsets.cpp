#include "graph/onnx_opsets.h"

#include "base/errors.h"
#include "base/printable.h"
#include "libtorch/missing_aten_ops.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace torchprep {

namespace {

const OnnxOpsetRow kDebianRows[] = {
#include "graph/onnx_opsets.inc"
};

const OnnxOpsetRow kTorch26Rows[] = {
#include "graph/onnx_opsets_2_6.inc"
};

const OnnxOpsetRow kTorch214Rows[] = {
#include "graph/onnx_opsets_2_14.inc"
};

// Debian 12's torch, Debian 13's, and the newest torches at hand when generated.
const std::vector<OnnxExporterTable> &opsetTables()
{
    static const std::vector<OnnxExporterTable> tables = [] {
        std::vector<OnnxExporterTable> made = {
            {TORCHPREP_ONNX_TORCH_VERSION,
             TORCHPREP_ONNX_MAX_OPSET,
             {std::begin(kDebianRows), std::end(kDebianRows)}},
            {TORCHPREP_ONNX_2_6_TORCH_VERSION,
             TORCHPREP_ONNX_2_6_MAX_OPSET,
             {std::begin(kTorch26Rows), std::end(kTorch26Rows)}},
            // torch 2.13 (the newest wheel on Debian 13's machines): make_onnx_opsets.py made
            // its table row for row the same as 2.14's, so that table serves it under its name.
            {"2.13.0",
             TORCHPREP_ONNX_2_14_MAX_OPSET,
             {std::begin(kTorch214Rows), std::end(kTorch214Rows)}},
            {TORCHPREP_ONNX_2_14_TORCH_VERSION,
             TORCHPREP_ONNX_2_14_MAX_OPSET,
             {std::begin(kTorch214Rows), std::end(kTorch214Rows)}},
        };
        for (OnnxExporterTable &table : made) // indexed where the rows now live: copies moved them
            for (const OnnxOpsetRow &row : table.rows)
                table.byOp.emplace(row.op, &row);
        return made;
    }();
    return tables;
}

std::string majorMinor(const std::string &version)
{
    const auto first = version.find('.');
    const auto second = first == std::string::npos ? first : version.find('.', first + 1);
    return version.substr(0, second);
}

} // namespace

const OnnxExporterTable &onnxExporterTable(const std::string &torch)
{
    // Found once: the walks ask onnxMayRefuse of every op.
    static const OnnxExporterTable &linked = []() -> const OnnxExporterTable & {
        for (const OnnxExporterTable &table : opsetTables())
            if (majorMinor(table.torch) == majorMinor(linkedTorchVersion()))
                return table;
        return opsetTables().front();
    }();
    if (torch.empty())
        return linked;
    for (const OnnxExporterTable &table : opsetTables())
        if (torch == table.torch || torch == majorMinor(table.torch))
            return table;
    throw InputError("--onnx-torch " + printable(torch) +
                     ": the exporters TorchPrep knows are those of torch " + joinedOnnxExporters());
}

bool handledBeforeOnnxSymbolics(const std::string &op)
{
    static const std::unordered_set<std::string> handled = {
        "prim::GetAttr",        "prim::SetAttr",     "prim::CallMethod",   "prim::CallFunction",
        "prim::NumToTensor",    "aten::Int",         "aten::Float",        "aten::Bool",
        "aten::ScalarImplicit", "prim::TupleUnpack", "prim::TupleIndex",   "prim::RaiseException",
        "aten::warn",           "aten::format",      "aten::__contains__", "aten::str",
        "prim::requires_grad",  "prim::Param",       "prim::Return",
    };
    return handled.count(op) > 0;
}

// The exporter looks an in-place op up under its out-of-place name ("aten::add_" as
// "aten::add") and registers dunder ops with one trailing underscore ("aten::__and_").
const OnnxOpsetRow *OnnxExporterTable::find(const std::string &op) const
{
    const std::string name = op.size() > 1 && op.back() == '_' ? op.substr(0, op.size() - 1) : op;
    const auto row = byOp.find(name);
    return row == byOp.end() ? nullptr : row->second;
}

const std::vector<OnnxArgumentRule> &onnxArgumentRules()
{
    static const std::vector<OnnxArgumentRule> rules = {
        {"aten::upsample_linear1d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_bilinear2d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_bicubic2d", 2, "True", 11, "align_corners=True"},
        {"aten::upsample_trilinear3d", 2, "True", 11, "align_corners=True"},
        {"aten::__interpolate", 4, "True", 11, "align_corners=True"},
        {"torch.nn.functional.interpolate", 4, "True", 11, "align_corners=True"},
    };
    return rules;
}

bool onnxMayRefuse(const std::string &op)
{
    if (handledBeforeOnnxSymbolics(op))
        return false;
    const OnnxOpsetRow *row = onnxExporterTable().find(op);
    if (!row || row->opset > onnxMinOpset())
        return true;
    return std::any_of(onnxArgumentRules().begin(), onnxArgumentRules().end(),
                       [&](const OnnxArgumentRule &rule) { return rule.op == op; });
}

std::string onnxTableTorchVersion(const std::string &torch)
{
    return onnxExporterTable(torch).torch;
}
int onnxMaxOpset(const std::string &torch)
{
    return onnxExporterTable(torch).maxOpset;
}

std::string joinedOnnxExporters()
{
    std::string text;
    for (const OnnxExporterTable &table : opsetTables())
        text += (text.empty() ? "" : " and ") + majorMinor(table.torch);
    return text;
}
// torch's symbolics start at opset 9 for most ops (7 and 8 hold a handful): judge from 9 on.
int onnxMinOpset()
{
    return 9;
}

} // namespace torchprep
