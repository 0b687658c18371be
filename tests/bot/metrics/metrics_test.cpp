#include "bot/metrics/metrics.h"

#include <string>

#include <catch2/catch.hpp>

using leadrouter::metrics::Metrics;

TEST_CASE("one label's many values never use up another label's room",
          "[bot][metrics]") {
  Metrics m;
  // Slack invents error codes; a hundred of them fill only the result label.
  for (int i = 0; i < 100; ++i) m.SlackCall("chat.postMessage", "error_" + std::to_string(i));
  m.LeadRouted("shark_tank", "shark_tank", "HOT_BUYER");
  const std::string text = m.Render();
  CHECK(text.find("segment=\"HOT_BUYER\"") != std::string::npos);
  CHECK(text.find("route=\"shark_tank\"") != std::string::npos);
  CHECK(text.find("result=\"other\"") != std::string::npos);
}
