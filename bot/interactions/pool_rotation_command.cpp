#include "bot/interactions/pool_rotation_command.h"

#include <sstream>

#include "bot/routing/round_robin.h"
#include "bot/routing/pool_assign.h"
#include "bot/slack/mrkdwn.h"
#include "storage/pool_store.h"

namespace leadrouter {
namespace {

SlashReply Reply(std::string text) { return SlashReply{std::move(text), false}; }

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string NameOf(const pipeline::RotationMember& m) {
  return slack::EscapeMrkdwn(m.name.empty() ? m.id : m.name);
}

std::vector<const PoolConfig*> RoundRobinPools(const Config& config) {
  std::vector<const PoolConfig*> out;
  for (const PoolConfig& p : config.routing.pools) {
    if (p.mode == PoolMode::kRoundRobin) out.push_back(&p);
  }
  return out;
}

SlashReply List(storage::Database& db, const PoolConfig& pool, SystemTime now,
                const Config& config) {
  EndExpiredPauses(db, now, config);
  const RotationView view = LoadRotation(db, now, config);
  std::vector<pipeline::RotationMember> members = PoolMembers(view, pool);
  const pipeline::RotationState state =
      storage::PoolStore(db.db()).LoadState(pool.name);
  std::string out = "*Pool " + slack::EscapeMrkdwn(pool.name) +
                    "*, round-robin, turn order (today's leads count across "
                    "every pool):";
  for (size_t i = 0; i < members.size(); ++i) {
    const pipeline::RotationMember& m = members[i];
    out += "\n" + std::to_string(i + 1) + ". " + NameOf(m) + " · " +
           std::to_string(m.today_count) + " today";
    if (m.daily_cap > 0) out += " of " + std::to_string(m.daily_cap);
    if (auto why = pipeline::Unavailable(m, now)) {
      out += " · " + slack::EscapeMrkdwn(*why);
    }
    if (m.id == state.last_agent) out += " · had the last turn";
  }
  if (members.empty()) out += "\nNone of its members is an agent yet.";
  pipeline::RotationPick next = pipeline::PickNext(members, state, now);
  out += "\n" + (next.ok() ? "Next: " + NameOf(members[*next.index]) + "."
                           : "Next: nobody (" +
                                 slack::EscapeMrkdwn(next.reason) +
                                 "); its leads go to " +
                                 (pool.fallback.empty()
                                      ? std::string("triage")
                                      : "pool " + slack::EscapeMrkdwn(pool.fallback)) +
                                 ".");
  return Reply(out);
}

SlashReply Skip(storage::Database& db, const PoolConfig& pool, SystemTime now,
                const Config& config) {
  EndExpiredPauses(db, now, config);
  const RotationView view = LoadRotation(db, now, config);
  std::vector<pipeline::RotationMember> members = PoolMembers(view, pool);
  storage::PoolStore store(db.db());
  pipeline::RotationPick pick =
      pipeline::PickNext(members, store.LoadState(pool.name), now);
  if (!pick.ok()) {
    return Reply("Nothing to skip in pool " + slack::EscapeMrkdwn(pool.name) +
                 ": " + slack::EscapeMrkdwn(pick.reason) + ".");
  }
  store.SaveState(pool.name, pick.state, now);
  return Reply("Skipped " + NameOf(members[*pick.index]) + "'s turn in pool " +
               slack::EscapeMrkdwn(pool.name) + ".");
}

}  // namespace

std::optional<SlashReply> RunPoolRotationCommand(storage::Database& db,
                                                 const SlashCommand& cmd,
                                                 SystemTime now,
                                                 const Config& config) {
  if (!config.routing.configured()) return std::nullopt;
  std::vector<std::string> words = Words(cmd.text);
  const PoolConfig* pool = nullptr;
  if (!words.empty()) {
    pool = config.routing.Pool(words[0]);
    if (pool) words.erase(words.begin());
  }
  const std::string sub = words.empty() ? "list" : words[0];
  if (!pool) {
    // The pool may be left out while there is only one round-robin pool.
    std::vector<const PoolConfig*> rr = RoundRobinPools(config);
    if (rr.size() != 1 || (sub != "list" && sub != "skip")) {
      return std::nullopt;
    }
    pool = rr.front();
  }
  if (pool->mode != PoolMode::kRoundRobin) {
    return Reply("Pool " + slack::EscapeMrkdwn(pool->name) + " is " +
                 ToString(pool->mode) + ", not a rotation.");
  }
  if (sub == "list") return List(db, *pool, now, config);
  if (sub == "skip") {
    if (!cmd.is_manager) {
      return Reply("Only managers can change the rotation.");
    }
    return Skip(db, *pool, now, config);
  }
  if (sub == "add" || sub == "remove" || sub == "move") {
    return Reply("A pool's members and their order are its `members` in the "
                 "config file: edit `[[pools]]` and reload "
                 "(`systemctl reload leadrouter`).");
  }
  // pause, resume, weight, cap: the agent's, in every pool.
  return std::nullopt;
}

}  // namespace leadrouter
