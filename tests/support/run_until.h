// Waiting for something to have happened: running a test's event loop
// until then (for loop-thread components: the HTTPS client, the delivery
// senders), or polling a condition another thread or process makes true.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>

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

// Checks `done()` every 10 ms until it holds or `timeout` passes; returns
// done().
template <typename Done>
bool PollUntil(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace leadrouter::testing
