#include "base/report_text.h"

#include <cstdio>

namespace torchprep {

std::string threeSignificant(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
}

std::string milliseconds(double ms)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.1f ms" : "%.0f ms", ms);
    return buf;
}

} // namespace torchprep
