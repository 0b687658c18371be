#include "web_api.h"

#include <algorithm>

#include "sim_util.h"

namespace slack_sim {

using nlohmann::json;

namespace {

json Error(const std::string& code) {
  return json{{"ok", false}, {"error", code}};
}

std::string TokenFrom(const HttpRequest& request, const json& params) {
  const std::string& header = request.authorization;
  if (header.size() > 7 &&
      (header.rfind("Bearer ", 0) == 0 || header.rfind("bearer ", 0) == 0)) {
    return header.substr(7);
  }
  if (params.contains("token") && params["token"].is_string())
    return params["token"];
  return "";
}

std::string Str(const json& params, const char* key) {
  if (!params.contains(key)) return "";
  const json& value = params[key];
  if (value.is_string()) return value;
  if (value.is_number()) return value.dump();
  return "";
}

bool HasBlocks(const json& params) {
  return params.contains("blocks") && params["blocks"].is_array() &&
         !params["blocks"].empty();
}

bool HasContent(const json& params) {
  return !Str(params, "text").empty() || HasBlocks(params) ||
         (params.contains("attachments") && params["attachments"].is_array() &&
          !params["attachments"].empty()) ||
         !Str(params, "markdown_text").empty();
}

}  // namespace

json RequestParams(const HttpRequest& request, std::string& error) {
  json params = json::object();
  for (const auto& [key, value] : ParseForm(request.query)) params[key] = value;
  std::string type = request.content_type;
  if (request.body.empty()) return params;
  if (type.rfind("application/json", 0) == 0) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      error = "invalid_json";
    } else if (!body.is_object()) {
      error = "json_not_object";
    } else {
      for (auto& [key, value] : body.items()) params[key] = value;
    }
    return params;
  }
  for (const auto& [key, value] : ParseForm(request.body)) {
    if (key == "blocks" || key == "attachments" || key == "metadata") {
      json decoded = json::parse(value, nullptr, false);
      params[key] = decoded.is_discarded() ? json(value) : decoded;
    } else {
      params[key] = value;
    }
  }
  return params;
}

WebApi::WebApi(const Options& options, Workspace& workspace, EnvelopeHub& hub,
               std::string host_port)
    : options_(options),
      workspace_(workspace),
      hub_(hub),
      host_port_(std::move(host_port)),
      post_limiter_(options.post_rate_per_second, options.post_burst) {}

void WebApi::Reset() {
  faults_.Reset();
  post_limiter_.Reset();
  calls_ = json::array();
}

HttpReply WebApi::Handle(const HttpRequest& request,
                         const std::string& method) {
  std::string parse_error;
  json params = RequestParams(request, parse_error);
  std::string token = TokenFrom(request, params);
  std::string token_kind = token.empty()                  ? "none"
                           : token == options_.bot_token  ? "bot"
                           : token == options_.app_token  ? "app"
                           : token.rfind("xoxb-", 0) == 0 ? "other_bot"
                           : token.rfind("xapp-", 0) == 0 ? "other_app"
                                                          : "other";
  json logged_params = params;
  logged_params.erase("token");
  json call = {{"method", method},
               {"http_method", request.method},
               {"content_type", request.content_type},
               {"params", logged_params},
               {"token_kind", token_kind},
               {"time_us", NowMicros()}};

  HttpReply reply;
  json body;
  if (hub_.outage()) {
    // Slack is down: nothing behind the edge answers.
    call["outage"] = true;
    reply.status = 503;
    reply.content_type = "text/plain";
    reply.body = "simulated outage\n";
  } else if (auto fault = request.redo ? std::optional<Fault>() : faults_.Take(method, Str(params, "channel"))) {
    call["fault"] = true;
    reply.delay = fault->delay;
    const bool bare_delay = !fault->drop_answer && !fault->retry_after &&
                            fault->status < 400 && fault->error.empty();
    if (bare_delay && fault->delay.count() > 0) {
      // Done (and logged) when the server routes it again after the wait.
      reply.redo = true;
      return reply;
    }
    if (fault->drop_answer) {
      reply.drop = true;
    } else if (fault->retry_after) {
      reply.status = 429;
      reply.headers.emplace_back("Retry-After",
                                 std::to_string(*fault->retry_after));
      body = Error("ratelimited");
    } else if (fault->status >= 400) {
      reply.status = fault->status;
      reply.content_type = "text/plain";
      reply.body = "simulated upstream failure\n";
    } else if (!fault->error.empty()) {
      body = Error(fault->error);
    }
  }
  if (reply.status == 200 && body.is_null()) {
    if (!parse_error.empty()) {
      body = Error(parse_error);
    } else if (method == "apps.connections.open") {
      if (token_kind == "none")
        body = Error("not_authed");
      else if (token_kind != "app")
        body = Error("invalid_auth");
      else
        body = ConnectionsOpen();
    } else if (token_kind == "none") {
      body = Error("not_authed");
    } else if (token_kind == "app") {
      body = Error("not_allowed_token_type");
    } else if (token_kind != "bot") {
      body = Error("invalid_auth");
    } else {
      body = Dispatch(method, params, reply);
      reply.headers.emplace_back("x-oauth-scopes", options_.scopes);
    }
  }
  if (reply.body.empty()) reply.body = body.dump();
  call["status"] = reply.status;
  call["response"] = body;
  if (body.is_object() && body.contains("error")) call["error"] = body["error"];
  calls_.push_back(std::move(call));
  return reply;
}

