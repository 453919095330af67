#include "compare/layer_matching.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace torchprep {

namespace {

// "layer1.0.module_relu_1" -> "relu"; "layer1.0.relu" -> "relu".
std::string baseName(const std::string &path)
{
    std::string name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    if (name.rfind("module_", 0) == 0)
        name.erase(0, 7);
    const auto underscore = name.rfind('_');
    if (underscore != std::string::npos && underscore + 1 < name.size() &&
        name.find_first_not_of("0123456789", underscore + 1) == std::string::npos)
        name.erase(underscore);
    return name;
}

int similarity(const LayerCall &a, const LayerCall &b)
{
    return (a.className == b.className ? 2 : 0) +
           (baseName(a.module) == baseName(b.module) ? 1 : 0);
}

} // namespace

std::vector<LayerPair> matchLayers(const std::vector<LayerCall> &a, const std::vector<LayerCall> &b)
{
    std::map<std::pair<std::string, int>, int> byPath;
    for (int i = 0; i < static_cast<int>(a.size()); ++i)
        byPath[{a[i].module, a[i].call}] = i;

    std::vector<int> twinOfB(b.size(), -1);
    std::vector<bool> aPaired(a.size(), false);
    std::vector<std::string> how(b.size(), "new");
    for (int j = 0; j < static_cast<int>(b.size()); ++j) {
        auto it = byPath.find({b[j].module, b[j].call});
        if (it != byPath.end() && a[it->second].shape == b[j].shape) {
            twinOfB[j] = it->second;
            aPaired[it->second] = true;
            how[j] = "path";
        }
    }

    // Neighbouring path pairs bound where a twin by data flow may sit in A.
    std::vector<int> prevAnchor(b.size(), -1), nextAnchor(b.size(), static_cast<int>(a.size()));
    for (int j = 0, last = -1; j < static_cast<int>(b.size()); ++j) {
        prevAnchor[j] = last;
        if (how[j] == "path")
            last = twinOfB[j];
    }
    for (int j = static_cast<int>(b.size()) - 1, next = static_cast<int>(a.size()); j >= 0; --j) {
        nextAnchor[j] = next;
        if (how[j] == "path")
            next = twinOfB[j];
    }
    // Best-scoring candidates first, so module_relu_1 takes relu's second call before
    // module_add (same shape, other class and name) can.
    struct Candidate
    {
        int score, j, i;
    };
    std::vector<Candidate> candidates;
    for (int j = 0; j < static_cast<int>(b.size()); ++j) {
        if (twinOfB[j] >= 0)
            continue;
        for (int i = prevAnchor[j] + 1; i < nextAnchor[j]; ++i) {
            if (aPaired[i] || a[i].shape != b[j].shape)
                continue;
            const int score = similarity(a[i], b[j]);
            if (score > 0) // same class or same base name: a twin, not a neighbour
                candidates.push_back({score, j, i});
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate &x, const Candidate &y) { return x.score > y.score; });
    for (const Candidate &c : candidates) {
        if (twinOfB[c.j] >= 0 || aPaired[c.i])
            continue;
        twinOfB[c.j] = c.i;
        aPaired[c.i] = true;
        how[c.j] = "dataflow";
    }

    // B's order, with each call only A has placed after the pair that precedes it in A.
    std::map<int, std::vector<int>> removedAfter; // A index of the preceding paired call -> A calls
    int lastPaired = -1;
    for (int i = 0; i < static_cast<int>(a.size()); ++i) {
        if (aPaired[i])
            lastPaired = i;
        else
            removedAfter[lastPaired].push_back(i);
    }
    std::vector<LayerPair> pairs;
    auto flushRemoved = [&](int after) {
        auto it = removedAfter.find(after);
        if (it == removedAfter.end())
            return;
        for (int i : it->second)
            pairs.push_back({i, -1, "removed"});
        removedAfter.erase(it);
    };
    flushRemoved(-1);
    for (int j = 0; j < static_cast<int>(b.size()); ++j) {
        pairs.push_back({twinOfB[j], j, how[j]});
        if (twinOfB[j] >= 0)
            flushRemoved(twinOfB[j]);
    }
    for (auto &[after, rest] : removedAfter)
        for (int i : rest)
            pairs.push_back({i, -1, "removed"});
    return pairs;
}

} // namespace torchprep
