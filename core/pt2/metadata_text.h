// The texts torch.export keeps in a node's metadata, read into their parts: the module stack
// ("key,path,class;..."), the Python stack trace, and module paths as torch 2.6 wrote them.
#pragma once

#include "pt2/exported_program.h"

#include <functional>
#include <string>
#include <vector>

namespace torchprep {

// "L__self__,,__main__.M;L__self__b,b,__main__.Block": outermost first. Separators inside
// brackets, parentheses or quotes belong to the path (torch 2.6: "L['self'].layers[0]").
// Calls `bad` with a short reason for an entry without its three parts.
std::vector<ExportedModuleFrame>
parseModuleStack(const std::string &text, const std::function<void(const std::string &)> &bad);

// A module path as the model names it: "L['self'].b.conv" -> "b.conv",
// "getattr(L['self'].layers, '0').fc" -> "layers.0.fc", "L['self'].layers[0]" -> "layers.0".
// "" for the model itself; "?" when the text is not such a path.
std::string normalModulePath(const std::string &path);

// `  File "m.py", line 6, in forward\n    y = self.relu(x)` -> frames, outermost first.
std::vector<ExportedFrame> parseStackTrace(const std::string &text);

// A frame in torch's own code (its package) or in code torch generated ("<eval_with_key>.3").
bool isTorchFrame(const ExportedFrame &frame);

} // namespace torchprep
