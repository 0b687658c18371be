#include "pipeline/phone_geocoder.h"

#include <dlfcn.h>

#include <array>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include "pipeline/geocoder_abi.h"

namespace leadrouter::pipeline {
namespace {

struct Module {
  std::mutex mu;
  bool tried = false;
  GeocoderDescribeFn describe = nullptr;
  std::string error;
};

Module& TheModule() {
  static Module* module = new Module();  // never unloaded
  return *module;
}

// Where the module may be, by full path: beside an installed binary
// (bin/../lib/leadrouter), then the build tree that made this binary. Not a
// bare name left to the RUNPATH: under ASan, dlopen is called from the
// sanitizer's runtime, whose search path is not ours.
std::vector<std::filesystem::path> Candidates() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path() / ".." / "lib" / "leadrouter" / kGeocoderModule);
  out.push_back(std::filesystem::path(LEADROUTER_MODULE_DIR) / kGeocoderModule);
  return out;
}

// REQUIRES: m.mu held.
void LoadOnce(Module& m) {
  if (m.tried) return;
  m.tried = true;
  void* handle = nullptr;
  std::string tried;
  for (const std::filesystem::path& path : Candidates()) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path.lexically_normal().string();
      continue;
    }
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      m.error = why != nullptr ? why : "cannot load " + path.string();
      return;
    }
    break;
  }
  if (handle == nullptr) {
    m.error = std::string(kGeocoderModule) + " not found (looked in " + tried + ")";
    return;
  }
  void* symbol = dlsym(handle, kGeocoderDescribeSymbol);
  if (symbol == nullptr) {
    m.error = std::string(kGeocoderModule) + " has no " + kGeocoderDescribeSymbol;
    return;
  }
  m.describe = reinterpret_cast<GeocoderDescribeFn>(symbol);
}

GeocoderDescribeFn Describer() {
  Module& m = TheModule();
  std::lock_guard lock(m.mu);
  LoadOnce(m);
  return m.describe;
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
  Module& m = TheModule();
  std::lock_guard lock(m.mu);
  LoadOnce(m);
  return GeocoderStatus{m.describe != nullptr, m.error};
}

}  // namespace leadrouter::pipeline
