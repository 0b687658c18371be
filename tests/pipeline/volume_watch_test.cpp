#include "pipeline/volume_watch.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using leadrouter::pipeline::BusinessHours;
using leadrouter::pipeline::DecideVolume;
using leadrouter::pipeline::FormatRate;
using leadrouter::pipeline::InBusinessHours;
using leadrouter::pipeline::UsualRatePerHour;
using leadrouter::pipeline::VolumeAction;
using leadrouter::pipeline::VolumeCheck;
using leadrouter::pipeline::VolumeTime;
using leadrouter::pipeline::VolumeWatchState;

namespace {

const VolumeTime kT0{std::chrono::seconds(1773526061)};
constexpr int kMonToFri = 0b0111110;

VolumeCheck At(VolumeTime now, std::optional<VolumeTime> last, bool business = true) {
  VolumeCheck c;
  c.now = now;
  c.last_lead_at = last;
  c.business_hours = business;
  c.silence = 3h;
  return c;
}

}  // namespace

TEST_CASE("the usual rate is leads per business hour", "[pipeline][volume_watch]") {
  // 7 days of 12 business hours, 14 leads an hour.
  auto rate = UsualRatePerHour(14 * 12 * 7, std::chrono::hours(12 * 7));
  REQUIRE(rate);
  CHECK(*rate == Approx(14.0));
  CHECK(FormatRate(*rate) == "14/h");
  CHECK(*UsualRatePerHour(30, 12h) == Approx(2.5));
  CHECK(FormatRate(2.5) == "2.5/h");
  CHECK(FormatRate(3.0) == "3/h");
  CHECK(FormatRate(0.01) == "under 0.1/h");
  CHECK_FALSE(UsualRatePerHour(5, 0min));
}

TEST_CASE("business hours are a window on listed days, spanning midnight when it must",
          "[pipeline][volume_watch]") {
  BusinessHours office{8 * 60, 20 * 60, kMonToFri};
  CHECK(InBusinessHours(office, 8 * 60, 1));        // Monday 08:00
  CHECK_FALSE(InBusinessHours(office, 20 * 60, 1)); // the end is exclusive
  CHECK_FALSE(InBusinessHours(office, 7 * 60 + 59, 1));
  CHECK_FALSE(InBusinessHours(office, 12 * 60, 0)); // Sunday
  CHECK(InBusinessHours(BusinessHours{}, 3 * 60, 6));  // all day, every day

  BusinessHours night{22 * 60, 6 * 60, kMonToFri};
  CHECK(InBusinessHours(night, 23 * 60, 5));        // Friday night
  CHECK(InBusinessHours(night, 2 * 60, 6));         // …into Saturday morning
  CHECK_FALSE(InBusinessHours(night, 2 * 60, 1));   // Monday 02:00 began on Sunday
  CHECK_FALSE(InBusinessHours(night, 23 * 60, 6));  // Saturday night
}

TEST_CASE("a silent source in business hours alerts once and re-arms on the next lead",
          "[pipeline][volume_watch]") {
  VolumeWatchState armed;
  const VolumeTime last = kT0 - 3h;
  CHECK(DecideVolume(armed, At(kT0 - 1min, last)) == VolumeAction::kNone);
  CHECK(DecideVolume(armed, At(kT0, last)) == VolumeAction::kAlert);
  CHECK(DecideVolume(armed, At(kT0, last, /*business=*/false)) == VolumeAction::kNone);
  CHECK(DecideVolume(armed, At(kT0, std::nullopt)) == VolumeAction::kNone);

  VolumeWatchState alerted{true, last};
  CHECK(DecideVolume(alerted, At(kT0 + 1h, last)) == VolumeAction::kNone);
  CHECK(DecideVolume(alerted, At(kT0 + 1h, kT0 + 50min)) == VolumeAction::kRecover);
  // A lead outside business hours still ends the silence.
  CHECK(DecideVolume(alerted, At(kT0 + 5h, kT0 + 4h, false)) == VolumeAction::kRecover);
}
