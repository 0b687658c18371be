// Time to claim and to first contact as an operator's Prometheus sees them:
// the real daemon against slack-sim, a real Claim click and a real Mark
// contacted on a moved clock, then GET /metrics.
#include <catch2/catch.hpp>

#include "tests/support/http_client.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::HasButton;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::Sample;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

std::string Scrape(SlackStack& s) {
  auto r = leadrouter::test::HttpClient(s.daemon_port()).Send("GET", "/metrics", {}, "");
  REQUIRE(r.status == 200);
  return r.body;
}

}  // namespace

TEST_CASE("a lead claimed 45 s after it arrived shows in the time-to-claim histogram, "
          "its first contact 20 minutes later in the time-to-contact one",
          "[integration][metrics]") {
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" +
                            leadrouter::testing::AgentToml("U0AGENTANA", "Ana")});
  s.PostLead(leadrouter::testing::HotLead(1, "Dana Claimtest"));
  const std::string ts = s.WaitForPost("Dana Claimtest")["ts"];
  std::string text = Scrape(s);
  CHECK(Sample(text, "leadrouter_time_to_claim_seconds_count") == 0);

  s.Advance("45s");
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTANA")["ok"] == true);
  const std::string dm = s.WaitForDm("U0AGENTANA");
  auto card = s.WaitFor(dm, [](const json& m) { return HasButton(m, "mark_contacted"); });
  REQUIRE(card);
  text = Scrape(s);
  CHECK(Sample(text, "leadrouter_time_to_claim_seconds_count") == 1);
  CHECK(Sample(text, R"(leadrouter_time_to_claim_seconds_bucket{le="30"})") == 0);
  CHECK(Sample(text, R"(leadrouter_time_to_claim_seconds_bucket{le="60"})") == 1);
  CHECK(Sample(text, "leadrouter_time_to_first_contact_seconds_count") == 0);

  s.Advance("20m");
  s.Click(dm, (*card)["ts"], "mark_contacted", "U0AGENTANA");
  auto told = s.WaitFor(
      dm, [](const json& e) { return e.value("text", "").find("as contacted") != std::string::npos; },
      /*ephemeral=*/true);
  REQUIRE(told);
  text = Scrape(s);
  // 20 m 45 s after intake; the claim is not counted again.
  CHECK(Sample(text, "leadrouter_time_to_first_contact_seconds_count") == 1);
  CHECK(Sample(text, R"(leadrouter_time_to_first_contact_seconds_bucket{le="900"})") == 0);
  CHECK(Sample(text, R"(leadrouter_time_to_first_contact_seconds_bucket{le="1800"})") == 1);
  CHECK(Sample(text, "leadrouter_time_to_claim_seconds_count") == 1);
}
