#include "bot/http/connection_cap.h"

#include <catch2/catch.hpp>

namespace leadrouter {
namespace {

TEST_CASE("the connection cap leaves descriptors for the database, Slack and "
          "outbound clients",
          "[http][cap]") {
  // systemd's default soft limit: the cap is met before accept() runs dry.
  CHECK(HttpConnectionCap(1024) == 1024 - kDescriptorsKeptForOthers);
  CHECK(HttpConnectionCap(1024) < 1024);
  CHECK(HttpConnectionCap(4096) == 4096 - kDescriptorsKeptForOthers);
  // The shipped unit's LimitNOFILE=65536: bounded by memory, not the limit.
  CHECK(HttpConnectionCap(65536) == kMaxHttpConnections);
  // A limit too small to share still admits a few connections.
  CHECK(HttpConnectionCap(100) == kMinHttpConnections);
  CHECK(HttpConnectionCap(0) == kMinHttpConnections);
}

TEST_CASE("the descriptor limit is the process's soft RLIMIT_NOFILE",
          "[http][cap]") {
  CHECK(DescriptorLimit() > 0);
}

}  // namespace
}  // namespace leadrouter
