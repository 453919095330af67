// What PyTorch's ONNX exporters take, op by op: torch's own registries, generated into tables
// (make_onnx_opsets.py -> onnx_opsets*.inc), one per torch release TorchPrep judges against.
// The onnx_exportable check reads them; the TorchScript walk asks onnxMayRefuse() which ops
// need a source line, before any check runs.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace torchprep {

struct OnnxOpsetRow
{
    std::string op;                   // as torch's registry names it: "aten::add"
    int opset = 0;                    // the lowest opset with a symbolic
    std::vector<std::string> refuses; // conditions its symbolics refuse, in their words
};

// One exporter's registry: the torch it came from, its highest opset, its ops by name.
struct OnnxExporterTable
{
    std::string torch;
    int maxOpset = 0;
    std::vector<OnnxOpsetRow> rows;
    std::unordered_map<std::string, const OnnxOpsetRow *> byOp;

    OnnxExporterTable(std::string version, int max, std::vector<OnnxOpsetRow> all)
        : torch(std::move(version)), maxOpset(max), rows(std::move(all))
    {
    }
    // The row the exporter looks `op` up by (in-place ops under their out-of-place name), or null.
    const OnnxOpsetRow *find(const std::string &op) const;
};

// The table `--onnx-torch` names ("2.14"); "" that of the linked libtorch's release (Debian's
// torch, whose exporter export-onnx runs by default). Throws InputError for one not built in.
const OnnxExporterTable &onnxExporterTable(const std::string &torch = "");

// Ops the exporter's own passes remove or rewrite before any symbolic is looked up (freezing,
// inlining, number types erased, exceptions and warnings dropped, tuples unpacked), and the
// graph's plumbing. Checked against real exports of the test models (tests/models).
bool handledBeforeOnnxSymbolics(const std::string &op);

// Known argument rules the table's conditions name and a graph can decide: align_corners=True
// resizes export only from opset 11 (earlier Resize has no such mode).
struct OnnxArgumentRule
{
    std::string op;    // the graph's op, or the torch function's Python name
    std::size_t input; // which of the node's inputs
    std::string value; // the constant that is refused
    int fromOpset;     // exported from this opset on
    std::string condition;
};
const std::vector<OnnxArgumentRule> &onnxArgumentRules();

// True when some opset or argument could make the exporter refuse `op`: a finding may name it.
bool onnxMayRefuse(const std::string &op);

// The torch release whose ONNX registry a table was generated from, and its highest opset: ""
// Debian's torch (the default), or a newer one by version ("2.14", as `--onnx-torch` takes it).
// Throws InputError for a version no table was generated from.
std::string onnxTableTorchVersion(const std::string &torch = "");
int onnxMaxOpset(const std::string &torch = "");
// "1.13 and 2.14": the exporters there are tables of.
std::string joinedOnnxExporters();
// The lowest opset the check judges at.
int onnxMinOpset();

} // namespace torchprep
