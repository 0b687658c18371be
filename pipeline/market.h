// A lead's price against its market: the median of its ZIP code when the
// medians file has one, the configured area median otherwise, and the
// sentences that name the figure used. Pure.
#pragma once

#include <optional>
#include <string>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

struct MarketMedian {
  double value = 0;
  std::string zip;  // the ZIP whose median this is; "" for the area median
};

// The lead's ZIP median (Rules::zip_medians), else Rules::area_median_price.
MarketMedian MedianFor(const ProcessedLead& lead, const Rules& rules);

// The amount the market rules compare: the larger of budget and price;
// nullopt when the lead states neither.
std::optional<double> AmountOf(const ProcessedLead& lead);

// "the 02139 median of $452,000" / "the area median of $400,000".
std::string DescribeMedian(const MarketMedian& median);

// "$1,900,000 is 4.2× the 02139 median of $452,000".
std::string TimesMedian(double amount, const MarketMedian& median);

// "8 % under the 02139 median", "12 % over the area median", "at the 02139
// median" (within half a percent).
std::string AgainstMedian(double amount, const MarketMedian& median);

}  // namespace leadrouter::pipeline
