// `leadrouter demo` end to end: the real binary starts slack-sim and its own
// daemon, tells the whole story, and prints what Slack would show.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/support/daemon_process.h"

using leadrouter::testing::RunBinary;
using leadrouter::testing::RunResult;

namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

int DemoDirsLeft() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::temp_directory_path())) {
    if (entry.path().filename().string().rfind("leadrouter-demo-", 0) == 0 &&
        entry.path().filename().string().rfind("leadrouter-demo-test-", 0) !=
            0) {
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("leadrouter demo runs the whole flow against slack-sim and shows it",
          "[integration][demo]") {
  const int dirs_before = DemoDirsLeft();
  RunResult r = RunBinary({"demo", "--sim", SLACK_SIM_BINARY});
  INFO(r.out << "\n--- stderr ---\n" << r.err);
  REQUIRE(r.exit_code == 0);

  // The claim: Ana's click won and the post says so.
  CHECK(Has(r.out, "✅ Claimed by @Ana in"));
  // The refusal: only Ben sees that he was late.
  CHECK(Has(r.out, "only @Ben sees: Sorry, "));
  CHECK(Has(r.out, "is already claimed by @Ana."));
  // The timeout fallback: Priya's post and thread after five minutes.
  CHECK(Has(r.out, "Unclaimed after 5 min: assigned to @"));
  CHECK(Has(r.out, "Nobody claimed this lead within 5 min, so the rotation"));
  CHECK_FALSE(Has(r.out, "(claim timeout:"));
  // The CRM override, as a reply in Dana's thread.
  CHECK(Has(r.out, "↳ reply in thread:\n      CRM: "));
  // The triage post: a well-formed warning, not something Slack refuses.
  // A support request says so once, in the header, and no fire.
  CHECK(Has(r.out, "Owen Tran · Support request\n"));
  CHECK_FALSE(Has(r.out, "🔥 Owen Tran"));
  CHECK(Has(r.out, "⚠ Needs an owner: not a sale, so no agent was given it"));
  CHECK_FALSE(Has(r.out, "[not a block:"));
  // DMs are named after the person, and no token leaks into the output.
  CHECK(Has(r.out, "━━ DM with @Ana"));
  CHECK_FALSE(Has(r.out + r.err, "xoxb-"));
  CHECK_FALSE(Has(r.out + r.err, "xapp-"));
  // It cleans up after itself.
  CHECK(DemoDirsLeft() == dirs_before);
}

TEST_CASE("leadrouter demo with a missing slack-sim says so and exits non-zero",
          "[integration][demo]") {
  RunResult r = RunBinary({"demo", "--sim", "/nonexistent/slack-sim"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "--sim /nonexistent/slack-sim is not an executable file"));
}
