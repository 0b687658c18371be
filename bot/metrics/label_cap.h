// LabelCap: keeps a metric label's values to a bounded set. The first
// `limit` distinct values are kept as they are; any later one is reported as
// "other", so a sender that invents a new source per lead cannot grow the
// scrape (or Prometheus's memory) without bound. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace leadrouter::metrics {

inline constexpr char kOtherLabel[] = "other";
inline constexpr char kNoneLabel[] = "none";

class LabelCap {
 public:
  explicit LabelCap(size_t limit) : limit_(limit) {}

  // `value` if it is one of the first `limit` seen (or has been seen), else
  // "other"; an empty value is "none". Values are cut to 64 bytes first.
  std::string Apply(std::string_view value);

 private:
  const size_t limit_;
  std::mutex mutex_;
  std::set<std::string, std::less<>> kept_;
};

}  // namespace leadrouter::metrics
