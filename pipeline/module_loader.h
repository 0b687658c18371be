// Finding and opening the daemon's own run-time modules (the phone
// geocoder, e-mail transfer): parts that pull in large libraries the daemon
// may never need, loaded on first use instead of mapped at start.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>

namespace leadrouter::pipeline {

struct ModuleSymbol {
  void* address = nullptr;  // nullptr when the module or the symbol is missing
  std::string error;        // why, when address is nullptr
};

// Opens `file_name` ("libleadrouter_geocoder.so") and looks up `symbol` in
// it. Looks by full path: beside an installed binary (bin/../lib/leadrouter),
// then the build tree that made this binary. Not a bare name left to the
// RUNPATH: under ASan, dlopen is called from the sanitizer's runtime, whose
// search path is not ours. Modules are never unloaded.
ModuleSymbol OpenModule(const char* file_name, const char* symbol);

// One module's symbol, opened by the first caller; the others wait for it.
// A module that could not be opened is not tried again.
class LazyModule {
 public:
  LazyModule(const char* file_name, const char* symbol)
      : file_name_(file_name), symbol_(symbol) {}
  const ModuleSymbol& Get() {
    std::call_once(once_, [this] { found_ = OpenModule(file_name_, symbol_); });
    return found_;
  }

 private:
  const char* file_name_;
  const char* symbol_;
  std::once_flag once_;
  ModuleSymbol found_;
};

// The table of functions a module hands out through its one symbol (an
// extern "C" function returning `const Api*`), loading the module on the
// first call; nullptr when it cannot be loaded (`error`, when given, says
// why).
template <typename Api>
const Api* ModuleApi(LazyModule& module, std::string* error) {
  const ModuleSymbol& found = module.Get();
  if (found.address == nullptr) {
    if (error != nullptr) *error = found.error;
    return nullptr;
  }
  return reinterpret_cast<const Api* (*)()>(found.address)();
}

}  // namespace leadrouter::pipeline
