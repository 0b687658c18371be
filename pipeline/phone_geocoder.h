// libphonenumber's offline geocoder, loaded on first use. The geocoding
// library carries its tables as data that needs about 450,000 relocations
// when it is loaded; linked into the daemon, that is ~14 MB of memory dirty
// from the start, though only a text's send window ever asks for a phone's
// area. It lives in libleadrouter_geocoder.so instead (pipeline/
// geocoder_module.cpp), looked for in ../lib/leadrouter beside the binary
// (cmake --install puts it there), then in the build tree's lib/.
// Thread-safe: the first caller loads, the others wait for it.
#pragma once

#include <optional>
#include <string>

namespace leadrouter::pipeline {

// The area description of a parsed E.164 number as dialled from `region`
// ("New York, NY"; "" when it has none), or nullopt when the module cannot
// be loaded (LoadGeocoder says why).
std::optional<std::string> DescribePhoneArea(const std::string& e164,
                                             const std::string& region);

struct GeocoderStatus {
  bool loaded = false;
  std::string error;  // why loading failed; empty when loaded or not tried
};

// Loads the module now (check-config proves an install can find it without
// the daemon paying for it) and says how that went.
GeocoderStatus LoadGeocoder();

}  // namespace leadrouter::pipeline
