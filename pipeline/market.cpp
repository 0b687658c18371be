#include "pipeline/market.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pipeline/template.h"  // FormatDollars

namespace leadrouter::pipeline {
namespace {

std::string MedianName(const MarketMedian& median) {
  return median.zip.empty() ? "the area median"
                            : "the " + median.zip + " median";
}

}  // namespace

MarketMedian MedianFor(const ProcessedLead& lead, const Rules& rules) {
  if (rules.zip_medians && !lead.property.zip.empty()) {
    const auto table = rules.zip_medians->Get();
    const auto it = table->find(lead.property.zip.substr(0, 5));
    if (it != table->end()) return {it->second.median, it->first};
  }
  return {rules.area_median_price, ""};
}

std::optional<double> AmountOf(const ProcessedLead& lead) {
  if (!lead.budget && !lead.property.price) return std::nullopt;
  return std::max(lead.budget.value_or(0), lead.property.price.value_or(0));
}

std::string DescribeMedian(const MarketMedian& median) {
  return MedianName(median) + " of " + FormatDollars(median.value);
}

std::string TimesMedian(double amount, const MarketMedian& median) {
  char times[32];
  std::snprintf(times, sizeof times, "%.1f",
                median.value > 0 ? amount / median.value : 0.0);
  return FormatDollars(amount) + " is " + times + "\u00d7 " +
         DescribeMedian(median);
}

std::string AgainstMedian(double amount, const MarketMedian& median) {
  if (median.value <= 0) return "";
  const double ratio = amount / median.value - 1.0;
  const long long percent = std::llround(std::fabs(ratio) * 100);
  if (percent == 0) return "at " + MedianName(median);
  return std::to_string(percent) + " % " + (ratio < 0 ? "under " : "over ") +
         MedianName(median);
}

}  // namespace leadrouter::pipeline
