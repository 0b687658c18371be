// slack-sim: a local Slack stand-in (Socket Mode + Web API + a /_sim/
// control API) for integration tests, benchmarks and demos. See
// control_api.h for the control routes and envelope_hub.h for delivery rules.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fstream>
#include <iostream>

#include "control_api.h"
#include "envelope_hub.h"
#include "server.h"
#include "sim_options.h"
#include "web_api.h"
#include "workspace.h"

int main(int argc, char** argv) {
  slack_sim::Options options;
  std::string error = slack_sim::ParseOptions(argc, argv, options);
  if (!error.empty()) {
    std::cerr << error;
    return error.rfind("usage:", 0) == 0 ? 0 : 2;
  }
  try {
    boost::asio::io_context io;
    slack_sim::EnvelopeHub hub(io, options);
    slack_sim::Server server(io, options, hub);
    std::string host_port = "127.0.0.1:" + std::to_string(server.port());
    slack_sim::Workspace workspace;
    slack_sim::WebApi web_api(options, workspace, hub, host_port);
    slack_sim::ControlApi control(workspace, hub, web_api, options, host_port);
    server.Start([&control](const slack_sim::HttpRequest& request) {
      return control.Route(request);
    });

    if (!options.port_file.empty()) {
      std::string temp = options.port_file + ".tmp";
      std::ofstream(temp) << server.port() << "\n";
      std::rename(temp.c_str(), options.port_file.c_str());
    }
    std::cout << "listening on " << host_port << std::endl;

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait(
        [&io](const boost::system::error_code&, int) { io.stop(); });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "slack-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
