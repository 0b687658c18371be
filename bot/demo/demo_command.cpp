#include "bot/demo/demo_command.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "bot/process/child_process.h"
#include "bot/demo/sample_leads.h"
#include "bot/demo/transcript.h"
#include "bot/http/http_client.h"

namespace leadrouter::demo {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The workspace the demo makes up. Channel and user ids have Slack's shape
// so the config accepts them; slack-sim is told their names.
constexpr char kShark[] = "C0SHARK001";
constexpr char kOps[] = "C0OPS00001";
constexpr char kTriage[] = "C0TRIAGE01";
constexpr char kGeneral[] = "C0GENERAL1";
constexpr char kManager[] = "U0MANAGER1";
constexpr char kAna[] = "U0AGENTANA";
constexpr char kBen[] = "U0AGENTBEN";
constexpr char kCho[] = "U0AGENTCHO";
constexpr char kAnaEmail[] = "ana@brokerage.example";
constexpr char kClaim[] = "claim_lead";
constexpr char kMarkContacted[] = "mark_contacted";

struct Person {
  const char* id;
  const char* name;    // as the transcript shows it
  const char* handle;  // Slack's user name
  const char* real_name;
  const char* email;  // "" when the CRM does not know them
};
// Agents in rotation order: Cho is first, so the lead nobody claims goes to
// someone other than the two who clicked.
constexpr Person kPeople[] = {
    {kManager, "Maya", "maya", "Maya Manager", ""},
    {kCho, "Cho", "cho", "Cho Chen", "cho@brokerage.example"},
    {kAna, "Ana", "ana", "Ana Alvarez", kAnaEmail},
    {kBen, "Ben", "ben", "Ben Brooks", "ben@brokerage.example"},
};

// Polling cadence while a step waits for slack-sim to show something.
constexpr milliseconds kPoll{25};
// How long a child may take to start listening, and to stop.
constexpr std::chrono::seconds kStartTimeout{20};
constexpr milliseconds kStopGrace{5000};
// A daemon that will connect leaves the "disabled" state this soon.
constexpr std::chrono::seconds kDisabledGrace{3};
// What a step's HTTP call may take (both servers are on loopback).
constexpr std::chrono::seconds kHttpTimeout{5};
// Lines of each child's log shown when a step fails.
constexpr int kLogTailLines = 15;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitInterrupted = 130;

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void OnStopSignal(int signo) { g_stop_signal = signo; }

// A step did not produce what it should; `what` says which and why.
struct StepFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct Interrupted {};

// SIGINT/SIGTERM set a flag the waits check, so the stack unwinds and every
// destructor (children, temp dir) runs. The old handlers come back after.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction action {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

void CheckInterrupted() {
  if (g_stop_signal != 0) throw Interrupted{};
}

void Pause(milliseconds duration) {
  CheckInterrupted();
  std::this_thread::sleep_for(duration);
  CheckInterrupted();
}

bool IsExecutable(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec) &&
         ::access(path.c_str(), X_OK) == 0;
}

std::string SelfExe() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "" : self.string();
}

// A made-up secret for this run only.
std::string RandomToken(const std::string& prefix) {
  std::random_device rd;
  std::ostringstream out;
  out << prefix << std::hex;
  for (int i = 0; i < 4; ++i) out << std::setw(8) << std::setfill('0') << rd();
  return out.str();
}

