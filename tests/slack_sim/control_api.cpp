#include "control_api.h"

#include <cstdio>

#include "sim_util.h"

namespace slack_sim {

using nlohmann::json;

namespace {

json Fail(int& status, int code, const std::string& error) {
  status = code;
  return json{{"ok", false}, {"error", error}};
}

std::string Get(const json& in, const char* key,
                const std::string& fallback = "") {
  return in.contains(key) && in[key].is_string() ? in[key].get<std::string>()
                                                 : fallback;
}

std::string TriggerId() {
  return std::to_string(NowMicros() / 1000) + "." +
         std::to_string(NowMicros() % 1000000) + "." + RandomToken(32);
}

// Finds the button `action_id` in a message's blocks (actions blocks, and
// section accessories). Returns the action object, or null.
json FindButton(const json& blocks, const std::string& action_id) {
  for (const auto& block : blocks) {
    std::string block_id = block.value("block_id", "");
    std::vector<json> elements;
    if (block.contains("elements") && block["elements"].is_array()) {
      for (const auto& e : block["elements"]) elements.push_back(e);
    }
    if (block.contains("accessory")) elements.push_back(block["accessory"]);
    for (const auto& e : elements) {
      if (e.value("type", "") != "button" ||
          e.value("action_id", "") != action_id)
        continue;
      json action = {
          {"type", "button"}, {"action_id", action_id}, {"block_id", block_id}};
      if (e.contains("text")) action["text"] = e["text"];
      if (e.contains("value")) action["value"] = e["value"];
      if (e.contains("style")) action["style"] = e["style"];
      return action;
    }
  }
  return nullptr;
}

}  // namespace

ControlApi::ControlApi(Workspace& workspace, EnvelopeHub& hub, WebApi& web_api,
                       const Options& options, std::string host_port)
    : workspace_(workspace),
      hub_(hub),
      web_api_(web_api),
      options_(options),
      host_port_(std::move(host_port)) {}

HttpReply ControlApi::Route(const HttpRequest& request) {
  if (request.path.rfind("/api/", 0) == 0)
    return web_api_.Handle(request, request.path.substr(5));
  if (request.path.rfind("/_sim/", 0) == 0)
    return Handle(request, request.path.substr(6));
  return JsonReply(json{{"ok", false}, {"error", "not_found"}}, 404);
}

HttpReply ControlApi::Handle(const HttpRequest& request,
                             const std::string& action) {
  json in = request.body.empty() ? json::object()
                                 : json::parse(request.body, nullptr, false);
  if (!in.is_object())
    return JsonReply(json{{"ok", false}, {"error", "invalid_json"}}, 400);
  int status = 200;
  json out = {{"ok", true}};
  if (request.method == "GET") {
    if (action == "calls") return JsonReply(web_api_.calls());
    if (action == "acks") return JsonReply(hub_.AcksJson());
    if (action == "connections") return JsonReply(hub_.ConnectionsJson());
    if (action == "faults") return JsonReply(json(web_api_.faults().Pending()));
    if (action == "messages") {
      std::string channel = ParseForm(request.query)["channel"];
      return JsonReply(workspace_.MessagesJson(channel));
    }
    return JsonReply(json{{"ok", false}, {"error", "not_found"}}, 404);
  }
  if (action == "click") {
    out = Click(in, status);
  } else if (action == "command") {
    out = Command(in, status);
  } else if (action == "event") {
    out = Event(in, status);
  } else if (action == "disconnect") {
    std::optional<int> id;
    if (in.contains("connection") && in["connection"].is_number_integer())
      id = in["connection"].get<int>();
    std::optional<std::chrono::milliseconds> close_after;
    if (in.contains("close_after_ms"))
      close_after = std::chrono::milliseconds(in["close_after_ms"].get<int>());
    int sent = hub_.Disconnect(Get(in, "reason", "refresh_requested"),
                               in.value("long", false), id, close_after);
    out["sent"] = sent;
  } else if (action == "silence") {
    hub_.SetSilence(in.value("on", true));
  } else if (action == "outage") {
    hub_.SetOutage(in.value("on", true));
  } else if (action == "redeliver") {
    auto fresh = hub_.RedeliverNow(Get(in, "envelope_id"));
    if (!fresh) return JsonReply(json{{"ok", false}, {"error", "unknown_envelope"}}, 404);
    out["envelope_id"] = *fresh;
  } else if (action == "duplicate-next") {
    hub_.DuplicateNext();
  } else if (action == "fault") {
    out = Fault(in, status);
  } else if (action == "channels") {
    if (in.contains("add") && in["add"].is_array()) {
      for (const auto& c : in["add"]) {
        if (c.is_string())
          workspace_.AddChannel(c, "");
        else if (c.is_object())
          workspace_.AddChannel(Get(c, "id"), Get(c, "name"));
      }
    }
    if (in.contains("strict"))
      workspace_.SetStrictChannels(in["strict"].get<bool>());
  } else if (action == "users") {
    User user{Get(in, "id"), Get(in, "name"), Get(in, "real_name"),
              Get(in, "tz", "America/New_York")};
    if (user.id.empty())
      return JsonReply(Fail(status, 400, "missing_id"), status);
    if (user.name.empty()) user.name = user.id;
    workspace_.PutUser(user);
  } else if (action == "reset") {
    workspace_.Reset();
    hub_.Reset();
    web_api_.Reset();
    response_urls_.clear();
  } else if (action.rfind("response/", 0) == 0) {
    out = Respond(action.substr(9), in, status);
  } else {
    return JsonReply(json{{"ok", false}, {"error", "not_found"}}, 404);
  }
  return JsonReply(out, status);
}

std::string ControlApi::NewResponseUrl(const std::string& channel,
                                       const std::string& user,
                                       const std::string& message_ts) {
  std::string id = RandomToken(24);
  response_urls_[id] = ResponseUrl{channel, user, message_ts, 0};
  return "http://" + host_port_ + "/_sim/response/" + id;
}

json ControlApi::Click(const json& in, int& status) {
  std::string channel = Get(in, "channel");
  std::string ts = Get(in, "ts");
  std::string action_id = Get(in, "action_id");
  std::string user = Get(in, "user", "U0SIMUSER1");
  Message* message = workspace_.FindMessage(channel, ts);
  // Buttons on an ephemeral work too, for the one user who sees it; Slack
  // then sends no "message" and marks the container ephemeral.
  const Ephemeral* ephemeral =
      message ? nullptr : workspace_.FindEphemeral(channel, ts, user);
  if (!message && !ephemeral) return Fail(status, 404, "message_not_found");
  json action =
      FindButton(message ? message->blocks : ephemeral->blocks, action_id);
  if (action.is_null()) return Fail(status, 404, "no_such_button");
  action["action_ts"] = workspace_.NextTs();
  const User* known = workspace_.FindUser(user);
  std::string name = known ? known->name : user;
  json payload = {
      {"type", "block_actions"},
      {"user",
       {{"id", user},
        {"username", name},
        {"name", name},
        {"team_id", Workspace::kTeamId}}},
      {"api_app_id", options_.app_id},
      {"token", "simverificationtoken"},
      {"container",
       {{"type", "message"},
        {"message_ts", ts},
        {"channel_id", channel},
        {"is_ephemeral", ephemeral != nullptr}}},
      {"trigger_id", TriggerId()},
      {"team",
       {{"id", Workspace::kTeamId}, {"domain", Workspace::kTeamDomain}}},
      {"enterprise", nullptr},
      {"is_enterprise_install", false},
      {"channel", {{"id", channel}, {"name", workspace_.ChannelName(channel)}}},
      {"state", {{"values", json::object()}}},
      {"response_url", NewResponseUrl(channel, user, ts)},
      {"actions", json::array({action})}};
  if (message) payload["message"] = workspace_.MessageJson(*message);
  auto envelope_id = hub_.Send("interactive", payload, true);
  if (!envelope_id) return Fail(status, 409, "no_open_socket");
  return json{
      {"ok", true}, {"envelope_id", *envelope_id}, {"payload", payload}};
}

json ControlApi::Command(const json& in, int& status) {
  std::string channel = Get(in, "channel", "C0SIMCHAN1");
  std::string user = Get(in, "user", "U0SIMUSER1");
  const User* known = workspace_.FindUser(user);
  json payload = {{"token", "simverificationtoken"},
                  {"team_id", Workspace::kTeamId},
                  {"team_domain", Workspace::kTeamDomain},
                  {"channel_id", channel},
                  {"channel_name", workspace_.ChannelName(channel)},
                  {"user_id", user},
                  {"user_name", known ? known->name : user},
                  {"command", Get(in, "command", "/rotation")},
                  {"text", Get(in, "text")},
                  {"api_app_id", options_.app_id},
                  {"is_enterprise_install", "false"},
                  {"response_url", NewResponseUrl(channel, user, "")},
                  {"trigger_id", TriggerId()}};
  auto envelope_id = hub_.Send("slash_commands", payload, true);
  if (!envelope_id) return Fail(status, 409, "no_open_socket");
  return json{
      {"ok", true}, {"envelope_id", *envelope_id}, {"payload", payload}};
}

json ControlApi::Event(const json& in, int& status) {
  if (!in.contains("event") || !in["event"].is_object())
    return Fail(status, 400, "missing_event");
  char event_id[32];
  std::snprintf(event_id, sizeof event_id, "Ev0SIM%08d", ++event_counter_);
  int64_t now = NowMicros();
  json event = in["event"];
  if (!event.contains("event_ts")) event["event_ts"] = workspace_.NextTs();
  json payload = {
      {"token", "simverificationtoken"},
      {"team_id", Workspace::kTeamId},
      {"api_app_id", options_.app_id},
      {"event", event},
      {"type", "event_callback"},
      {"event_id", event_id},
      {"event_time", now / 1000000},
      {"authorizations", json::array({{{"team_id", Workspace::kTeamId},
                                       {"user_id", Workspace::kBotUserId},
                                       {"is_bot", true},
                                       {"is_enterprise_install", false}}})},
      {"is_ext_shared_channel", false}};
  auto envelope_id = hub_.Send("events_api", payload, false);
  return json{
      {"ok", true}, {"envelope_id", *envelope_id}, {"event_id", event_id}};
}

json ControlApi::Fault(const json& in, int& status) {
  std::string method = Get(in, "method");
  if (method.empty()) return Fail(status, 400, "missing_method");
  slack_sim::Fault fault;
  fault.count = in.value("count", 1);
  fault.error = Get(in, "error");
  fault.status = in.value("status", 0);
  fault.delay = std::chrono::milliseconds(in.value("delay_ms", 0));
  if (in.contains("retry_after"))
    fault.retry_after = in["retry_after"].get<int>();
  fault.drop_answer = in.value("drop_answer", false);
  fault.channel = Get(in, "channel");
  web_api_.faults().Add(method, fault);
  return json{{"ok", true}};
}

json ControlApi::Respond(const std::string& id, const json& in, int& status) {
  // Logged in /_sim/calls as method "response_url", so a test can tell an
  // answer through it from one through chat.postEphemeral.
  json call = {{"method", "response_url"},
               {"params", in},
               {"time_us", NowMicros()}};
  json out = Answer(id, in, status);
  call["status"] = status;
  call["response"] = out;
  if (out.contains("error")) call["error"] = out["error"];
  web_api_.LogCall(std::move(call));
  return out;
}

json ControlApi::Answer(const std::string& id, const json& in, int& status) {
  if (auto fault = web_api_.faults().Take("response_url")) {
    if (fault->status >= 400) return Fail(status, fault->status, "simulated_failure");
    if (!fault->error.empty()) return Fail(status, 404, fault->error);
  }
  auto it = response_urls_.find(id);
  if (it == response_urls_.end()) return Fail(status, 404, "expired_url");
  ResponseUrl& url = it->second;
  if (++url.uses > 5)
    return Fail(status, 404, "used_url");  // 5 uses per URL, as Slack
  std::string text = Get(in, "text");
  json blocks = in.contains("blocks") && in["blocks"].is_array()
                    ? in["blocks"]
                    : json::array();
  Message* original = url.message_ts.empty()
                          ? nullptr
                          : workspace_.FindMessage(url.channel, url.message_ts);
  if (in.value("replace_original", false) && original) {
    workspace_.Update(*original, &text, &blocks);
  } else if (Get(in, "response_type", "ephemeral") == "in_channel") {
    Message message;
    message.channel = url.channel;
    message.ts = workspace_.NextTs();
    message.thread_ts = Get(in, "thread_ts");
    message.text = text;
    message.blocks = blocks;
    workspace_.Post(std::move(message));
  } else {
    Ephemeral ephemeral;
    ephemeral.channel = url.channel;
    ephemeral.user = url.user;
    ephemeral.message_ts = workspace_.NextTs();
    ephemeral.text = text;
    ephemeral.blocks = blocks;
    workspace_.PostEphemeral(std::move(ephemeral));
  }
  return json{{"ok", true}};
}

}  // namespace slack_sim
