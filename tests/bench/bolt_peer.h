// The Bolt peer beside leadrouter in one benchmark run: the same flow
// written on Slack's Bolt for JavaScript (peer-bolt.mjs, kept outside this
// repository), started against its own slack-sim. Optional: without node or
// a prepared copy of the peer (its node_modules installed), the benchmark
// says why and measures leadrouter alone. For tests/bench only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/daemon_process.h"

namespace leadrouter::bench {

// slack-sim accepts exactly these for the peer (peer-bolt.mjs has them).
inline constexpr char kPeerBotToken[] = "xoxb-peer";
inline constexpr char kPeerAppToken[] = "xapp-peer";
// The channel peer-bolt.mjs posts hot leads to.
inline constexpr char kPeerSharkChannel[] = "C0SHARKTANK";

struct PeerStart {
  std::unique_ptr<testing::DaemonProcess> process;  // null: skipped
  std::string why_not;                              // when skipped
};

// Starts `node peer-bolt.mjs intake_port DATA` from `peer_dir` (a copy of
// the peer with `npm install` done), SLACK_API_URL at slack-sim on
// `sim_port`, its data file and log in `dir`. Skipped (why_not says why)
// when `peer_dir` is empty, node is not on PATH, or the peer or its
// @slack/bolt module is missing.
PeerStart StartBoltPeer(const std::string& peer_dir, const testing::TempDir& dir,
                        uint16_t sim_port, uint16_t intake_port);

}  // namespace leadrouter::bench