// A port nothing listens on right now (bound, then released for the child).
uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw StepFailed("cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok =
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw StepFailed("cannot find a free port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

std::string TomlString(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(const std::string& text, int lines) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (int n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A rendered message on one line, for the narration.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool HasButton(const json& message, const std::string& action_id) {
  for (const json& block : message.value("blocks", json::array())) {
    if (block.value("type", "") != "actions") continue;
    for (const json& e : block.value("elements", json::array())) {
      if (e.value("action_id", "") == action_id) return true;
    }
  }
  return false;
}

std::string SecondsText(milliseconds d) {
  return std::to_string(
             std::chrono::duration_cast<std::chrono::seconds>(d).count()) +
         " s";
}

// The temp directory: config, database, logs. Removed unless kept.
class WorkDir {
 public:
  explicit WorkDir(bool keep) : keep_(keep) {
    std::string pattern =
        (fs::temp_directory_path() / "leadrouter-demo-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw StepFailed("cannot create a temp directory under " +
                       fs::temp_directory_path().string());
    }
    path_ = pattern;
  }
  ~WorkDir() {
    if (keep_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  bool keep_;
  std::string path_;
};

class Demo {
 public:
  Demo(const DemoOptions& options, std::ostream& out)
      : options_(options), out_(out), dir_(options.keep) {
    for (const Person& p : kPeople) names_.users[p.id] = p.name;
    names_.users["U0SIMBOT01"] = "leadrouter";
    names_.channels = {{kShark, "shark-tank"},
                       {kOps, "sales-ops"},
                       {kTriage, "triage"},
                       {kGeneral, "general"}};
  }
  // Members are destroyed in reverse: the daemon stops first, then the
  // sim, then the directory goes.
  ~Demo() {
    daemon_.Stop(SIGTERM, kStopGrace);
    sim_.Stop(SIGTERM, kStopGrace);
  }

  void Run();
  // The last lines of both children's logs, for a failure report.
  std::string LogTails() const;
  const std::string& dir() const { return dir_.path(); }

 private:
  void StartSim();
  void StartDaemon();
  void SendSampleLeads();
  void ClaimRace();
  void TimeoutFallback();
  void CrmOverride();
  void ManagerCommand();
  void PrintTranscript();

  void Step(const std::string& title);
  void Say(const std::string& line) {
    out_ << "   " << line << "\n" << std::flush;
  }

  // Polls `probe` until it returns a value; StepFailed naming `what` when
  // the step's time is up.
  json WaitFor(const std::string& what,
               const std::function<std::optional<json>()>& probe);
  // The first message in `channel` that `pred` accepts, once there is one.
  json WaitForMessage(
      const std::string& channel, const std::string& what,
      const std::function<bool(const json&, const std::string&)>& pred,
      bool ephemeral = false);
  // The first message in any DM that `pred` accepts.
  json WaitForDm(
      const std::string& what,
      const std::function<bool(const json&, const std::string&)>& pred);

  json SimGet(const std::string& what);
  json SimPost(const std::string& what, const json& body);
  ClientResponse DaemonPost(const std::string& target, const std::string& body);
  void Click(const std::string& channel, const std::string& ts,
             const std::string& user);
  void UpdateDmNames();
  std::string Text(const json& message) const {
    return RenderMessage(message, names_, "");
  }

  DemoOptions options_;
  std::ostream& out_;
  WorkDir dir_;
  ChildProcess sim_;
  ChildProcess daemon_;
  uint16_t sim_port_ = 0;
  uint16_t daemon_port_ = 0;
  std::string intake_token_;
  std::string bot_token_;
  std::string app_token_;
  TranscriptNames names_;
  int step_ = 0;
  std::string dana_ts_;
  std::string priya_ts_;
};

void Demo::Step(const std::string& title) {
  out_ << "\n" << ++step_ << ". " << title << "\n" << std::flush;
}

json Demo::WaitFor(const std::string& what,
                   const std::function<std::optional<json>()>& probe) {
  const auto deadline = SteadyClock::now() + options_.step_timeout;
  std::string last_error;
  while (true) {
    try {
      if (auto found = probe()) return *found;
    } catch (const StepFailed&) {
      throw;
    } catch (const std::exception& e) {
      last_error = e.what();  // a busy or restarting server: try again
    }
    CheckInterrupted();
    if (!daemon_.running()) {
      throw StepFailed("leadrouter serve exited (code " +
                       std::to_string(daemon_.exit_code()) +
                       ") while waiting for " + what);
    }
    if (SteadyClock::now() >= deadline) {
      throw StepFailed(
          "no " + what + " after " + SecondsText(options_.step_timeout) +
          (last_error.empty() ? "" : " (last error: " + last_error + ")"));
    }
    Pause(kPoll);
  }
}

json Demo::WaitForMessage(
    const std::string& channel, const std::string& what,
    const std::function<bool(const json&, const std::string&)>& pred,
    bool ephemeral) {
  return WaitFor(what, [&]() -> std::optional<json> {
    json c = SimGet("messages?channel=" + channel);
    for (const json& m :
         c.value(ephemeral ? "ephemerals" : "messages", json::array())) {
      if (pred(m, Text(m))) return m;
    }
    return std::nullopt;
  });
}

json Demo::WaitForDm(
    const std::string& what,
    const std::function<bool(const json&, const std::string&)>& pred) {
  return WaitFor(what, [&]() -> std::optional<json> {
    json all = SimGet("messages");
    for (const json& c : all.value("channels", json::array())) {
      const std::string id = c.value("channel", "");
      if (id.empty() || id[0] != 'D') continue;
      for (json m : c.value("messages", json::array())) {
        if (pred(m, Text(m))) {
          m["channel"] = id;
          return m;
        }
      }
    }
    return std::nullopt;
  });
}

json Demo::SimGet(const std::string& what) {
  HttpClient http(sim_port_, "127.0.0.1", kHttpTimeout);
  ClientResponse r = http.Send("GET", "/_sim/" + what);
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200 || body.is_discarded()) {
    throw std::runtime_error("slack-sim GET " + what + " answered " +
                             std::to_string(r.status));
  }
  return body;
}

json Demo::SimPost(const std::string& what, const json& body) {
  HttpClient http(sim_port_, "127.0.0.1", kHttpTimeout);
  ClientResponse r =
      http.Send("POST", "/_sim/" + what, {{"Content-Type", "application/json"}},
                body.dump());
  json answer = json::parse(r.body, nullptr, false);
  if (answer.is_discarded()) answer = json::object();
  answer["http_status"] = r.status;
  return answer;
}

ClientResponse Demo::DaemonPost(const std::string& target,
                                const std::string& body) {
  HttpClient http(daemon_port_, "127.0.0.1", kHttpTimeout);
  try {
    return http.Send("POST", target,
                     {{"Content-Type", "application/json"},
                      {"Authorization", "Bearer " + intake_token_}},
                     body);
  } catch (const std::exception& e) {
    throw StepFailed("POST " + target + " to leadrouter failed: " + e.what());
  }
}

void Demo::Click(const std::string& channel, const std::string& ts,
                 const std::string& user) {
  json r = SimPost("click", {{"channel", channel},
                             {"ts", ts},
                             {"action_id", kClaim},
                             {"user", user}});
  if (!r.value("ok", false)) {
    throw StepFailed("slack-sim could not deliver " + names_.users[user] +
                     "'s click: " + r.value("error", "unknown error") +
                     (r.value("error", "") == "no_open_socket"
                          ? " (the daemon has no Socket Mode connection)"
                      : r.value("error", "") == "no_such_button"
                          ? " (the post no longer shows that button)"
                          : ""));
  }
}

void Demo::UpdateDmNames() {
  json calls = SimGet("calls");
  for (const json& call : calls) {
    if (call.value("method", "") != "conversations.open") continue;
    const json& response = call.value("response", json::object());
    const json& params = call.value("params", json::object());
    if (!response.value("ok", false)) continue;
    const std::string user = params.value("users", "");
    const std::string dm =
        response.value("channel", json::object()).value("id", "");
    if (!user.empty() && !dm.empty()) names_.dm_users[dm] = user;
  }
}

std::string Demo::LogTails() const {
  std::string out;
  for (const char* name : {"slack-sim.log", "leadrouter.log"}) {
    const std::string log = ReadFile(dir_.File(name));
    if (log.empty()) continue;
    out += "--- last lines of " + std::string(name) + " ---\n" +
           Tail(log, kLogTailLines) + "\n";
  }
  return out;
}

void Demo::StartSim() {
  const std::string self = SelfExe();
  const char* path_env = std::getenv("PATH");
  const std::string sim =
      FindSlackSim(options_.sim_path, self, path_env ? path_env : "");
  if (sim.empty()) {
    throw StepFailed(
        options_.sim_path.empty()
            ? "slack-sim not found: looked next to this binary's build tree "
              "(../tests/slack_sim/slack-sim) and on PATH. Build it with "
              "`cmake --build build --target slack-sim`, or pass --sim PATH."
            : "--sim " + options_.sim_path + " is not an executable file");
  }
  const std::string port_file = dir_.File("slack-sim.port");
  std::string error;
  // The sim's own tokens: made up for this run, given to the daemon too.
  bot_token_ = RandomToken("xoxb-demo-");
  app_token_ = RandomToken("xapp-demo-");
  if (!sim_.Start({sim, "--port", "0", "--port-file", port_file, "--bot-token",
                   bot_token_, "--app-token", app_token_},
                  {{"PATH", path_env ? path_env : "/usr/bin:/bin"}},
                  dir_.File("slack-sim.log"), &error)) {
    throw StepFailed("cannot start slack-sim: " + error);
  }
  const auto deadline = SteadyClock::now() + kStartTimeout;
  while (sim_port_ == 0) {
    const std::string text = ReadFile(port_file);
    if (!text.empty())
      sim_port_ = static_cast<uint16_t>(std::atoi(text.c_str()));
    if (sim_port_ != 0) break;
    if (!sim_.running()) {
      throw StepFailed("slack-sim (" + sim + ") exited with code " +
                       std::to_string(sim_.exit_code()) + " before listening");
    }
    if (SteadyClock::now() >= deadline)
      throw StepFailed("slack-sim never started listening");
    Pause(kPoll);
  }
  out_ << "slack-sim      " << sim << ", on 127.0.0.1:" << sim_port_ << "\n";

  json channels = json::array();
  for (const auto& [id, name] : names_.channels)
    channels.push_back({{"id", id}, {"name", name}});
  SimPost("channels", {{"add", channels}});
  for (const Person& p : kPeople) {
    SimPost("users", {{"id", p.id},
                      {"name", p.handle},
                      {"real_name", p.real_name},
                      {"tz", "UTC"}});
  }
}

void Demo::StartDaemon() {
  daemon_port_ = FreePort();
  intake_token_ = RandomToken("demo-intake-");
  std::string config =
      "# Generated by `leadrouter demo`.\n"
      "[server]\nlisten = \"127.0.0.1:" +
      std::to_string(daemon_port_) +
      "\"\n"
      "[storage]\npath = " +
      TomlString(dir_.File("leadrouter.db")) +
      "\n"
      "[testing]\nmovable_clock = true\n"
      "[slack]\napi_url = \"http://127.0.0.1:" +
      std::to_string(sim_port_) +
      "/api/\"\n"
      "shark_tank_channel = \"" +
      kShark +
      "\"\n"
      "ops_channel = \"" +
      kOps +
      "\"\n"
      "triage_channel = \"" +
      kTriage +
      "\"\n"
      "managers = [\"" +
      kManager +
      "\"]\n"
      "claim_timeout = \"5m\"\n"
      "[rotation]\ntimezone = \"UTC\"\n";
  for (const Person& p : kPeople) {
    if (std::string(p.id) == kManager) continue;
    config += "[[agents]]\nslack_id = \"" + std::string(p.id) +
              "\"\nname = \"" + p.name + "\"\nemail = \"" + p.email + "\"\n";
  }
  std::ofstream(dir_.File("leadrouter.toml")) << config;

  // The daemon gets exactly these variables: none of the caller's own
  // tokens can leak in, and ours appear nowhere but here.
  const char* path_env = std::getenv("PATH");
  const std::map<std::string, std::string> env = {
      {"PATH", path_env ? path_env : "/usr/bin:/bin"},
      {"SLACK_BOT_TOKEN", bot_token_},
      {"SLACK_APP_TOKEN", app_token_},
      {"LEADROUTER_INTAKE_TOKEN", intake_token_}};
  std::string error;
  if (!daemon_.Start({SelfExe(), "serve", "--config",
                      dir_.File("leadrouter.toml"), "--log-format", "json"},
                     env, dir_.File("leadrouter.log"), &error)) {
    throw StepFailed("cannot start leadrouter serve: " + error);
  }
  out_ << "leadrouter     serve on 127.0.0.1:" << daemon_port_ << ", files in "
       << dir_.path() << "\n"
       << std::flush;

  // Healthy means more than listening: the Socket Mode connection to the
  // sim is up, or no click could ever reach the daemon.
  std::string last = "no answer yet";
  const auto started = SteadyClock::now();
  const auto deadline = started + kStartTimeout;
  while (true) {
    if (!daemon_.running()) {
      throw StepFailed("leadrouter serve exited with code " +
                       std::to_string(daemon_.exit_code()) + " while starting");
    }
    try {
      HttpClient http(daemon_port_, "127.0.0.1", kHttpTimeout);
      ClientResponse r = http.Send("GET", "/healthz");
      last = r.body;
      json health = json::parse(r.body, nullptr, false);
      const std::string state = health.is_object() &&
                                        health.contains("slack") &&
                                        health["slack"].is_object()
                                    ? health["slack"].value("state", "")
                                    : "";
      if (state == "connected") break;
      if (state == "fatal") {
        throw StepFailed("leadrouter gave up connecting to slack-sim: " +
                         r.body);
      }
      // Both tokens are set, so a daemon that can connect leaves
      // "disabled" at once; one that stays there never will.
      if (state == "disabled" &&
          SteadyClock::now() - started > kDisabledGrace) {
        throw StepFailed(
            "this leadrouter build does not connect to Slack: /healthz still "
            "reports slack \"disabled\" with both tokens set (" +
            r.body + ")");
      }
    } catch (const StepFailed&) {
      throw;
    } catch (const std::exception& e) {
      last = e.what();  // not listening yet
    }
    if (SteadyClock::now() >= deadline) {
      throw StepFailed("leadrouter never reported Slack connected within " +
                       SecondsText(kStartTimeout) + "; last /healthz: " + last);
    }
    Pause(kPoll);
  }
  out_ << "               connected to slack-sim over Socket Mode\n"
       << std::flush;
}

void Demo::SendSampleLeads() {
  Step("The sample leads arrive (POST /v1/leads, one per sender)");
  for (const SampleLead& sample : SampleLeads()) {
    ClientResponse r = DaemonPost("/v1/leads", sample.body);
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) body = json::object();
    const bool invalid = Contains(sample.file, "invalid");
    std::ostringstream line;
    line << std::left << std::setw(30)
         << sample.file + " (" + sample.description + ")"
         << " → " << r.status << " ";
    if (r.status == 202) {
      line << body.value("status", "") << ", lead #"
           << body.value("lead_id", int64_t{0});
    } else {
      line << body.value("error", r.body);
    }
    Say(line.str());
    if (r.status != (invalid ? 400 : 202)) {
      throw StepFailed(sample.file + " was answered " +
                       std::to_string(r.status) + ", expected " +
                       (invalid ? "400" : "202") + ": " + r.body);
    }
  }

  auto shark_post = [&](const std::string& name) {
    return WaitForMessage(kShark, "shark-tank post for " + name,
                          [&](const json& m, const std::string& text) {
                            return HasButton(m, kClaim) && Contains(text, name);
                          });
  };
  dana_ts_ = shark_post("Dana O'Connell").value("ts", "");
  priya_ts_ = shark_post("Priya Raman").value("ts", "");
  Say("Dana O'Connell and Priya Raman scored hot: both are in #shark-tank with "
      "a [Claim] button.");
  WaitForMessage(kTriage, "triage post for Owen Tran",
                 [](const json&, const std::string& text) {
                   return Contains(text, "Owen Tran");
                 });
  Say("Owen Tran needs support, not a sale: he goes to #triage.");
  Say("Marcus Webb is \"just looking\": long-term nurture, no agent. The SEO "
      "pitch is");
  Say("stored as spam. The payload with no way to reach anyone was refused.");
}

void Demo::ClaimRace() {
  Step("Ana and Ben both click [Claim] on Dana's post, a moment apart");
  // Both clicks go out before the post can change: slack-sim, like Slack,
  // only delivers a click on a button the message still shows. Ana's
  // envelope is sent first on the same socket, so she is first in line.
  Click(kShark, dana_ts_, kAna);
  Click(kShark, dana_ts_, kBen);
  WaitForMessage(kShark, "\"Claimed by @Ana\" on Dana's post",
                 [&](const json& m, const std::string& text) {
                   return m.value("ts", "") == dana_ts_ &&
                          !HasButton(m, kClaim) &&
                          Contains(text, "Claimed by @Ana");
                 });
  Say("Ana was first: the post now says \"Claimed by @Ana\" and has no "
      "button.");
  json refusal = WaitForMessage(
      kShark, "refusal for Ben",
      [](const json& e, const std::string& text) {
        return e.value("user", "") == kBen &&
               Contains(text, "already claimed by @Ana");
      },
      /*ephemeral=*/true);
  Say("Ben was a moment late; only he sees: " + OneLine(Text(refusal)));
  WaitForDm(
      "lead card in Ana's DM", [](const json& m, const std::string& text) {
        return HasButton(m, kMarkContacted) && Contains(text, "Dana O'Connell");
      });
  Say("Ana has Dana's full card in her DMs, with a [Mark contacted] button.");
}

void Demo::TimeoutFallback() {
  Step("Nobody claims Priya; five minutes pass (the daemon's clock is moved)");
  ClientResponse r =
      DaemonPost("/v1/testing/clock", json{{"advance", "5m"}}.dump());
  if (r.status != 200) {
    throw StepFailed("POST /v1/testing/clock answered " +
                     std::to_string(r.status) + ": " + r.body);
  }
  WaitForMessage(kShark, "\"Unclaimed after 5 min\" on Priya's post",
                 [&](const json& m, const std::string& text) {
                   return m.value("ts", "") == priya_ts_ &&
                          !HasButton(m, kClaim) &&
                          Contains(text, "Unclaimed after 5 min");
                 });
  json note = WaitForMessage(
      kShark, "timeout note in Priya's thread",
      [&](const json& m, const std::string& text) {
        return m.value("thread_ts", "") == priya_ts_ &&
               Contains(text, "Nobody claimed this lead within 5 min");
      });
  Say("The claim timeout fired: " + OneLine(Text(note)));
  WaitForDm("Priya's card in her new owner's DM", [](const json& m,
                                                     const std::string& text) {
    return HasButton(m, kMarkContacted) && Contains(text, "Priya Raman");
  });
  Say("Her new owner got the card by DM, with the rotation's reason.");
}

void Demo::CrmOverride() {
  Step("The CRM reports that a human took Dana over (POST /v1/crm/events)");
  const json event = {
      {"event_id", "evt-demo-0001"},
      {"type", "status_changed"},
      {"contact",
       {{"email", "dana.oconnell@example.com"}, {"phone", "+12125550199"}}},
      {"status", "Contacted"},
      {"owner", {{"email", kAnaEmail}}}};
  ClientResponse r = DaemonPost("/v1/crm/events", event.dump());
  if (r.status != 202) {
    throw StepFailed(
        "POST /v1/crm/events answered " + std::to_string(r.status) +
        (r.status == 404 ? " (this build has no CRM webhook)" : "") + ": " +
        r.body);
  }
  json body = json::parse(r.body, nullptr, false);
  std::string answer = "→ 202";
  if (body.is_object()) {
    if (body.contains("status")) answer += " " + body.value("status", "");
    if (body.contains("lead_id") && body["lead_id"].is_number()) {
      answer += ", lead #" + std::to_string(body["lead_id"].get<int64_t>());
    }
    const json cancelled = body.value("cancelled_jobs", json());
    if (cancelled.is_number() || cancelled.is_array()) {
      const auto n = cancelled.is_array() ? cancelled.size()
                                          : cancelled.get<std::size_t>();
      answer += ", " + std::to_string(n) + " pending automated job" +
                (n == 1 ? "" : "s") + " cancelled";
    }
  }
  Say(answer);
  json note = WaitForMessage(kShark, "CRM note in Dana's thread",
                             [&](const json& m, const std::string& text) {
                               return m.value("thread_ts", "") == dana_ts_ &&
                                      Contains(text, "CRM");
                             });
  Say("Dana's thread says: " + OneLine(Text(note)));
}

void Demo::ManagerCommand() {
  Step("Maya, a manager, types /rotation list");
  const std::size_t before = SimGet(std::string("messages?channel=") + kGeneral)
                                 .value("ephemerals", json::array())
                                 .size();
  json r = SimPost("command", {{"command", "/rotation"},
                               {"text", "list"},
                               {"user", kManager},
                               {"channel", kGeneral}});
  if (!r.value("ok", false)) {
    throw StepFailed("slack-sim could not deliver /rotation: " +
                     r.value("error", "unknown error"));
  }
  std::size_t seen = 0;
  WaitForMessage(
      kGeneral, "answer to /rotation list",
      [&](const json& e, const std::string&) {
        return ++seen > before && e.value("user", "") == kManager;
      },
      /*ephemeral=*/true);
  Say("Only Maya sees the answer (in the transcript under #general).");
}

void Demo::PrintTranscript() {
  UpdateDmNames();
  out_ << "\nWhat Slack shows (as each person would see it)\n\n"
       << RenderWorkspace(SimGet("messages"), names_) << std::flush;
}

void Demo::Run() {
  out_
      << "leadrouter demo: the whole flow on this machine, against slack-sim.\n"
         "No Slack workspace needed; nothing leaves 127.0.0.1.\n\n";
  StartSim();
  StartDaemon();
  SendSampleLeads();
  ClaimRace();
  TimeoutFallback();
  CrmOverride();
  ManagerCommand();
  PrintTranscript();
  out_ << "Done: every step showed what it should.\n";
}

}  // namespace

std::optional<DemoOptions> ParseDemoArgs(const std::vector<std::string>& args,
                                         std::string* error) {
  DemoOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--keep") {
      options.keep = true;
    } else if (a == "--sim") {
      if (i + 1 >= args.size()) {
        *error = "--sim needs a value";
        return std::nullopt;
      }
      options.sim_path = args[++i];
    } else if (a.rfind("--sim=", 0) == 0) {
      options.sim_path = a.substr(6);
    } else {
      *error = "unknown demo argument " + a;
      return std::nullopt;
    }
  }
  return options;
}

