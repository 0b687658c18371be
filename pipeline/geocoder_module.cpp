// The body of libleadrouter_geocoder.so: libphonenumber's offline geocoder
// behind one C function, so the daemon loads the geocoding library only when
// a lead first needs a phone's area (pipeline/phone_geocoder). Linked
// directly, that library's 450,000 relocations dirty about 14 MB of memory
// at start in a daemon that may never send a text.
#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "pipeline/geocoder_abi.h"

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

extern "C" __attribute__((visibility("default"))) std::size_t
leadrouter_geocoder_describe(const char* e164, const char* region, char* out,
                             std::size_t capacity) {
  if (e164 == nullptr || region == nullptr || out == nullptr || capacity == 0) {
    return 0;
  }
  PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  if (util->Parse(e164, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    out[0] = '\0';
    return 0;
  }
  const std::string description = Geocoder().GetDescriptionForNumber(
      number, icu::Locale("en", "US"), region);
  const std::size_t n =
      description.size() < capacity ? description.size() : capacity - 1;
  std::memcpy(out, description.data(), n);
  out[n] = '\0';
  return n;
}
