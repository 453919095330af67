#include "source_trace.h"

#include <cstdlib>

namespace torchprep {

std::string SourceLocation::str() const
{
    if (!known())
        return {};
    return file + ":" + std::to_string(line);
}

namespace {

bool isTorchInternal(const std::string &file)
{
    // Installed torch lives in site-packages or dist-packages; torchvision is model code.
    return file.find("-packages/torch/") != std::string::npos;
}

// Parses "path(123): function"; false when the line has another shape.
bool parseFrame(const std::string &line, StackFrame &frame)
{
    const auto close = line.rfind("): ");
    if (close == std::string::npos)
        return false;
    const auto open = line.rfind('(', close);
    if (open == std::string::npos || open == 0 || open + 1 >= close)
        return false;
    const std::string digits = line.substr(open + 1, close - open - 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    frame.file = line.substr(0, open);
    frame.line = std::atoi(digits.c_str());
    frame.function = line.substr(close + 3);
    frame.torchInternal = isTorchInternal(frame.file);
    return true;
}

} // namespace

std::vector<StackFrame> parseTracerStack(const std::string &text)
{
    std::vector<StackFrame> frames;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty())
            continue;
        StackFrame frame;
        if (!parseFrame(line, frame))
            break; // the stack ends where the serialized-code excerpt begins
        frames.push_back(std::move(frame));
    }
    return frames;
}

SourceLocation userFrame(const std::vector<StackFrame> &frames, int moduleDepth)
{
    int depth = 0;
    for (const StackFrame &frame : frames) {
        if (frame.torchInternal) {
            if (frame.function == "_call_impl")
                ++depth;
            continue;
        }
        if (depth == moduleDepth) {
            SourceLocation location;
            location.file = frame.file;
            location.line = frame.line;
            return location;
        }
        if (depth > moduleDepth)
            break;
    }
    return {};
}

} // namespace torchprep
