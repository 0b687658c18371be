#include "bot/runtime/guarded_loop.h"

#include <cxxabi.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

#include "bot/daemon/log.h"

namespace leadrouter {
namespace {

// "std::runtime_error" rather than "St13runtime_error".
std::string TypeName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

void LogThrow(uint64_t throws) {
  nlohmann::json fields = {{"throws", throws},
                           {"detail", "a completion handler threw; it was dropped "
                                      "and the loop goes on"}};
  try {
    throw;
  } catch (const std::exception& e) {
    fields["exception"] = TypeName(typeid(e));
    fields["error"] = e.what();
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    fields["exception"] = type ? TypeName(*type) : "unknown";
    fields["error"] = "not a std::exception";
  }
  logging::Error("loop.handler_threw", fields);
}

}  // namespace

uint64_t RunGuarded(boost::asio::io_context& loop) {
  uint64_t throws = 0;
  for (;;) {
    try {
      // run() returns normally only when the loop was stopped or has no
      // work left; a throw leaves the loop as it was, so running it again
      // resumes with the next ready handler.
      loop.run();
      return throws;
    } catch (...) {
      LogThrow(++throws);
    }
  }
}

}  // namespace leadrouter
