#include "bot/classifier/eval_command.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/runtime/clock.h"

using namespace leadrouter;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/leadrouter-eval-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

struct Run {
  int code;
  std::string out, err;
};

Run Eval(std::vector<std::string> args) {
  SystemClock clock;
  std::ostringstream out, err;
  const int code = RunEvalCommand(args, clock, out, err);
  return {code, out.str(), err.str()};
}

const char kLine[] =
    R"({"id": "a1", "received_at": "2026-01-12T16:00:00Z", "payload": )"
    R"({"email": "dana@example.com", "message": "Pre-approved, tour Friday?",)"
    R"( "property": {"days_on_market": 2}}, "expect": {"intent": )"
    R"("URGENT_BUYER", "segment": "HOT_BUYER", "lead_type": "buyer"}})";

}  // namespace

TEST_CASE("eval command prints accuracy, confusion and costly errors",
          "[bot][classifier][eval]") {
  TempDir dir;
  const std::string config = dir.Write("c.toml", "");
  const std::string set = dir.Write("set.jsonl", std::string(kLine) + "\n");
  const Run r = Eval({"--config", config, set});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("1 leads") != std::string::npos);
  CHECK(r.out.find("intent     100.0 %  (1/1)") != std::string::npos);
  CHECK(r.out.find("intent (rows: expected, columns: got)") !=
        std::string::npos);
  CHECK(r.out.find("costly errors (0)") != std::string::npos);
  SECTION("--half keeps one half; an empty half is an error") {
    CHECK(Eval({"--config", config, set, "--half", "check"}).code == 1);
  }
}

TEST_CASE("eval command refuses bad arguments and names bad lines",
          "[bot][classifier][eval]") {
  TempDir dir;
  const std::string config = dir.Write("c.toml", "");
  CHECK(Eval({}).code == 2);
  CHECK(Eval({"--config", config}).code == 2);
  CHECK(Eval({"--config", config, "x.jsonl", "--bogus"}).code == 2);
  CHECK(Eval({"--config", (dir.path / "missing.toml").string(), "x"}).code ==
        2);
  const Run missing = Eval({"--config", config, (dir.path / "no").string()});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("cannot read") != std::string::npos);
  const std::string set =
      dir.Write("set.jsonl", std::string(kLine) + "\n{\"id\": 1}\n");
  const Run bad = Eval({"--config", config, set});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("line 2: id: must be a string") != std::string::npos);
  CHECK(bad.out.find("1 leads") != std::string::npos);
}
