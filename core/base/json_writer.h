// A small streaming JSON writer: the CLI's machine-readable output, without a dependency.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace torchprep {

class JsonWriter
{
  public:
    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(const std::string &name);
    JsonWriter &value(const std::string &text);
    JsonWriter &value(const char *text) { return value(std::string(text)); }
    JsonWriter &value(bool flag);
    JsonWriter &value(std::int64_t number);
    JsonWriter &value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter &value(std::size_t number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter &value(double number); // non-finite numbers become null
    JsonWriter &null();

    // The document, indented by two spaces per level.
    const std::string &str() const { return out_; }

    static std::string escape(const std::string &text);

  private:
    void beforeValue();
    void newline();
    std::string out_;
    std::vector<bool> hasItems_; // per open container
    bool afterKey_ = false;
};

// `json` (a document JsonWriter wrote) on one line, for JSON Lines output.
std::string compactJson(const std::string &json);

} // namespace torchprep
