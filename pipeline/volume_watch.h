// Lead volume watch: whether a lead source has gone silent for too long in
// business hours, and what its usual rate is. Pure: the caller counts the
// leads and computes local time; these functions only decide and phrase.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace leadrouter::pipeline {

using VolumeTime = std::chrono::system_clock::time_point;

// Business hours: a daily window in minutes after local midnight (end
// exclusive; a start after the end spans midnight; nullopt: all day) on
// the days in `days` (bit d = weekday d, 0 = Sunday).
struct BusinessHours {
  std::optional<int> start_minute;
  std::optional<int> end_minute;
  int days = 0x7F;
};

// Whether local `minute_of_day` on local `weekday` (0 = Sunday) is inside
// `hours`. A window spanning midnight belongs to the day it starts on.
bool InBusinessHours(const BusinessHours& hours, int minute_of_day, int weekday);

// Leads per business hour: `leads` over `business_time`; nullopt when
// there was no business time to measure over.
std::optional<double> UsualRatePerHour(int64_t leads,
                                       std::chrono::minutes business_time);

// "14/h", "2.5/h", "under 0.1/h": the rate as the alert says it.
std::string FormatRate(double per_hour);

// What the watch remembers about one source between checks.
struct VolumeWatchState {
  bool alerted = false;  // the silence alert went out and no lead came since
  // The source's newest lead when the alert went out.
  std::optional<VolumeTime> last_lead_at_alert;
};

struct VolumeCheck {
  VolumeTime now{};
  std::optional<VolumeTime> last_lead_at;  // the source's newest lead
  bool business_hours = false;             // `now` is inside them
  std::chrono::milliseconds silence{0};
};

enum class VolumeAction {
  kNone,
  kAlert,    // silent for `silence` in business hours: alert once
  kRecover,  // a lead came after the alert: recovery note, watch re-armed
};

// A source that never sent a lead is not watched (nothing stopped); one
// alerted stays quiet until a newer lead than the one it was alerted on
// arrives, at any hour.
VolumeAction DecideVolume(const VolumeWatchState& state, const VolumeCheck& check);

}  // namespace leadrouter::pipeline
