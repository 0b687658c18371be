#include "pipeline/mime_library.h"

#include "pipeline/module_loader.h"

namespace leadrouter::pipeline {

const MimeApi* MimeFunctions(std::string* error) {
  if (leadrouter_mime_api != nullptr) return leadrouter_mime_api();
  static auto* module = new LazyModule(kMimeModule, kMimeApiSymbol);  // never unloaded
  return ModuleApi<MimeApi>(*module, error);
}

}  // namespace leadrouter::pipeline
