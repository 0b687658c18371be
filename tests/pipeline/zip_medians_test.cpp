#include "pipeline/zip_medians.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

TEST_CASE("zip medians: rows, an optional as-of date, a header and comments",
          "[pipeline][market]") {
  const ZipMediansParse p = ParseZipMedians(
      "zip,median,as_of\r\n"
      "# Cambridge\n"
      "02139,452000,2026-10-01\n"
      "\n"
      "10010,\"$1,250,000\"\n");
  CHECK(p.errors.empty());
  REQUIRE(p.medians.size() == 2);
  CHECK(p.medians.at("02139").median == 452000);
  CHECK(p.medians.at("02139").as_of == "2026-10-01");
  CHECK(p.medians.at("10010").median == 1250000);
  CHECK(p.medians.at("10010").as_of.empty());
}

TEST_CASE("zip medians: each bad row is named by its line and the rest kept",
          "[pipeline][market]") {
  const ZipMediansParse p = ParseZipMedians(
      "02139,452000\n"
      "2139,300000\n"
      "10010,lots\n"
      "94110,1.4M,October\n"
      "02139,460000\n"
      "60614\n"
      "60615,510000\n");
  REQUIRE(p.errors.size() == 5);
  CHECK(p.errors[0] == "line 2: ZIP \"2139\" must be five digits");
  CHECK(p.errors[1] == "line 3: median \"lots\" is not a price");
  CHECK(p.errors[2] == "line 4: as-of date \"October\" is not YYYY-MM-DD");
  CHECK(p.errors[3] == "line 5: ZIP 02139 is listed twice");
  CHECK(p.errors[4] == "line 6: expected ZIP,median[,as_of], got 1 columns");
  CHECK(p.medians.size() == 2);
  CHECK(p.medians.at("02139").median == 452000);
  CHECK(p.medians.count("60615") == 1);
}

TEST_CASE("zip medians: a reload replaces the whole table for every copy",
          "[pipeline][market]") {
  auto book = std::make_shared<ZipMedianBook>();
  auto copy = book;
  book->Replace({{"02139", {452000, ""}}});
  CHECK(copy->Get()->at("02139").median == 452000);
  book->Replace({});
  CHECK(copy->Get()->empty());
}
