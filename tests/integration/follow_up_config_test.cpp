// Follow-up settings as an operator meets them: a broken template stops the
// daemon at start, with the key that holds it, instead of at 2 a.m.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/daemon_process.h"

using leadrouter::testing::RunBinary;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;

namespace {

std::string ConfigWithTypo(const TempDir& dir) {
  return "[storage]\npath = \"" + dir.File("leads.db") +
         "\"\n"
         "[server]\nlisten = \"127.0.0.1:1\"\n"
         "[[sequences.HOT_BUYER]]\nchannel = \"sms\"\n"
         "template = \"Hi {frist_name}, got your inquiry\"\n";
}

}  // namespace

TEST_CASE(
    "a template with an unknown field is rejected by check-config with its key",
    "[integration][cli][follow_up]") {
  TempDir dir;
  WriteFile(dir.File("c.toml"), ConfigWithTypo(dir));
  auto r = RunBinary({"check-config", "--config", dir.File("c.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("sequences.HOT_BUYER[0].template") != std::string::npos);
  CHECK(r.err.find("unknown field {frist_name}") != std::string::npos);
}

TEST_CASE("serve refuses to start with a template that names an unknown field",
          "[integration][cli][follow_up]") {
  TempDir dir;
  WriteFile(dir.File("c.toml"), ConfigWithTypo(dir));
  auto r = RunBinary({"serve", "--config", dir.File("c.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("sequences.HOT_BUYER[0].template") != std::string::npos);
  CHECK(r.err.find("unknown field {frist_name}") != std::string::npos);
  CHECK_FALSE(
      std::filesystem::exists(dir.File("leads.db")));  // stopped before storage
}

TEST_CASE("check-config warns about follow-up steps that cannot go out yet",
          "[integration][cli][follow_up]") {
  TempDir dir;
  WriteFile(dir.File("c.toml"), "");
  auto r = RunBinary({"check-config", "--config", dir.File("c.toml")});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning: company.name: is not set") != std::string::npos);
  CHECK(r.out.find("LEADROUTER_SMTP_PASSWORD not set") != std::string::npos);
}
