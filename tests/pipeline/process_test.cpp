#include "pipeline/process.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

using namespace leadrouter::pipeline;
using leadrouter::Result;
using nlohmann::json;

namespace {

const TimePoint kNow = std::chrono::sys_days{
    std::chrono::year{2026} / std::chrono::month{3} / std::chrono::day{15}};

Result<ProcessedLead> Run(const json& payload, const Rules& rules = Rules{}) {
  return Process(payload, rules, kNow);
}

}  // namespace

TEST_CASE("process rejects a body that is not a JSON object, naming body",
          "[pipeline][process]") {
  for (const char* body : {"", "not json", "[1,2]", "\"text\"", "42", "null",
                           "{\"a\":", "{} trailing"}) {
    INFO(body);
    const Result<ProcessedLead> r = ProcessBody(body, Rules{}, kNow);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "body");
  }
}

TEST_CASE("process rejects deeply nested JSON, naming body",
          "[pipeline][process]") {
  const std::string body = std::string(5000, '[') + std::string(5000, ']');
  const Result<ProcessedLead> r = ProcessBody(body, Rules{}, kNow);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().field() == "body");
  SECTION("brackets inside strings do not count") {
    const std::string text =
        "{\"email\":\"a@b.co\",\"message\":\"" + std::string(100, '[') + "\"}";
    CHECK(ProcessBody(text, Rules{}, kNow).ok());
  }
}

TEST_CASE("process names the field that made a lead invalid",
          "[pipeline][process]") {
  SECTION("contact") {
    const auto r = Run({{"name", "Nobody"}, {"message", "call me"}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "contact");
  }
  SECTION("email") {
    const auto r = Run({{"name", "Ana"}, {"email", "ana(at)example.com"}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "email");
  }
  SECTION("name") {
    const auto r = Run({{"email", "ana@example.com"}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "name");
  }
  SECTION("a message that is only markup counts as no message") {
    const auto r = Run({{"email", "ana@example.com"}, {"message", "<p> </p>"}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "name");
  }
}

TEST_CASE("process accepts honeypot leads as spam without an agent",
          "[pipeline][process]") {
  const auto r = Run({{"email", "bot@example.com"},
                      {"name", "Bot"},
                      {"message", "Pre-approved cash buyer"},
                      {"_gotcha", "filled"}});
  REQUIRE(r.ok());
  CHECK(r->honeypot);
  CHECK(r->intent == Intent::kSpam);
  CHECK(r->segment == Segment::kLowQuality);
  SECTION("even when the bot left out the contact fields") {
    const auto bare = Run({{"hp", "x"}});
    REQUIRE(bare.ok());
    CHECK(bare->honeypot);
    CHECK(bare->intent == Intent::kSpam);
  }
}

TEST_CASE("process keeps an invalid phone and marks it",
          "[pipeline][process]") {
  const auto r = Run({{"name", "Ana"}, {"phone", "555-123-4567"}});
  REQUIRE(r.ok());
  CHECK(r->phone.raw == "555-123-4567");
  CHECK_FALSE(r->phone.valid);
  CHECK(r->dedupe_keys.empty());
  CHECK(r->segment == Segment::kLowQuality);
}

TEST_CASE("process uses the default region from the rules",
          "[pipeline][process]") {
  Rules rules;
  rules.default_region = "GB";
  const auto r = Run({{"name", "Ana"}, {"phone", "020 7183 8750"}}, rules);
  REQUIRE(r.ok());
  CHECK(r->phone.e164 == "+442071838750");
  CHECK(r->phone.region == "GB");
}

TEST_CASE("process cuts the message at the configured length",
          "[pipeline][process]") {
  Rules rules;
  rules.max_text_length = 100;
  const auto r = Run(
      {{"email", "a@example.com"}, {"message", std::string(500, 'x')}}, rules);
  REQUIRE(r.ok());
  CHECK(r->message.size() == 100);
  CHECK(r->cleaning.back() == "message: cut to 100 bytes");
}

TEST_CASE("process reads a budget from the message when no field has one",
          "[pipeline][process]") {
  const auto r =
      Run({{"email", "a@example.com"}, {"message", "Budget 2.1M, 3 units"}});
  REQUIRE(r.ok());
  CHECK(r->budget == 2100000.0);
  const auto field = Run({{"email", "a@example.com"},
                          {"message", "budget 2.1M"},
                          {"budget", "$450k"}});
  CHECK(field->budget == 450000.0);
}

TEST_CASE("process derives days on market from a listing date",
          "[pipeline][process]") {
  const auto r = Run({{"email", "a@example.com"},
                      {"name", "Ana"},
                      {"property", {{"listed_at", "2026-03-10"}}}});
  REQUIRE(r.ok());
  CHECK(r->property.days_on_market == 5);
}

TEST_CASE("process keeps the raw payload", "[pipeline][process]") {
  const json payload = {
      {"email", "A@Example.com"}, {"name", "ana"}, {"x", {1, 2}}};
  const auto r = Run(payload);
  REQUIRE(r.ok());
  CHECK(r->raw == payload);
  CHECK(r->email == "a@example.com");
}

TEST_CASE("process records what cleaning changed", "[pipeline][process]") {
  const auto r = Run({{"email", " A@Example.com "},
                      {"name", "ANA RUIZ"},
                      {"message", "<b>hi</b>"}});
  REQUIRE(r.ok());
  const auto& c = r->cleaning;
  const auto has = [&](const std::string& prefix) {
    for (const std::string& s : c) {
      if (s.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  CHECK(has("name: \"ANA RUIZ\" written as \"Ana Ruiz\""));
  CHECK(has("email: "));
  CHECK(has("message: stripped HTML tags"));
}

TEST_CASE("process turns invalid UTF-8 in JSON-built payloads into valid text",
          "[pipeline][process]") {
  const auto r = Run({{"email", "a@example.com"},
                      {"name", std::string("Zo\xEB")},
                      {"message", std::string("caf\xE9")}});
  REQUIRE(r.ok());
  CHECK(r->name.full == "Zo\uFFFD");
  CHECK(r->message == "caf\uFFFD");
  CHECK_NOTHROW(ToJson(r.value()).dump());
}

namespace {
struct RecordingObserver final : leadrouter::pipeline::StepObserver {
  std::vector<std::string> steps;
  void StepDone(std::string_view step) override { steps.emplace_back(step); }
};
}  // namespace

TEST_CASE("each pipeline step reports its end, in order, so it can be timed",
          "[pipeline][process]") {
  RecordingObserver observer;
  auto lead = leadrouter::pipeline::ProcessBody(
      R"({"firstName":"Ana","email":"ana@example.com"})", leadrouter::pipeline::Rules{},
      leadrouter::pipeline::TimePoint{}, &observer);
  REQUIRE(lead.ok());
  CHECK(observer.steps == std::vector<std::string>{"parse", "normalize", "validate",
                                                   "score", "intent", "segment"});
  RecordingObserver rejected;
  auto bad = leadrouter::pipeline::ProcessBody(R"({"firstName":"Ana"})",
                                               leadrouter::pipeline::Rules{},
                                               leadrouter::pipeline::TimePoint{}, &rejected);
  CHECK_FALSE(bad.ok());
  CHECK(rejected.steps == std::vector<std::string>{"parse", "normalize"});
}
