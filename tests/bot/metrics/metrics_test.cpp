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

TEST_CASE("time to claim and to first contact land in their own histograms",
          "[bot][metrics]") {
  using leadrouter::storage::LeadMilestone;
  using namespace std::chrono_literals;
  Metrics m;
  m.ObserveMilestone({LeadMilestone::Kind::kFirstOwner, 45s});
  m.ObserveMilestone({LeadMilestone::Kind::kFirstOwner, 200ms});
  m.ObserveMilestone({LeadMilestone::Kind::kFirstContact, 20min});
  const std::string text = m.Render();
  CHECK(text.find("leadrouter_time_to_claim_seconds_count 2") != std::string::npos);
  CHECK(text.find("leadrouter_time_to_claim_seconds_sum 45.2") != std::string::npos);
  // 0.2 s is within the first bucket, 45 s only from one minute up.
  CHECK(text.find("leadrouter_time_to_claim_seconds_bucket{le=\"1\"} 1") !=
        std::string::npos);
  CHECK(text.find("leadrouter_time_to_claim_seconds_bucket{le=\"60\"} 2") !=
        std::string::npos);
  CHECK(text.find("leadrouter_time_to_first_contact_seconds_count 1") !=
        std::string::npos);
  CHECK(text.find("leadrouter_time_to_first_contact_seconds_bucket{le=\"900\"} 0") !=
        std::string::npos);
  CHECK(text.find("leadrouter_time_to_first_contact_seconds_bucket{le=\"1800\"} 1") !=
        std::string::npos);
}

TEST_CASE("leads routed carry the pool apart from the route", "[bot][metrics]") {
  Metrics m;
  m.LeadRouted("luxury-back-bay", "luxury", "HOT_BUYER");
  m.LeadRouted("nurture", "none", "NURTURE");
  const std::string text = m.Render();
  CHECK(text.find("pool=\"luxury\"") != std::string::npos);
  CHECK(text.find("route=\"luxury-back-bay\"") != std::string::npos);
  CHECK(text.find("pool=\"none\"") != std::string::npos);
}
