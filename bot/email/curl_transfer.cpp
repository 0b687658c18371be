#include "bot/email/curl_transfer.h"

#include "pipeline/module_loader.h"

namespace leadrouter {

const CurlApi* CurlTransfers(std::string* error) {
  static auto* module = new pipeline::LazyModule(kCurlModule, kCurlApiSymbol);  // never unloaded
  return pipeline::ModuleApi<CurlApi>(*module, error);
}

}  // namespace leadrouter
