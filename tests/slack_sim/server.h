// Server: the one Beast translation unit. Listens on 127.0.0.1, answers
// HTTP through a Router callback, and upgrades /link/?ticket=… to a
// WebSocket registered with the EnvelopeHub (pings every ping_interval,
// automatic pongs echoing the payload, a write queue, silence on demand).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "envelope_hub.h"
#include "sim_http.h"
#include "sim_options.h"

namespace slack_sim {

using Router = std::function<HttpReply(const HttpRequest&)>;

class Server {
 public:
  // Binds 127.0.0.1:options.port at once (throws on failure).
  Server(boost::asio::io_context& io, const Options& options, EnvelopeHub& hub);
  ~Server();

  uint16_t port() const;
  // Starts accepting; `router` must outlive the io_context's run.
  void Start(Router router);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slack_sim
