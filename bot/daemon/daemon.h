// Daemon: `leadrouter serve`, as named parts on one event loop.
//
// The parts, in the order they are built (each may use those above it):
//   1. storage    the SQLite file and its one writer thread; seeds the
//                 rotation from the config on first start
//   2. jobs       the job runner (built, not yet started)
//   3. ops        grouped alerts to the ops channel and the lead volume
//                 watch; both start at once and hear of dead and done jobs
//   4. routing    the executors of routing and SLA jobs
//   5. follow_up  the delivery channels (SMTP, Twilio, webhook) and the
//                 executors of sequence steps
//   6. slack      the connection state /healthz shows, the envelope
//                 dispatcher and, with both tokens, the Socket Mode
//                 connection (its job executors come once the bot token works)
//   7. intake     the HTTP server and its front doors (leads, raw e-mail and
//                 its parse jobs, CRM events, opt-outs, Twilio replies,
//                 /healthz, /metrics, the testing clock)
//   8. mail       the IMAP poller ([inbound_email.imap]): its poll job and
//                 worker thread, its state in /healthz; the first poll is
//                 written at once and runs when the runner starts
//   9. reload     SIGHUP re-reads the routes and pools from the config file
//                 (bot/daemon/routing_reload)
// Start, after all are built: the HTTP server binds (a failure ends the
// start), then the runner claims due work, then Slack connects, then
// SIGHUP is heard.
// Stop (SIGINT, SIGTERM or RequestStop): the HTTP server stops taking
// requests, SIGHUP is no longer heard, the runner stops claiming, the IMAP
// poller aborts its poll and joins its thread (what it stored stays, what
// it had not flagged is fetched again), the follow-up channels close, the
// Slack sockets close (up to 1 s for their close frames); then the loop
// ends, Slack's parts are destroyed, and the writer commits what is queued
// and stops. The other parts are destroyed in reverse build order.
//
// A throw that escapes a completion handler is logged with its type and
// message and the daemon keeps serving (bot/runtime/guarded_loop.h).
// Thread rule: construct, Start and Run on one thread; RequestStop from any.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bot/daemon/config.h"
#include "bot/runtime/clock.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class Daemon {
 public:
  // Borrows all three; they must outlive the daemon. `wall_clock` is real
  // time; business time is the same unless testing.movable_clock is on.
  // `config` is the daemon's own: a reload from `config_path` replaces its
  // routes and pools (none without a path).
  Daemon(Config& config, const Secrets& secrets, const Clock& wall_clock,
         std::string config_path = "");
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Builds the parts and starts them, in the order above. Returns false
  // when one could not start (the log says which and why); then Run must
  // not be called.
  bool Start();
  // Serves until SIGINT, SIGTERM or RequestStop, then stops the parts in
  // the order above. REQUIRES: Start() returned true.
  void Run();
  // Asks a running daemon to stop as SIGTERM would. Thread-safe.
  void RequestStop();

  // The HTTP server's bound port, after Start.
  uint16_t port() const;
  // The loop every part runs on, for tests that post work onto it.
  boost::asio::io_context& TEST_loop();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// Runs the daemon until SIGINT or SIGTERM. Returns the process exit code:
// 0 after a clean shutdown, 1 when a part could not start.
int RunDaemon(Config& config, const Secrets& secrets, const Clock& clock,
              const std::string& config_path = "");

}  // namespace leadrouter
