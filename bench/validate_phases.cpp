// Times the phases of `torchprep validate` inside one process: loading the file (libtorch's
// own work), building the model graph, running the five checks. Prints one JSON line.
#include "checks/validator.h"
#include "torchscript/graph_builder.h"
#include "torchscript/torch_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace torchprep;
using Clock = std::chrono::steady_clock;

static double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: validate_phases MODEL.pt [RUNS]\n");
        return 2;
    }
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    std::vector<double> load, build, check;
    std::size_t ops = 0, nodes = 0, findings = 0;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        const auto model = TorchModel::load(argv[1]);
        load.push_back(msSince(t0));
        t0 = Clock::now();
        const ModelGraph graph = buildModelGraph(*model, SourceDetail::ForChecks); // as validate
        build.push_back(msSince(t0));
        t0 = Clock::now();
        const ValidationReport report = validateGraph(graph, {});
        check.push_back(msSince(t0));
        ops = graph.opCount();
        nodes = graph.nodes.size();
        findings = report.findings.size();
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("{\"load_ms\": %.2f, \"graph_ms\": %.2f, \"checks_ms\": %.2f, \"ops\": %zu, "
                "\"nodes\": %zu, \"findings\": %zu}\n",
                median(load), median(build), median(check), ops, nodes, findings);
    return 0;
}
