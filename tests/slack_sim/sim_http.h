// Plain request/reply values passed between the Beast server (server.cpp)
// and the handlers, so that only server.cpp includes Beast.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace slack_sim {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string path;    // target before '?'
  std::string query;   // target after '?', still URL-encoded
  std::string content_type;
  std::string authorization;  // raw header value
  std::string body;
  bool redo = false;  // routed again after a delay fault: no new fault
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{
      0};  // the server waits this long before answering
  // Close the connection instead of answering (the call did its work).
  bool drop = false;
  // Route the request again once `delay` has passed: a slow call whose
  // work is done only then (a post edited late).
  bool redo = false;
};

inline HttpReply JsonReply(const nlohmann::json& body, int status = 200) {
  HttpReply reply;
  reply.status = status;
  reply.body = body.dump();
  return reply;
}

}  // namespace slack_sim
