// The options the CLI's commands and the Studio take alike, told once: each one's name, what its
// value is, and what it does. Both front ends print their help from here.
#pragma once

#include <initializer_list>
#include <string>

namespace torchprep {

struct OptionText
{
    std::string name;  // "input-shape": given as --input-shape
    std::string value; // "SHAPE[:DTYPE][:LOW..HIGH]"; "" for a flag
    std::string help;  // one line, no final stop
};

namespace shared_option {
extern const OptionText kInputShape;
extern const OptionText kInputs;
extern const OptionText kOpsLibrary;
extern const OptionText kPerLayer;
} // namespace shared_option

// "  --inputs FILE  real inputs saved in Python ...\n", one line per option, for a usage text.
std::string optionHelp(std::initializer_list<const OptionText *> options);

} // namespace torchprep
