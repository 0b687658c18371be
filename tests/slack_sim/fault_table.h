// Fault switches per Web API method, set through POST /_sim/fault: the next
// `count` calls of a method wait `delay`, then answer an error code, an HTTP
// status, or a 429 with Retry-After (whichever are set; with a bare delay
// the call is done only after the wait, so an edit lands late). `drop_answer` lets the call do its work
// (a post is posted) and then closes the connection without answering: the
// caller cannot tell whether Slack took it. A fault with a `channel` is
// taken only by calls to that channel (one channel throttled, not the next
// post of any).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace slack_sim {

struct Fault {
  int count = 1;
  std::string error;  // ok:false with this code
  int status = 0;     // e.g. 500, 503
  std::chrono::milliseconds delay{0};
  std::optional<int> retry_after;  // 429 + Retry-After
  bool drop_answer = false;
  std::string channel;  // empty: any call of the method
};

class FaultTable {
 public:
  void Add(const std::string& method, Fault fault) {
    if (fault.count > 0) table_[method].push_back(std::move(fault));
  }

  // Consumes one use of the oldest fault armed for `method` ("*" matches
  // any) that applies to `channel`.
  std::optional<Fault> Take(const std::string& method, const std::string& channel = "") {
    for (const std::string& key : {method, std::string("*")}) {
      auto it = table_.find(key);
      if (it == table_.end()) continue;
      std::deque<Fault>& faults = it->second;
      for (auto f = faults.begin(); f != faults.end(); ++f) {
        if (!f->channel.empty() && f->channel != channel) continue;
        Fault fault = *f;
        if (--f->count <= 0) faults.erase(f);
        return fault;
      }
    }
    return std::nullopt;
  }

  void Reset() { table_.clear(); }

  // Uses left per method, for GET /_sim/faults: a test waits for a fault to
  // be taken (the call it stands for has reached the sim) before it acts.
  std::map<std::string, int> Pending() const {
    std::map<std::string, int> out;
    for (const auto& [method, faults] : table_) {
      for (const Fault& f : faults) out[method] += f.count;
    }
    return out;
  }

 private:
  std::map<std::string, std::deque<Fault>> table_;
};

}  // namespace slack_sim
