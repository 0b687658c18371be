#include "bot/demo/demo_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace demo = leadrouter::demo;
namespace fs = std::filesystem;

namespace {

// A build-tree-shaped directory: root/bot/leadrouter and, when asked,
// root/tests/slack_sim/slack-sim.
struct FakeTree {
  explicit FakeTree(bool with_sim) {
    root = fs::temp_directory_path() /
           ("leadrouter-demo-test-" + std::to_string(::getpid()));
    fs::create_directories(root / "bot");
    fs::create_directories(root / "elsewhere");
    Touch(root / "bot" / "leadrouter");
    if (with_sim) {
      fs::create_directories(root / "tests" / "slack_sim");
      Touch(root / "tests" / "slack_sim" / "slack-sim");
    }
    Touch(root / "elsewhere" / "slack-sim");
  }
  ~FakeTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  static void Touch(const fs::path& p) {
    std::ofstream(p) << "#!/bin/sh\n";
    ::chmod(p.c_str(), 0755);
  }
  fs::path root;
};

}  // namespace

TEST_CASE("demo arguments: --sim PATH and --keep, nothing else",
          "[bot][demo]") {
  std::string error;
  auto options =
      demo::ParseDemoArgs({"--sim", "/x/slack-sim", "--keep"}, &error);
  REQUIRE(options);
  CHECK(options->sim_path == "/x/slack-sim");
  CHECK(options->keep);

  auto defaults = demo::ParseDemoArgs({}, &error);
  REQUIRE(defaults);
  CHECK(defaults->sim_path.empty());
  CHECK_FALSE(defaults->keep);

  CHECK_FALSE(demo::ParseDemoArgs({"--sim"}, &error));
  CHECK(error == "--sim needs a value");
  CHECK_FALSE(demo::ParseDemoArgs({"--config", "x.toml"}, &error));
  CHECK(error == "unknown demo argument --config");
}

TEST_CASE("slack-sim is found next to the build tree first, then on PATH",
          "[bot][demo]") {
  SECTION("beside the build tree") {
    FakeTree tree(/*with_sim=*/true);
    const std::string self = (tree.root / "bot" / "leadrouter").string();
    CHECK(demo::FindSlackSim("", self, (tree.root / "elsewhere").string()) ==
          (tree.root / "tests" / "slack_sim" / "slack-sim").string());
  }
  SECTION("on PATH when the build tree has none") {
    FakeTree tree(/*with_sim=*/false);
    const std::string self = (tree.root / "bot" / "leadrouter").string();
    CHECK(demo::FindSlackSim(
              "", self, "/nonexistent:" + (tree.root / "elsewhere").string()) ==
          (tree.root / "elsewhere" / "slack-sim").string());
    CHECK(demo::FindSlackSim("", self, "/nonexistent").empty());
  }
  SECTION("an explicit path must be an executable file") {
    FakeTree tree(/*with_sim=*/false);
    const std::string given = (tree.root / "elsewhere" / "slack-sim").string();
    CHECK(demo::FindSlackSim(given, "", "") == given);
    CHECK(demo::FindSlackSim((tree.root / "missing").string(), "", "").empty());
    CHECK(
        demo::FindSlackSim(tree.root.string(), "", "").empty());  // a directory
  }
}
