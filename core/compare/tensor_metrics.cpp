// Distances between two tensors, and the one rule that says whether they agree.
#include "compare/comparison_torch.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace torchprep {

namespace {

// The distances over two flat double tensors of finite values.
void measureFinite(const at::Tensor &x, const at::Tensor &y, DifferenceMetrics &m)
{
    if (x.numel() == 0) {
        m.sqnrDb = std::numeric_limits<double>::infinity();
        return;
    }
    const at::Tensor diff = y - x;
    const at::Tensor absDiff = diff.abs();
    m.maxAbsDiff = absDiff.max().item<double>();
    m.meanAbsDiff = absDiff.mean().item<double>();
    const double xNorm = x.norm().item<double>();
    const double yNorm = y.norm().item<double>();
    m.cosine = (xNorm > 0 && yNorm > 0) ? x.dot(y).item<double>() / (xNorm * yNorm)
                                        : (m.maxAbsDiff == 0 ? 1.0 : 0.0);
    const double noise = diff.pow(2).sum().item<double>();
    const double signal = xNorm * xNorm;
    m.sqnrDb = noise == 0 ? std::numeric_limits<double>::infinity()
                          : (signal == 0 ? -std::numeric_limits<double>::infinity()
                                         : 10.0 * std::log10(signal / noise));
}

} // namespace

at::Tensor bothFinite(const at::Tensor &x, const at::Tensor &y)
{
    return x.isfinite() & y.isfinite();
}

DifferenceMetrics measureDifference(const at::Tensor &reference, const at::Tensor &other)
{
    DifferenceMetrics m;
    const at::Tensor x = reference.detach().to(at::kDouble).flatten();
    const at::Tensor y = other.detach().to(x.device()).to(at::kDouble).flatten();
    m.elements = x.numel();
    const at::Tensor finite = bothFinite(x, y);
    m.finiteElements = finite.sum().item<std::int64_t>();
    if (m.finiteElements == m.elements) { // the usual case: no masks to apply
        measureFinite(x, y, m);
        return m;
    }
    m.nonFiniteA = (~x.isfinite()).sum().item<std::int64_t>();
    m.nonFiniteB = (~y.isfinite()).sum().item<std::int64_t>();
    const at::Tensor agree = (x.isnan() & y.isnan()) | (x.isinf() & y.isinf() & x.eq(y));
    m.nonFiniteMismatches = (~finite & ~agree).sum().item<std::int64_t>();
    measureFinite(x.masked_select(finite), y.masked_select(finite), m);
    return m;
}

bool givesNoNumbers(const DifferenceMetrics &m)
{
    return m.elements > 0 && m.finiteElements == 0 && m.nonFiniteMismatches == 0;
}

Agreement agreementOf(const DifferenceMetrics &m, double tolerance)
{
    Agreement a;
    if (m.nonFiniteMismatches > 0) {
        a.agrees = false;
        a.reason = std::to_string(m.nonFiniteMismatches) + " of " + std::to_string(m.elements) +
                   " elements are NaN or Inf in one model and not the same in the other";
    } else if (givesNoNumbers(m)) {
        a.agrees = false;
        a.reason = "every element is NaN or Inf in both models: nothing to compare (give inputs "
                   "the model computes numbers for)";
    } else if (!(m.maxAbsDiff <= tolerance)) {
        a.agrees = false;
        char buf[64];
        std::snprintf(buf, sizeof buf, "max |diff| %.3g beyond the tolerance %.3g", m.maxAbsDiff,
                      tolerance);
        a.reason = buf;
    }
    return a;
}

} // namespace torchprep
