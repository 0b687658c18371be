// SlackStack: the real `leadrouter serve` connected to a real `slack-sim`
// on 127.0.0.1, with a movable clock, its own database and log, and the
// calls an end-to-end test needs: send leads, click buttons, run slash
// commands, move time, and read what every channel shows.
// Thread rule: one test thread; Click() may be called from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"

namespace slack_sim_test {
class SimProcess;
}

namespace leadrouter::testing {

inline constexpr char kSharkChannel[] = "C0SHARK001";
inline constexpr char kOpsChannel[] = "C0OPS00001";
inline constexpr char kTriageChannel[] = "C0TRIAGE01";
inline constexpr char kManager[] = "U0MANAGER1";
inline constexpr char kIntakeToken[] = "intake-token-for-tests-0123456789";

struct StackOptions {
  StackOptions(std::string extra = "", std::string slack = "",
               std::vector<std::string> sim = {})
      : extra_config(std::move(extra)),
        slack_config(std::move(slack)),
        sim_args(std::move(sim)) {}
  // TOML appended to the generated config ([[agents]], [rotation], …).
  std::string extra_config;
  // TOML lines added inside the generated [slack] table.
  std::string slack_config;
  std::vector<std::string> sim_args;
  // Added to the daemon's environment (secrets such as TWILIO_AUTH_TOKEN).
  std::map<std::string, std::string> env;
};

class SlackStack {
 public:
  explicit SlackStack(StackOptions options = {});
  ~SlackStack();

  // Starts (or restarts) the daemon and waits until Slack is connected.
  void StartDaemon();
  // Stops the daemon with `signal`; the sim keeps its state.
  void StopDaemon(int signal = 15);
  // Sends `signal` to the running daemon (SIGHUP: reload).
  void SignalDaemon(int signal);

  // POST /v1/leads; REQUIREs a 202 and returns its body.
  nlohmann::json PostLead(const nlohmann::json& lead);
  // Moves the daemon's clock forward ("5m"); returns the daemon's time
  // after the move, in Unix milliseconds.
  int64_t Advance(const std::string& duration);
  // Waits until the daemon's job runner is idle with nothing due
  // (GET /v1/testing/jobs): every job that was due has run and what it sent
  // has been answered. Wait for this before asserting that something did
  // NOT happen. FAILs after a few seconds.
  void WaitUntilIdle();
  // GET /healthz.
  nlohmann::json Health();

  // What the sim shows for `channel`: {"messages":[…],"ephemerals":[…]}.
  nlohmann::json Channel(const std::string& channel);
  // Polls `channel` until `pred` holds for one of its messages (or
  // ephemerals when `ephemeral`), and returns that one; nullopt on timeout.
  std::optional<nlohmann::json> WaitFor(
      const std::string& channel,
      const std::function<bool(const nlohmann::json&)>& pred,
      bool ephemeral = false,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The DM channel the sim opened for `user` ("" if none yet).
  std::string DmChannel(const std::string& user);
  // The same, waiting for it; FAILs after a few seconds.
  std::string WaitForDm(const std::string& user);
  // The shark-tank post of the lead named `name`, once it has its Claim
  // button; FAILs after a few seconds.
  nlohmann::json WaitForPost(const std::string& name);
  // Lead `id`'s owner once it has one other than `other_than` ("" on
  // timeout).
  std::string OwnerOf(int64_t id, const std::string& other_than = "");

  // Clicks `action_id` on the message (channel, ts) as `user`.
  nlohmann::json Click(const std::string& channel, const std::string& ts,
                       const std::string& action_id, const std::string& user);
  // Runs a slash command as `user` in `channel`.
  nlohmann::json Command(const std::string& command, const std::string& text,
                         const std::string& user,
                         const std::string& channel = "C0GENERAL1");
  // Runs a slash command and waits for the ephemeral answer to `user`.
  std::string CommandReply(const std::string& command, const std::string& text,
                           const std::string& user);

  nlohmann::json SimGet(const std::string& what);
  nlohmann::json SimPost(const std::string& what, const nlohmann::json& body);

  int64_t Count(const std::string& sql) const;
  std::string QueryString(const std::string& sql) const;
  // Runs `sql` on the database (the daemon stopped), e.g. to leave it as a
  // crash at a chosen moment would have.
  void Execute(const std::string& sql);
  std::string DaemonLog() const;
  uint16_t daemon_port() const { return daemon_port_; }
  pid_t daemon_pid() const { return daemon_->pid(); }
  // The daemon's config file, for running other leadrouter commands on the
  // same database.
  std::string config_path() const { return dir_.File("leadrouter.toml"); }
  uint16_t sim_port() const;

 private:
  StackOptions options_;
  TempDir dir_;
  uint16_t daemon_port_;
  std::unique_ptr<slack_sim_test::SimProcess> sim_;
  std::unique_ptr<DaemonProcess> daemon_;
  int starts_ = 0;
};

// A hot lead (pre-approved, cash, fresh listing): contact details unique
// for each `n` below 100, so leads do not merge as duplicates.
nlohmann::json HotLead(int n, const std::string& name = "Hal Hotbuyer");
// A standard (warm) lead, unique for each `n` below 100 unless `email`
// names the same person again.
nlohmann::json WarmLead(int n, const std::string& email = "");
// An [[agents]] table for the config.
std::string AgentToml(const std::string& id, const std::string& name,
                      const std::string& extra = "");
bool Contains(const std::string& haystack, const std::string& needle);

// Text of a message as a person reads it: its blocks' text, else `text`.
std::string MessageText(const nlohmann::json& message);
// Whether a message still offers a button with `action_id`.
bool HasButton(const nlohmann::json& message, const std::string& action_id);

}  // namespace leadrouter::testing
