// Running a test's event loop until something has happened, for tests of
// loop-thread components (the HTTPS client, the delivery senders).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace leadrouter::testing {

// Runs `loop` until `done()` or `timeout`; returns done().
template <typename Done>
bool RunUntil(boost::asio::io_context& loop, Done done,
              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    loop.run_one_for(std::chrono::milliseconds(20));
    if (loop.stopped()) loop.restart();
  }
  return done();
}

}  // namespace leadrouter::testing
