// The market, locally: median prices by ZIP code, read from the CSV file
// `[market] medians_file` names. Parsing is pure (the caller reads the
// file); the table is shared by every copy of Rules and replaced whole on
// a reload, so the loop and the storage writer may read it while SIGHUP
// swaps it. Thread-safe: Get and Replace may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

struct ZipMedian {
  double median = 0;
  std::string as_of;  // "2026-10-01", or "" when the file gives none
};

// By five-digit ZIP code ("02139").
using ZipMedianMap = std::map<std::string, ZipMedian>;

struct ZipMediansParse {
  ZipMedianMap medians;
  // "line 7: median \"abc\" is not a price"; empty: every row was usable.
  std::vector<std::string> errors;
};

// Reads CSV text: one row per ZIP ("02139,452000" or
// "02139,\"$452,000\",2026-10-01"); a first row whose median is not a
// price is a header; blank lines and lines starting with '#' are skipped.
// A ZIP must be five digits and appear once; the median is a price
// (pipeline/price.h); the optional as-of date is YYYY-MM-DD. Every bad row
// is reported by its line number; the good rows are kept.
ZipMediansParse ParseZipMedians(std::string_view csv);

// The table every copy of Rules shares.
class ZipMedianBook {
 public:
  ZipMedianBook() : map_(std::make_shared<const ZipMedianMap>()) {}
  std::shared_ptr<const ZipMedianMap> Get() const { return map_.load(); }
  void Replace(ZipMedianMap medians) {
    map_.store(std::make_shared<const ZipMedianMap>(std::move(medians)));
  }

 private:
  std::atomic<std::shared_ptr<const ZipMedianMap>> map_;
};

}  // namespace leadrouter::pipeline
