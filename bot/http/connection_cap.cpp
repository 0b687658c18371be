#include "bot/http/connection_cap.h"

#include <sys/resource.h>

#include <algorithm>

namespace leadrouter {

size_t HttpConnectionCap(uint64_t descriptor_limit) {
  if (descriptor_limit <= kDescriptorsKeptForOthers + kMinHttpConnections) {
    return kMinHttpConnections;
  }
  return static_cast<size_t>(
      std::min<uint64_t>(descriptor_limit - kDescriptorsKeptForOthers,
                         kMaxHttpConnections));
}

uint64_t DescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  return limit.rlim_cur == RLIM_INFINITY ? kMaxHttpConnections * 4
                                         : static_cast<uint64_t>(limit.rlim_cur);
}

}  // namespace leadrouter
