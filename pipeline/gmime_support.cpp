#include "pipeline/gmime_support.h"

#include <mutex>

namespace leadrouter::pipeline {

void EnsureGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace leadrouter::pipeline
