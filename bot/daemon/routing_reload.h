// RoutingReload: SIGHUP (`systemctl reload`) re-reads the config file and
// applies its routes, pools and territories without a restart. A good file
// takes effect for the next lead; a bad one is refused, the old rules stay,
// and its errors go to the log and the ops channel. Other settings are read
// only at start.
// Thread rule: loop thread. The new rules are swapped in on the storage
// writer thread, the only thread that reads config.routing.
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"

namespace leadrouter {

class JobRunner;
class StorageWriter;

class RoutingReload {
 public:
  // Every reference must outlive this object; `config` is the daemon's own,
  // whose `routing` this replaces.
  RoutingReload(boost::asio::io_context& loop, StorageWriter& writer,
                JobRunner& runner, Config& config, std::string path,
                const Clock& clock);

  // Listens for SIGHUP until Stop().
  void Start();
  void Stop();

  // Reloads now, as a SIGHUP does.
  void Reload();

 private:
  void Wait();

  boost::asio::signal_set signals_;
  StorageWriter& writer_;
  JobRunner& runner_;
  Config& config_;
  std::string path_;
  const Clock& clock_;
  bool stopped_ = false;
};

}  // namespace leadrouter
