#include "pipeline/date.h"

namespace leadrouter::pipeline {
namespace {

std::optional<int> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<int> DaysSince(std::string_view iso_date,
                             std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  if (iso_date.size() < 10 || iso_date[4] != '-' || iso_date[7] != '-') {
    return std::nullopt;
  }
  const auto y = Digits(iso_date.substr(0, 4));
  const auto m = Digits(iso_date.substr(5, 2));
  const auto d = Digits(iso_date.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const auto days = floor<std::chrono::days>(now) - sys_days{date};
  if (days.count() < 0) return std::nullopt;
  return static_cast<int>(days.count());
}

std::optional<std::chrono::system_clock::time_point> ParseTimestamp(
    std::string_view text) {
  using namespace std::chrono;
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters; a zone must follow.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto y = Digits(text.substr(0, 4));
  const auto mo = Digits(text.substr(5, 2));
  const auto d = Digits(text.substr(8, 2));
  const auto h = Digits(text.substr(11, 2));
  const auto mi = Digits(text.substr(14, 2));
  const auto s = Digits(text.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  // 60 admits a leap second; it reads as the next second's start.
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;

  std::string_view rest = text.substr(19);
  milliseconds fraction{0};
  if (!rest.empty() && rest.front() == '.') {
    size_t n = 1;
    int scale = 100;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      fraction += milliseconds((rest[n] - '0') * scale);
      scale /= 10;
      ++n;
    }
    if (n == 1) return std::nullopt;
    rest.remove_prefix(n);
  }
  minutes offset{0};
  if (rest == "Z" || rest == "z") {
    // UTC.
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
             rest[3] == ':') {
    const auto oh = Digits(rest.substr(1, 2));
    const auto om = Digits(rest.substr(4, 2));
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = hours(*oh) + minutes(*om);
    if (rest[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  return system_clock::time_point(sys_days{date}) + hours(*h) + minutes(*mi) +
         seconds(*s) + fraction - offset;
}

}  // namespace leadrouter::pipeline
