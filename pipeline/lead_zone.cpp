#include "pipeline/lead_zone.h"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include "pipeline/us_place.h"

namespace leadrouter::pipeline {
namespace {

using i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberOfflineGeocoder& Geocoder() {
  // Built once: it indexes the compiled-in prefix tables on first use.
  static const PhoneNumberOfflineGeocoder* geocoder =
      new PhoneNumberOfflineGeocoder();
  return *geocoder;
}

}  // namespace

std::string StateFromPhone(const PhoneNumber& phone) {
  if (!phone.valid || phone.region != "US" || phone.e164.empty()) return "";
  PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  if (util->Parse(phone.e164, "US", &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return "";
  }
  // US descriptions read "New York, NY", "Texas" or "Washington D.C.".
  const std::string description =
      Geocoder().GetDescriptionForNumber(number, icu::Locale("en", "US"), "US");
  if (description == "Washington D.C.") return "DC";
  const size_t comma = description.rfind(',');
  return StateCode(comma == std::string::npos ? description
                                              : description.substr(comma + 1));
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
