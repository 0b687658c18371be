#include "storage/percentile.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace leadrouter::storage {

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Rank on a 0..n-1 scale (the "linear" method of most statistics
  // packages): no sample size makes p90 jump to the maximum.
  double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  auto below = static_cast<std::size_t>(std::floor(rank));
  std::size_t above = std::min(below + 1, values.size() - 1);
  double fraction = rank - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

}  // namespace leadrouter::storage
