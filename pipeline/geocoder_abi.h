// What libleadrouter_geocoder.so exports, shared by the module and its loader
// (pipeline/phone_geocoder) so the two cannot disagree on a name or a type.
#pragma once

#include <cstddef>

// Writes the English description of `e164`'s area ("New York, NY"), as
// libphonenumber's offline geocoder gives it for a number dialled from
// `region`, into `out` (NUL-terminated, cut to `capacity - 1`); returns its
// length, 0 when the number does not parse or has no description.
extern "C" std::size_t leadrouter_geocoder_describe(const char* e164,
                                                    const char* region,
                                                    char* out,
                                                    std::size_t capacity);

namespace leadrouter::pipeline {

inline constexpr char kGeocoderModule[] = "libleadrouter_geocoder.so";
inline constexpr char kGeocoderDescribeSymbol[] = "leadrouter_geocoder_describe";
using GeocoderDescribeFn = decltype(&leadrouter_geocoder_describe);

}  // namespace leadrouter::pipeline
