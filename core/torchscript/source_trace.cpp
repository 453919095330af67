#include "torchscript/source_trace.h"

#include <cstdlib>
#include <string_view>
#include <unordered_set>

namespace torchprep {

std::string SourceLocation::str() const
{
    if (!known())
        return {};
    return file + ":" + std::to_string(line);
}

namespace {

// Parses "path(123): function"; false when the line has another shape.
bool parseFrame(std::string_view line, StackFrame &frame)
{
    const auto close = line.rfind("): ");
    if (close == std::string_view::npos)
        return false;
    const auto open = line.rfind('(', close);
    if (open == std::string_view::npos || open == 0 || open + 1 >= close)
        return false;
    int number = 0;
    for (std::size_t i = open + 1; i < close; ++i) {
        if (line[i] < '0' || line[i] > '9' || number > 100000000)
            return false;
        number = number * 10 + (line[i] - '0');
    }
    frame.file.assign(line.substr(0, open));
    frame.line = number;
    frame.function.assign(line.substr(close + 3));
    frame.torchInternal = isTorchSourceFile(frame.file);
    return true;
}

SourceLocation locationOf(const StackFrame &frame)
{
    SourceLocation location;
    location.file = frame.file;
    location.line = frame.line;
    return location;
}

bool isCallMachinery(const StackFrame &frame)
{
    return frame.torchInternal && frame.function == "_call_impl";
}

} // namespace

bool isTorchSourceFile(const std::string &file)
{
    // Installed torch lives in site-packages or dist-packages; torchvision is model code.
    return file.find("-packages/torch/") != std::string::npos || file == "<string>" || file.empty();
}

bool isTorchLayerFile(const std::string &file)
{
    return file.find("-packages/torch/nn/modules/") != std::string::npos;
}

std::string pythonModuleOf(const std::string &file)
{
    const std::string marker = "-packages/";
    const auto at = file.find(marker);
    if (at == std::string::npos)
        return {};
    std::string name = file.substr(at + marker.size());
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".py") == 0)
        name.resize(name.size() - 3);
    const std::string init = "/__init__";
    if (name.size() > init.size() &&
        name.compare(name.size() - init.size(), init.size(), init) == 0)
        name.resize(name.size() - init.size());
    for (char &c : name)
        if (c == '/')
            c = '.';
    return name;
}

bool isCompositeTorchFunction(const std::string &pythonName)
{
    static const std::unordered_set<std::string> composites = {
        "torch.nn.functional.multi_head_attention_forward",
        "torch.nn.functional._in_projection_packed",
        "torch.nn.functional._in_projection",
        "torch.nn.functional._scaled_dot_product_attention",
    };
    return composites.count(pythonName) > 0;
}

std::vector<StackFrame> parseTracerStack(const std::string &text)
{
    std::vector<StackFrame> frames;
    const std::string_view all(text);
    std::size_t pos = 0;
    while (pos < all.size()) {
        auto end = all.find('\n', pos);
        if (end == std::string_view::npos)
            end = all.size();
        if (end > pos) {
            StackFrame frame;
            if (!parseFrame(all.substr(pos, end - pos), frame))
                break; // the stack ends where the serialized-code excerpt begins
            frames.push_back(std::move(frame));
        }
        pos = end + 1;
    }
    return frames;
}

SourceLocation userFrame(const std::vector<StackFrame> &frames, int moduleDepth,
                         bool torchLayerCode)
{
    int depth = 0;
    for (const StackFrame &frame : frames) {
        const bool code = !frame.torchInternal || (torchLayerCode && isTorchLayerFile(frame.file));
        if (!code) {
            if (isCallMachinery(frame))
                ++depth;
            continue;
        }
        if (depth == moduleDepth)
            return locationOf(frame);
        if (depth > moduleDepth)
            break;
    }
    return {};
}

TracedOrigin tracedOrigin(const std::vector<StackFrame> &frames)
{
    TracedOrigin origin;
    for (std::size_t k = 0; k < frames.size() && !isCallMachinery(frames[k]); ++k) {
        const StackFrame &frame = frames[k];
        const std::string name =
            frame.torchInternal ? pythonModuleOf(frame.file) + "." + frame.function : std::string();
        const bool layerCode = isTorchLayerFile(frame.file) && frame.function != "_slow_forward";
        if (frame.torchInternal && !layerCode && !isCompositeTorchFunction(name))
            continue; // inside a torch function the code called
        origin.code = locationOf(frame);
        origin.torchCode = frame.torchInternal;
        if (k > 0) {
            // The outermost torch frame inside the code: the function the code called
            // (decorators' `wrapped` frames sit between).
            std::size_t f = k - 1;
            if (frames[f].function == "wrapped" && f > 0)
                --f;
            origin.function = pythonModuleOf(frames[f].file) + "." + frames[f].function;
            // The line that called and the function called: every op of one call shares it.
            origin.callKey = frame.file + ":" + std::to_string(frame.line) + "|" + origin.function;
        }
        if (origin.torchCode) {
            for (std::size_t j = k; j < frames.size() && !isCallMachinery(frames[j]); ++j) {
                if (isTorchLayerFile(frames[j].file)) {
                    origin.torchLayerLine = locationOf(frames[j]);
                    break;
                }
            }
        }
        return origin;
    }
    return origin;
}

} // namespace torchprep