json WebApi::Dispatch(const std::string& method, const json& params,
                      HttpReply& reply) {
  if (method == "auth.test") return AuthTest();
  if (method == "chat.postMessage") return PostMessage(params, reply);
  if (method == "chat.update") return Update(params);
  if (method == "chat.postEphemeral") return PostEphemeral(params);
  if (method == "conversations.open") return OpenConversation(params);
  if (method == "conversations.history") return History(params, false);
  if (method == "conversations.replies") return History(params, true);
  if (method == "users.info") return UserInfo(params);
  return Error("unknown_method");
}

json WebApi::AuthTest() {
  return json{
      {"ok", true},
      {"url", std::string("https://") + Workspace::kTeamDomain + ".slack.com/"},
      {"team", "Leadrouter Sim"},
      {"user", "leadrouter"},
      {"team_id", Workspace::kTeamId},
      {"user_id", Workspace::kBotUserId},
      {"bot_id", Workspace::kBotId},
      {"is_enterprise_install", false}};
}

json WebApi::ConnectionsOpen() {
  return json{{"ok", true},
              {"url", "ws://" + host_port_ + "/link/?ticket=" +
                          hub_.IssueTicket() + "&app_id=" + options_.app_id}};
}

json WebApi::PostMessage(const json& params, HttpReply& reply) {
  std::string channel = Str(params, "channel");
  if (channel.empty() || !workspace_.ChannelKnown(channel))
    return Error("channel_not_found");
  if (int retry_after = post_limiter_.Take(channel)) {
    reply.status = 429;
    reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return Error("ratelimited");
  }
  if (!HasContent(params)) return Error("no_text");
  Message message;
  message.channel = channel;
  message.ts = workspace_.NextTs();
  message.thread_ts = Str(params, "thread_ts");
  message.text = Str(params, "text");
  if (message.text.empty()) message.text = Str(params, "markdown_text");
  if (HasBlocks(params)) message.blocks = params["blocks"];
  if (params.contains("metadata")) message.metadata = params["metadata"];
  Message& posted = workspace_.Post(std::move(message));
  return json{{"ok", true},
              {"channel", posted.channel},
              {"ts", posted.ts},
              {"message", workspace_.MessageJson(posted)}};
}

json WebApi::Update(const json& params) {
  std::string channel = Str(params, "channel");
  std::string ts = Str(params, "ts");
  if (channel.empty() || !workspace_.ChannelKnown(channel))
    return Error("channel_not_found");
  if (ts.empty()) return Error("message_not_found");
  Message* message = workspace_.FindMessage(channel, ts);
  if (!message) return Error("message_not_found");
  bool has_text = params.contains("text") && params["text"].is_string();
  bool has_blocks = params.contains("blocks") && params["blocks"].is_array();
  if (!has_text && !has_blocks) return Error("no_text");
  std::string text = has_text ? Str(params, "text") : message->text;
  json blocks = has_blocks ? params["blocks"] : message->blocks;
  if (text.empty() && blocks.empty()) return Error("no_text");
  workspace_.Update(*message, has_text ? &text : nullptr,
                    has_blocks ? &blocks : nullptr);
  return json{{"ok", true},
              {"channel", channel},
              {"ts", ts},
              {"text", message->text},
              {"message", workspace_.MessageJson(*message)}};
}

