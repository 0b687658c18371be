// US places in free-text addresses: which state (and city) a lead's address
// names, and the time zone a state keeps. Pure tables; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leadrouter::pipeline {

struct UsPlace {
  std::string city;   // "Springfield"; empty when the address does not say
  std::string state;  // two-letter USPS code "IL"; empty when unknown
};

// Reads the state and city from an address written the usual way,
// "12 Elm St, Springfield, IL 62704" or "…, Springfield, Illinois": the state
// is the last comma-separated part (a USPS code or a full state name, an
// optional ZIP after it), the city the part before it. Anything else gives
// an empty place rather than a guess.
UsPlace PlaceFromAddress(std::string_view address);

// "IL" for "IL" or "Illinois" (any case); empty when it is neither.
std::string StateCode(std::string_view name_or_code);

// The IANA zone most of the state's people live in ("America/Chicago" for
// "IL"). States split across zones get their majority zone (Texas: Chicago,
// Florida: New_York, Indiana: Indianapolis, …). Empty for an unknown code.
std::string_view TimeZoneForState(std::string_view code);

}  // namespace leadrouter::pipeline
