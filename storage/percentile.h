// Percentiles of a sample, for the figures managers and benchmarks read
// (median and p90 time to claim, p50/p90/p99 latencies). Pure; safe anywhere.
#pragma once

#include <optional>
#include <vector>

namespace leadrouter::storage {

// The `p`-th percentile of `values` (0 <= p <= 100), interpolating linearly
// between the two nearest ranks, so the median of {10, 20, 30, 40} is 25 and
// p0 / p100 are the minimum / maximum. `values` need not be sorted (it is
// taken by value and sorted here). nullopt for an empty sample.
// REQUIRES: 0 <= p <= 100.
std::optional<double> Percentile(std::vector<double> values, double p);

}  // namespace leadrouter::storage
