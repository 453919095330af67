#include "base/input_spec.h"

#include "base/errors.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

namespace torchprep {

namespace {

double parseNumber(const std::string &text, const std::string &argument)
{
    char *end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
        throw InputError("--input-shape '" + argument + "': '" + text +
                         "' is not a number (a range is LOW..HIGH, e.g. 0..999)");
    return value;
}

std::string numberText(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", value);
    return buf;
}

} // namespace

const std::string &InputSpec::dtypeOf(std::size_t input) const
{
    return input < dtypes.size() && !dtypes[input].empty() ? dtypes[input] : dtype;
}

ValueRange InputSpec::rangeOf(std::size_t input) const
{
    return input < ranges.size() ? ranges[input] : ValueRange();
}

Shape parseShape(const std::string &text)
{
    Shape shape;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        char *end = nullptr;
        errno = 0;
        const long long dim = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos ||
            *end != '\0' || errno == ERANGE || dim <= 0)
            throw InputError("--input-shape '" + text +
                             "': expected positive integers separated by commas, e.g. 1,3,224,224");
        shape.push_back(dim);
    }
    if (shape.empty())
        throw InputError("--input-shape '" + text + "' is empty");
    return shape;
}

std::string shapeText(const Shape &shape)
{
    std::string text;
    for (auto d : shape)
        text += (text.empty() ? "" : ",") + std::to_string(d);
    return "[" + text + "]";
}

void addInputArgument(InputSpec &spec, const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ':'))
        parts.push_back(part);
    if (parts.empty() || parts.size() > 3)
        throw InputError("--input-shape '" + text +
                         "': expected SHAPE[:DTYPE][:LOW..HIGH], e.g. 1,16:int64:0..999");
    const Shape shape = parseShape(parts[0]);
    std::string dtype;
    ValueRange range;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto dots = parts[i].find("..");
        if (dots != std::string::npos) {
            range.set = true;
            range.low = parseNumber(parts[i].substr(0, dots), text);
            range.high = parseNumber(parts[i].substr(dots + 2), text);
            if (range.low > range.high)
                throw InputError("--input-shape '" + text + "': the range " + parts[i] +
                                 " is empty");
        } else if (isKnownDtype(parts[i]) && dtype.empty()) {
            dtype = parts[i];
        } else {
            throw InputError(
                "--input-shape '" + text + "': '" + parts[i] +
                "' is neither a dtype (float32, float64, float16, bfloat16, int64, int32, "
                "int16, int8, uint8, bool) nor a range LOW..HIGH");
        }
    }
    const std::size_t index = spec.shapes.size();
    spec.shapes.push_back(shape);
    spec.dtypes.resize(index + 1);
    spec.dtypes[index] = dtype;
    spec.ranges.resize(index + 1);
    spec.ranges[index] = range;
}

std::string describeInput(const InputSpec &spec, std::size_t input)
{
    std::string text = input < spec.shapes.size() ? shapeText(spec.shapes[input]) : "[]";
    text += " " + spec.dtypeOf(input);
    const ValueRange range = spec.rangeOf(input);
    if (range.set)
        text += " " + numberText(range.low) + ".." + numberText(range.high);
    return text;
}

} // namespace torchprep
