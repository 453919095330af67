#include "base/shared_options.h"

namespace torchprep {

namespace shared_option {
const OptionText kInputShape{
    "input-shape", "SHAPE[:DTYPE][:LOW..HIGH]",
    "one per forward input: its shape, dtype and value range, e.g. 1,3,224,224 or "
    "1,16:int64:0..999"};
const OptionText kInputs{
    "inputs", "FILE",
    "real inputs saved in Python with torch.save(x, FILE) or torch.save((x, y), FILE)"};
const OptionText kOpsLibrary{
    "ops-library", "PATH",
    "load a custom operator library first (torchvision's, torchaudio's), as "
    "torch.ops.load_library does"};
const OptionText kPerLayer{"per-layer", "", "compare layer by layer too, paired by module path"};
} // namespace shared_option

std::string optionHelp(std::initializer_list<const OptionText *> options)
{
    std::string text;
    for (const OptionText *o : options)
        text += "  --" + o->name + (o->value.empty() ? "" : " " + o->value) + "  " + o->help + "\n";
    return text;
}

} // namespace torchprep
