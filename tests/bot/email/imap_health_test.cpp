// What /healthz says about the IMAP poller.
#include <catch2/catch.hpp>

#include "bot/email/imap_health.h"

using leadrouter::ImapHealth;
using leadrouter::SystemTime;
using std::chrono::seconds;

TEST_CASE("the poller is stalled after stall_after without a successful poll",
          "[bot][email][imap]") {
  const SystemTime start = SystemTime() + seconds(1'800'000'000);
  ImapHealth h;
  h.state = "starting";
  h.started_at = start;
  h.stall_after = seconds(150);
  CHECK(h.ToJson(start + seconds(150))["stalled"] == false);
  CHECK(h.ToJson(start + seconds(151))["stalled"] == true);
  CHECK(h.ToJson(start)["last_success_unix"].is_null());

  h.state = "ok";
  h.last_success = start + seconds(120);
  const nlohmann::json j = h.ToJson(start + seconds(200));
  CHECK(j["stalled"] == false);
  CHECK(j["last_success_unix"] == 1'800'000'120);
  CHECK_FALSE(j.contains("last_error"));

  h.state = "failing";
  h.last_error = "the server refused the login";
  h.last_error_kind = "auth";
  CHECK(h.ToJson(start + seconds(271))["stalled"] == true);
  CHECK(h.ToJson(start + seconds(271))["last_error_kind"] == "auth");

  ImapHealth off;  // no [inbound_email.imap]
  CHECK(off.ToJson(start)["state"] == "disabled");
  CHECK(off.ToJson(start)["stalled"] == false);
}