json WebApi::PostEphemeral(const json& params) {
  std::string channel = Str(params, "channel");
  std::string user = Str(params, "user");
  if (channel.empty() || !workspace_.ChannelKnown(channel))
    return Error("channel_not_found");
  if (user.empty()) return Error("user_not_found");
  if (!HasContent(params)) return Error("no_text");
  Ephemeral ephemeral;
  ephemeral.channel = channel;
  ephemeral.user = user;
  ephemeral.message_ts = workspace_.NextTs();
  ephemeral.thread_ts = Str(params, "thread_ts");
  ephemeral.text = Str(params, "text");
  if (HasBlocks(params)) ephemeral.blocks = params["blocks"];
  return json{{"ok", true},
              {"message_ts",
               workspace_.PostEphemeral(std::move(ephemeral)).message_ts}};
}

json WebApi::OpenConversation(const json& params) {
  std::string users = Str(params, "users");
  std::string channel = Str(params, "channel");
  if (users.empty() && channel.empty()) return Error("users_list_not_supplied");
  if (users.empty()) {
    if (!workspace_.ChannelKnown(channel)) return Error("channel_not_found");
    return json{{"ok", true},
                {"channel", {{"id", channel}}},
                {"no_op", true},
                {"already_open", true}};
  }
  if (users.find(',') != std::string::npos)
    return Error("too_many_users");  // MPIMs not simulated
  if (users[0] != 'U' && users[0] != 'W') return Error("user_not_found");
  bool already_open = workspace_.DmOpen(users);
  json out = {{"ok", true}, {"channel", {{"id", workspace_.OpenDm(users)}}}};
  if (already_open) {
    out["no_op"] = true;
    out["already_open"] = true;
  }
  return out;
}

json WebApi::History(const json& params, bool replies) {
  std::string channel = Str(params, "channel");
  if (channel.empty() || !workspace_.ChannelKnown(channel))
    return Error("channel_not_found");
  const bool dm = channel[0] == 'D';
  auto granted = [&](const std::string& scope) {
    return ("," + options_.scopes + ",").find("," + scope + ",") != std::string::npos;
  };
  if (dm ? !granted("im:history")
         : !granted("channels:history") && !granted("groups:history")) {
    json error = Error("missing_scope");
    error["needed"] = dm ? "im:history" : "channels:history,groups:history";
    error["provided"] = options_.scopes;
    return error;
  }
  std::string thread_ts = Str(params, "ts");
  if (replies && thread_ts.empty()) return Error("thread_not_found");
  std::string limit_text = Str(params, "limit");
  size_t limit = 100;
  if (!limit_text.empty() && limit_text.find_first_not_of("0123456789") == std::string::npos &&
      limit_text.size() < 5) {
    limit = std::max<size_t>(1, std::stoul(limit_text));
  }
  const json& all = params.contains("include_all_metadata")
                        ? params["include_all_metadata"]
                        : json(false);
  const bool with_metadata = all == true || all == "true" || all == "1" || all == 1;
  json messages = json::array();
  for (const Message* message : workspace_.History(channel, replies ? thread_ts : "", limit)) {
    json item = workspace_.MessageJson(*message);
    if (!with_metadata) item.erase("metadata");
    messages.push_back(std::move(item));
  }
  return json{{"ok", true},
              {"messages", std::move(messages)},
              {"has_more", false},
              {"response_metadata", {{"next_cursor", ""}}}};
}

json WebApi::UserInfo(const json& params) {
  const User* user = workspace_.FindUser(Str(params, "user"));
  if (!user) return Error("user_not_found");
  return json{
      {"ok", true},
      {"user",
       {{"id", user->id},
        {"team_id", Workspace::kTeamId},
        {"name", user->name},
        {"deleted", false},
        {"real_name", user->real_name},
        {"tz", user->tz},
        {"tz_offset", 0},
        {"is_bot", user->id == Workspace::kBotUserId},
        {"is_admin", false},
        {"is_restricted", false},
        {"profile",
         {{"real_name", user->real_name}, {"display_name", user->name}}}}}};
}

}  // namespace slack_sim
