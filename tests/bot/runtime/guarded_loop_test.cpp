#include "bot/runtime/guarded_loop.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "tests/support/log_capture.h"

using leadrouter::RunGuarded;
using leadrouter::testing::LogCapture;

TEST_CASE("a handler that throws is logged and the loop goes on with the next",
          "[bot][guarded_loop]") {
  LogCapture log;
  boost::asio::io_context loop;
  std::vector<std::string> ran;
  boost::asio::post(loop, [&] { ran.push_back("first"); });
  boost::asio::post(loop, [] { throw std::out_of_range("lead 41 has no post"); });
  boost::asio::post(loop, [&] { ran.push_back("after the throw"); });
  boost::asio::post(loop, [] { throw 7; });
  boost::asio::post(loop, [&] { ran.push_back("after a non-exception"); });

  CHECK(RunGuarded(loop) == 2);
  CHECK(ran == std::vector<std::string>{"first", "after the throw", "after a non-exception"});
  const std::string text = log.text();
  CHECK(text.find("loop.handler_threw") != std::string::npos);
  CHECK(text.find("std::out_of_range") != std::string::npos);
  CHECK(text.find("lead 41 has no post") != std::string::npos);
  CHECK(text.find("\"exception\":\"int\"") != std::string::npos);
}

TEST_CASE("a stopped loop ends the guarded run", "[bot][guarded_loop]") {
  boost::asio::io_context loop;
  bool after_stop = false;
  boost::asio::post(loop, [&] { loop.stop(); });
  boost::asio::post(loop, [&] { after_stop = true; });
  CHECK(RunGuarded(loop) == 0);
  CHECK(loop.stopped());
  CHECK_FALSE(after_stop);
}
