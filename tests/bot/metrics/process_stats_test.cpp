#include "bot/metrics/process_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <vector>

#include <catch2/catch.hpp>

using leadrouter::metrics::ReadProcessStats;

TEST_CASE("the process's own figures come from /proc", "[bot][metrics]") {
  auto before = ReadProcessStats();
  REQUIRE(before);
  CHECK(before->resident_bytes > 1024 * 1024);
  CHECK(before->virtual_bytes >= before->resident_bytes);
  CHECK(before->max_fds >= 64);
  // Started a moment ago, not in 1970 and not in the future.
  CHECK(before->start_time_seconds > static_cast<double>(std::time(nullptr)) - 3600);
  CHECK(before->start_time_seconds <= static_cast<double>(std::time(nullptr)) + 1);

  SECTION("an opened file shows in the open descriptors") {
    int fd = ::open("/dev/null", O_RDONLY);
    REQUIRE(fd >= 0);
    auto after = ReadProcessStats();
    ::close(fd);
    REQUIRE(after);
    CHECK(after->open_fds == before->open_fds + 1);
  }
  SECTION("work done shows in the CPU seconds") {
    volatile double sink = 0;
    const clock_t start = std::clock();
    while (std::clock() - start < CLOCKS_PER_SEC / 5) sink = sink + 1;
    auto after = ReadProcessStats();
    REQUIRE(after);
    CHECK(after->cpu_seconds > before->cpu_seconds);
  }
}
