#include "tests/bench/bolt_peer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

namespace leadrouter::bench {
namespace {

namespace fs = std::filesystem;

// The absolute path of `program` on PATH, or "" when it is not there.
std::string OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
  }
  return "";
}

}  // namespace

PeerStart StartBoltPeer(const std::string& peer_dir, const testing::TempDir& dir,
                        uint16_t sim_port, uint16_t intake_port) {
  PeerStart out;
  if (peer_dir.empty()) {
    out.why_not = "no --peer-dir (or LEADROUTER_BOLT_PEER) given";
    return out;
  }
  const std::string node = OnPath("node");
  if (node.empty()) {
    out.why_not = "node is not on PATH";
    return out;
  }
  const fs::path script = fs::path(peer_dir) / "peer-bolt.mjs";
  std::error_code ec;
  if (!fs::is_regular_file(script, ec)) {
    out.why_not = script.string() + " is missing";
    return out;
  }
  if (!fs::is_directory(fs::path(peer_dir) / "node_modules" / "@slack" / "bolt", ec)) {
    out.why_not = "@slack/bolt is not installed in " + peer_dir +
                  " (run npm install --no-audit --no-fund there)";
    return out;
  }
  out.process = std::make_unique<testing::DaemonProcess>(
      node,
      std::vector<std::string>{script.string(), std::to_string(intake_port),
                               dir.File("peer-leads.jsonl")},
      std::map<std::string, std::string>{
          {"SLACK_API_URL", "http://127.0.0.1:" + std::to_string(sim_port) + "/api/"},
          {"NODE_PATH", (fs::path(peer_dir) / "node_modules").string()}},
      dir.File("peer.log"));
  return out;
}

}  // namespace leadrouter::bench
