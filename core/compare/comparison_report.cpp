#include "compare/comparison_report.h"

#include "base/json_writer.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace torchprep {

namespace {

void writeShape(JsonWriter &json, const Shape &shape)
{
    json.beginArray();
    for (auto d : shape)
        json.value(static_cast<std::int64_t>(d));
    json.endArray();
}

// sqnr_db is null when the outputs are identical (infinite SQNR).
void writeMetrics(JsonWriter &json, const DifferenceMetrics &m)
{
    json.key("max_abs_diff").value(m.maxAbsDiff);
    json.key("mean_abs_diff").value(m.meanAbsDiff);
    json.key("cosine").value(m.cosine);
    json.key("sqnr_db").value(m.sqnrDb);
    json.key("non_finite").beginObject();
    json.key("a").value(m.nonFiniteA);
    json.key("b").value(m.nonFiniteB);
    json.key("mismatched").value(m.nonFiniteMismatches);
    json.endObject();
}

std::string jsonOf(const std::string &a, const std::string &b, const ComparisonReport &r)
{
    JsonWriter json;
    json.beginObject();
    json.key("a").value(a);
    json.key("b").value(b);
    json.key("device").value(r.device);
    json.key("passed").value(r.passed);
    json.key("verdict");
    r.verdict.empty() ? json.null() : json.value(r.verdict);
    json.key("tolerance").value(r.tolerance);
    json.key("batches").value(r.batches);
    json.key("inputs").beginArray();
    for (const Shape &s : r.inputShapes)
        writeShape(json, s);
    json.endArray();
    json.key("outputs").beginArray();
    for (const OutputComparison &o : r.outputs) {
        json.beginObject();
        json.key("index").value(o.index);
        json.key("shape");
        writeShape(json, o.shape);
        writeMetrics(json, o.metrics);
        json.key("histogram").beginObject();
        json.key("edges").beginArray();
        for (double e : o.histogram.edges)
            json.value(e);
        json.endArray();
        json.key("counts").beginArray();
        for (std::int64_t c : o.histogram.counts)
            json.value(c);
        json.endArray();
        json.endObject();
        json.endObject();
    }
    json.endArray();
    json.key("timing_ms").beginObject();
    json.key("a").value(r.timingA.medianMs);
    json.key("b"); // null: B is outputs saved elsewhere, nothing ran
    r.timingB.runs ? json.value(r.timingB.medianMs) : json.null();
    json.key("a_min").value(r.timingA.minMs);
    json.key("b_min");
    r.timingB.runs ? json.value(r.timingB.minMs) : json.null();
    json.key("runs").value(r.timingA.runs);
    json.endObject();
    json.key("layers").beginArray();
    for (const LayerComparison &l : r.layers) {
        json.beginObject();
        json.key("module").value(l.module);
        json.key("a_module");
        l.aModule.empty() ? json.null() : json.value(l.aModule);
        json.key("call").value(l.call);
        json.key("match").value(l.match);
        json.key("shape");
        writeShape(json, l.shape);
        if (l.compared) {
            writeMetrics(json, l.metrics);
        } else {
            for (const char *k :
                 {"max_abs_diff", "mean_abs_diff", "cosine", "sqnr_db", "non_finite"})
                json.key(k).null();
        }
        json.endObject();
    }
    json.endArray();
    json.key("first_divergence");
    r.firstDivergence.empty() ? json.null() : json.value(r.firstDivergence);
    json.endObject();
    return json.str() + "\n";
}

std::string csvNumber(double v)
{
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

// A module path from a model file may hold anything, commas and quotes included.
std::string csvField(const std::string &text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csvShape(const Shape &shape)
{
    std::string s;
    for (auto d : shape)
        s += (s.empty() ? "" : "x") + std::to_string(d);
    return s;
}

std::string csvMetrics(const DifferenceMetrics &m)
{
    return csvNumber(m.maxAbsDiff) + "," + csvNumber(m.meanAbsDiff) + "," + csvNumber(m.cosine) +
           "," + csvNumber(m.sqnrDb);
}

} // namespace

std::string comparisonJson(const std::string &a, const std::string &b,
                           const ComparisonReport &report)
{
    return jsonOf(a, b, report);
}

std::string comparisonCsv(const ComparisonReport &report)
{
    std::ostringstream out;
    out << "kind,name,call,match,shape,compared,max_abs_diff,mean_abs_diff,cosine,sqnr_db\n";
    for (const OutputComparison &o : report.outputs)
        out << "output," << o.index << ",,," << csvShape(o.shape) << ",true,"
            << csvMetrics(o.metrics) << "\n";
    for (const LayerComparison &l : report.layers)
        out << "layer," << csvField(l.module) << "," << l.call << "," << l.match << ","
            << csvShape(l.shape) << ","
            << (l.compared ? "true," + csvMetrics(l.metrics) : std::string("false,,,,")) << "\n";
    return out.str();
}

} // namespace torchprep