std::string FindSlackSim(const std::string& explicit_path,
                         const std::string& self_exe,
                         const std::string& path_env) {
  if (!explicit_path.empty()) {
    return IsExecutable(explicit_path) ? explicit_path : "";
  }
  if (!self_exe.empty()) {
    const fs::path beside = fs::path(self_exe).parent_path() / ".." / "tests" /
                            "slack_sim" / "slack-sim";
    if (IsExecutable(beside.string()))
      return beside.lexically_normal().string();
  }
  std::stringstream dirs(path_env);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = (fs::path(dir) / "slack-sim").string();
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  g_stop_signal = 0;
  StopSignals signals;
  std::optional<Demo> demo;
  try {
    demo.emplace(options, out);
    demo->Run();
    if (options.keep)
      out << "Kept " << demo->dir() << " (config, database, logs).\n";
    return kExitOk;
  } catch (const Interrupted&) {
    err << "\nleadrouter demo: interrupted; stopping slack-sim and the "
           "daemon.\n";
    return kExitInterrupted;
  } catch (const StepFailed& e) {
    err << "\nleadrouter demo: " << e.what() << "\n";
    if (demo) {
      err << demo->LogTails();
      err << (options.keep
                  ? "Kept " + demo->dir() + " for a closer look.\n"
                  : "Run with --keep to keep the config, database and logs.\n");
    }
    return kExitFailed;
  } catch (const std::exception& e) {
    err << "\nleadrouter demo: " << e.what() << "\n";
    if (demo) err << demo->LogTails();
    return kExitFailed;
  }
}

}  // namespace leadrouter::demo
