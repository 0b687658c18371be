#include "bot/slack/once_poster.h"

#include <catch2/catch.hpp>

using leadrouter::slack::FindJobMessage;
using leadrouter::slack::HistoryScopes;
using leadrouter::slack::JobMetadata;
using nlohmann::json;

TEST_CASE("a post carries its job's id and is found by it in a channel's history",
          "[bot][slack][once_poster]") {
  json metadata = JobMetadata(42);
  CHECK(metadata["event_type"] == "leadrouter_job");
  CHECK(metadata["event_payload"]["job_id"] == "42");

  json history = {{"ok", true},
                  {"messages",
                   json::array({
                       {{"ts", "1.000003"}, {"metadata", JobMetadata(43)}},
                       {{"ts", "1.000002"}, {"text", "no metadata"}},
                       {{"ts", "1.000001"}, {"metadata", JobMetadata(42)}},
                   })}};
  CHECK(FindJobMessage(history, 42) == "1.000001");
  CHECK(FindJobMessage(history, 43) == "1.000003");
  CHECK(FindJobMessage(history, 4).empty());
  SECTION("another app's metadata with the same id is not ours") {
    json other = {{"messages", json::array({{{"ts", "2.0"},
                                             {"metadata",
                                              {{"event_type", "lead_posted"},
                                               {"event_payload", {{"job_id", "42"}}}}}}})}};
    CHECK(FindJobMessage(other, 42).empty());
  }
  SECTION("a numeric id in the payload matches too") {
    json numeric = {{"messages", json::array({{{"ts", "3.0"},
                                               {"metadata",
                                                {{"event_type", "leadrouter_job"},
                                                 {"event_payload", {{"job_id", 42}}}}}}})}};
    CHECK(FindJobMessage(numeric, 42) == "3.0");
  }
  SECTION("a malformed answer finds nothing and does not throw") {
    CHECK(FindJobMessage(json(nullptr), 42).empty());
    CHECK(FindJobMessage(json{{"messages", "x"}}, 42).empty());
    CHECK(FindJobMessage(json{{"messages", json::array({1, "x", nullptr})}}, 42).empty());
  }
}

TEST_CASE("the token's scopes say where a lost post can be looked up",
          "[bot][slack][once_poster]") {
  HistoryScopes all = HistoryScopes::From("chat:write, channels:history,im:history");
  CHECK(all.known);
  CHECK(all.Allows("C0SHARK001"));
  CHECK(all.Allows("D0ANA00001"));

  HistoryScopes none = HistoryScopes::From("chat:write,commands,im:write,users:read");
  CHECK(none.known);
  CHECK_FALSE(none.Allows("C0SHARK001"));
  CHECK_FALSE(none.Allows("D0ANA00001"));

  HistoryScopes private_only = HistoryScopes::From("groups:history");
  CHECK(private_only.Allows("C0SHARK001"));
  CHECK_FALSE(private_only.Allows("D0ANA00001"));

  SECTION("an answer that lists no scopes leaves the lookup to be tried") {
    HistoryScopes unknown = HistoryScopes::From("");
    CHECK_FALSE(unknown.known);
    CHECK(unknown.Allows("C0SHARK001"));
  }
}
