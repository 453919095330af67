// Numbers as the commands' text reports write them.
#pragma once

#include <string>

namespace torchprep {

// Three significant digits: "1.5e-06", "0.44", "128".
std::string threeSignificant(double value);

// "4.4 ms" below 10 ms, "27 ms" above.
std::string milliseconds(double ms);

} // namespace torchprep
