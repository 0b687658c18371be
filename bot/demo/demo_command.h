// `leadrouter demo`: the whole flow on one machine, no Slack workspace. It
// starts slack-sim and `leadrouter serve` (this same binary) as children
// with a generated config in a temp directory, then tells a story step by
// step: the sample leads arrive, two agents click Claim on a hot lead, an
// unclaimed one falls back to the rotation when the clock moves past the
// claim timeout, and the CRM takes a contact over. It ends with a readable
// transcript of every channel and DM (see transcript.h).
//
// Made-up tokens go only into the children's arguments and environment and
// are never printed. Both children and the temp directory are cleaned up on
// success, failure and Ctrl-C (`--keep` keeps the directory).
// Thread rule: runs on the calling thread; installs SIGINT/SIGTERM handlers
// for its duration.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace leadrouter::demo {

struct DemoOptions {
  // slack-sim to run; empty: next to this binary's build tree, then PATH.
  std::string sim_path;
  // Keep the temp directory (config, database, both logs) and say where.
  bool keep = false;
  // How long each step may take before the demo gives up on it.
  std::chrono::milliseconds step_timeout{std::chrono::seconds(20)};
};

// Parses the arguments after "demo": [--sim PATH] [--keep]. nullopt with
// `error` set on anything else.
std::optional<DemoOptions> ParseDemoArgs(const std::vector<std::string>& args,
                                         std::string* error);

// Runs the demo, narrating on `out` and reporting a failure on `err`.
// Returns 0 when every step showed what it should, 1 when one did not
// (the message names the step and what was missing), 130 after Ctrl-C.
int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err);

// Where slack-sim is: `explicit_path` when given (it must exist), else
// `<dir of self_exe>/../tests/slack_sim/slack-sim`, else `slack-sim` on
// `path_env`. Empty when none is an executable file.
std::string FindSlackSim(const std::string& explicit_path,
                         const std::string& self_exe,
                         const std::string& path_env);

}  // namespace leadrouter::demo
