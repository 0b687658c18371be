// Phone numbers: parsing and E.164 normalization through libphonenumber.
// Thread-safe (libphonenumber's utility is an immutable singleton).
#pragma once

#include <string>
#include <string_view>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// Parses `raw` as dialled from `default_region` ("US"). Never fails: a number
// that cannot be parsed, or is too short or too long to be a phone number at
// all, comes back with an empty `e164` and valid=false; a number that parses
// but is not assigned (IsValidNumber false) keeps its e164 and valid=false.
// Extensions are accepted and dropped from the E.164 form.
PhoneNumber NormalizePhone(std::string_view raw,
                           const std::string& default_region);

}  // namespace leadrouter::pipeline
