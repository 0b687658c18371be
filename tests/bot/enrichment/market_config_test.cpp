#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "bot/daemon/config.h"
#include "tests/support/daemon_process.h"

using leadrouter::ConfigLoad;
using leadrouter::LoadConfigFile;

namespace {

ConfigLoad LoadWithMedians(leadrouter::testing::TempDir& dir,
                           const std::string& csv) {
  std::ofstream(dir.File("zip_medians.csv")) << csv;
  std::ofstream(dir.File("leadrouter.toml"))
      << "[market]\nmedians_file = \"zip_medians.csv\"\n";
  return LoadConfigFile(dir.File("leadrouter.toml"));
}

}  // namespace

TEST_CASE("market config: the medians file beside the config is loaded",
          "[bot][enrichment][config]") {
  leadrouter::testing::TempDir dir;
  const ConfigLoad load =
      LoadWithMedians(dir, "zip,median,as_of\n02139,452000,2026-10-01\n");
  REQUIRE(load.ok());
  CHECK(load.config.rules.zip_medians->Get()->at("02139").median == 452000);
  CHECK(leadrouter::SummarizeConfig(load.config).find("1 ZIP medians") !=
        std::string::npos);
}

TEST_CASE("market config: check-config names the bad row of the medians file",
          "[bot][enrichment][config]") {
  leadrouter::testing::TempDir dir;
  const ConfigLoad load =
      LoadWithMedians(dir, "02139,452000\n10010,lots\n94110,1400000\n");
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].key == "market.medians_file");
  CHECK(load.errors[0].message ==
        "zip_medians.csv line 2: median \"lots\" is not a price");
}

TEST_CASE("market config: a missing medians file is an error naming the key",
          "[bot][enrichment][config]") {
  leadrouter::testing::TempDir dir;
  std::ofstream(dir.File("leadrouter.toml"))
      << "[market]\nmedians_file = \"nowhere.csv\"\n";
  const ConfigLoad load = LoadConfigFile(dir.File("leadrouter.toml"));
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].key == "market.medians_file");
  CHECK(load.errors[0].message.find("cannot read") != std::string::npos);
}
