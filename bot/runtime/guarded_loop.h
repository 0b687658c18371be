// RunGuarded: runs an event loop until it is stopped, and keeps it running
// when a completion handler throws. Every handler in bot/ is meant to catch
// its own failures; this is the net under the one that did not, so a single
// bad handler cannot end the daemon. Thread rule: call from the thread that
// runs the loop.
#pragma once

#include <cstdint>

namespace boost::asio {
class io_context;
}

namespace leadrouter {

// Runs `loop` until loop.stop() is called or it runs out of work. A throw
// escaping a handler is logged as `loop.handler_threw` (the exception's type
// and message, and how many handlers have thrown so far) and the loop goes on
// with its next handler. Returns how many handlers threw.
uint64_t RunGuarded(boost::asio::io_context& loop);

}  // namespace leadrouter
