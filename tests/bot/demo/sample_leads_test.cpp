#include "bot/demo/sample_leads.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace demo = leadrouter::demo;

TEST_CASE("the demo's built-in sample leads are the fixtures, byte for byte",
          "[bot][demo]") {
  REQUIRE(demo::SampleLeads().size() == 6);
  for (const demo::SampleLead& sample : demo::SampleLeads()) {
    INFO(sample.file);
    std::ifstream in(std::string(LEADROUTER_FIXTURES_DIR) + "/" + sample.file,
                     std::ios::binary);
    REQUIRE(in);
    std::stringstream fixture;
    fixture << in.rdbuf();
    std::string expected = fixture.str();
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    CHECK(sample.body == expected);
    CHECK_FALSE(
        nlohmann::json::parse(sample.body, nullptr, false).is_discarded());
  }
}
