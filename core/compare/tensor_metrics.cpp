#include "comparison_torch.h"

#include <cmath>
#include <limits>

namespace torchprep {

DifferenceMetrics measureDifference(const at::Tensor &reference, const at::Tensor &other)
{
    DifferenceMetrics m;
    if (reference.numel() == 0) {
        m.sqnrDb = std::numeric_limits<double>::infinity();
        return m;
    }
    const at::Tensor x = reference.detach().to(at::kDouble).flatten();
    const at::Tensor y = other.detach().to(x.device()).to(at::kDouble).flatten();
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
    return m;
}

} // namespace torchprep
