#include "pipeline/phone_geocoder.h"

#include <array>

#include "pipeline/geocoder_abi.h"
#include "pipeline/module_loader.h"

namespace leadrouter::pipeline {
namespace {

const ModuleSymbol& Geocoder() {
  static LazyModule* module =  // never unloaded
      new LazyModule(kGeocoderModule, kGeocoderDescribeSymbol);
  return module->Get();
}

GeocoderDescribeFn Describer() {
  return reinterpret_cast<GeocoderDescribeFn>(Geocoder().address);
}

}  // namespace

std::optional<std::string> DescribePhoneArea(const std::string& e164,
                                             const std::string& region) {
  const GeocoderDescribeFn describe = Describer();
  if (describe == nullptr) return std::nullopt;
  std::array<char, 256> out{};
  const std::size_t n =
      describe(e164.c_str(), region.c_str(), out.data(), out.size());
  return std::string(out.data(), n);
}

GeocoderStatus LoadGeocoder() {
  const ModuleSymbol& found = Geocoder();
  return GeocoderStatus{found.address != nullptr, found.error};
}

}  // namespace leadrouter::pipeline
