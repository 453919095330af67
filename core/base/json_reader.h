// Reading the small JSON documents TorchPrep's own helper scripts print (the ONNX exporter, ONNX
// Runtime): objects, arrays, strings, numbers, true/false/null. Not for untrusted documents of
// any size: depth and length are bounded, and anything malformed is an error.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace torchprep {

struct JsonValue
{
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text;
    std::vector<JsonValue> items;
    std::map<std::string, JsonValue> members;

    // The member `key` of an object, or a null value when there is none.
    const JsonValue &operator[](const std::string &key) const;
    bool isNull() const { return kind == Kind::Null; }
    std::string string() const { return kind == Kind::String ? text : std::string(); }
    bool truth() const { return kind == Kind::Bool && boolean; }
};

// Parses `text`; throws InputError("...: not JSON") naming `what` when it is not.
JsonValue parseJson(const std::string &text, const std::string &what);

} // namespace torchprep
