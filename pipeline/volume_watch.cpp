#include "pipeline/volume_watch.h"

#include <cmath>
#include <cstdio>

namespace leadrouter::pipeline {

bool InBusinessHours(const BusinessHours& hours, int minute_of_day, int weekday) {
  const bool today = ((hours.days >> (weekday % 7)) & 1) != 0;
  if (!hours.start_minute || !hours.end_minute) return today;
  const int start = *hours.start_minute, end = *hours.end_minute;
  if (start <= end) return today && minute_of_day >= start && minute_of_day < end;
  // 22:00-06:00: the evening of a business day, or the early morning after
  // one (its window began yesterday).
  if (minute_of_day >= start) return today;
  const bool yesterday = ((hours.days >> ((weekday + 6) % 7)) & 1) != 0;
  return minute_of_day < end && yesterday;
}

std::optional<double> UsualRatePerHour(int64_t leads,
                                       std::chrono::minutes business_time) {
  if (business_time.count() <= 0) return std::nullopt;
  return static_cast<double>(leads < 0 ? 0 : leads) * 60.0 /
         static_cast<double>(business_time.count());
}

std::string FormatRate(double per_hour) {
  if (per_hour < 0.05) return "under 0.1/h";
  char buf[32];
  if (per_hour >= 9.95) {
    std::snprintf(buf, sizeof buf, "%.0f/h", std::round(per_hour));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f/h", per_hour);
    // "3.0/h" reads better as "3/h".
    std::string s = buf;
    const auto dot = s.find(".0/");
    if (dot != std::string::npos) s.erase(dot, 2);
    return s;
  }
  return buf;
}

VolumeAction DecideVolume(const VolumeWatchState& state, const VolumeCheck& check) {
  if (state.alerted) {
    const bool newer = check.last_lead_at &&
                       (!state.last_lead_at_alert ||
                        *check.last_lead_at > *state.last_lead_at_alert);
    return newer ? VolumeAction::kRecover : VolumeAction::kNone;
  }
  if (!check.business_hours || !check.last_lead_at) return VolumeAction::kNone;
  return check.now - *check.last_lead_at >= check.silence ? VolumeAction::kAlert
                                                          : VolumeAction::kNone;
}

}  // namespace leadrouter::pipeline
