#include "pipeline/lead_zone.h"

#include <string_view>

#include "pipeline/phone_geocoder.h"
#include "pipeline/us_place.h"

namespace leadrouter::pipeline {
namespace {

// libphonenumber gives the territories their own regions; their codes are
// the USPS ones, each with its own zone (pipeline/us_place).
bool IsUsTerritory(const std::string& region) {
  return region == "PR" || region == "VI" || region == "GU" ||
         region == "AS" || region == "MP";
}

// The compiled-in descriptions read "New York, NY", "Texas",
// "Washington D.C.", "Washington State" (206, 253, 360, 425, 509, 564) or,
// for 445, only "Philadelphia".
std::string StateFromDescription(const std::string& description) {
  if (description == "Washington D.C.") return "DC";
  if (description == "Philadelphia") return "PA";
  const size_t comma = description.rfind(',');
  if (comma != std::string::npos) return StateCode(description.substr(comma + 1));
  constexpr std::string_view kStateSuffix = " State";
  if (description.size() > kStateSuffix.size() &&
      description.compare(description.size() - kStateSuffix.size(),
                          kStateSuffix.size(), kStateSuffix) == 0) {
    return StateCode(
        description.substr(0, description.size() - kStateSuffix.size()));
  }
  return StateCode(description);
}

}  // namespace

std::string StateFromPhone(const PhoneNumber& phone) {
  if (!phone.valid || phone.e164.empty()) return "";
  if (IsUsTerritory(phone.region)) return phone.region;
  if (phone.region != "US") return "";
  const std::optional<std::string> area = DescribePhoneArea(phone.e164, "US");
  return area ? StateFromDescription(*area) : "";
}

LeadZone ZoneForLead(const ProcessedLead& lead,
                     const std::string& fallback_zone) {
  LeadZone out;
  out.state = PlaceFromAddress(lead.property.address).state;
  out.source = LeadZone::Source::kAddress;
  if (out.state.empty()) {
    out.state = StateFromPhone(lead.phone);
    out.source = LeadZone::Source::kPhone;
  }
  const std::string_view zone = TimeZoneForState(out.state);
  if (zone.empty()) {
    out.zone = fallback_zone;
    out.source = LeadZone::Source::kFallback;
  } else {
    out.zone = std::string(zone);
  }
  return out;
}

}  // namespace leadrouter::pipeline
