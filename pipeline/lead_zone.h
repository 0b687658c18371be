// Which time zone a lead lives in, for the SMS send window: the state in
// the property address, else the region of the phone number (libphonenumber's
// offline geocoder, compiled-in data, loaded on first use by
// pipeline/phone_geocoder), else the team's zone. Thread-safe.
#pragma once

#include <string>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

struct LeadZone {
  enum class Source { kAddress, kPhone, kFallback };
  std::string zone;   // IANA name, "America/Chicago"
  std::string state;  // USPS code, "IL"; empty when neither source names one
  Source source = Source::kFallback;
};

// The USPS state code of a valid US number's area ("NY" for +1 212…), or
// the territory's code for Puerto Rico, the Virgin Islands, Guam, American
// Samoa and the Northern Marianas; empty for other countries, toll-free
// numbers and numbers the geocoder places only in "United States"; empty
// too when the geocoder module cannot be loaded (check-config reports it).
std::string StateFromPhone(const PhoneNumber& phone);

// The lead's zone and state; `fallback_zone` (the team's zone) when neither
// the address nor the phone names a US state. The state may come from the
// phone while the address names none; an address that names one wins over
// the phone (people keep their numbers when they move).
LeadZone ZoneForLead(const ProcessedLead& lead,
                     const std::string& fallback_zone);

}  // namespace leadrouter::pipeline
