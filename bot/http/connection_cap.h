// How many HTTP connections the daemon may hold open, from its descriptor
// limit: what is left after the database, the Slack link and the outbound
// clients (Web API, SMS, e-mail, webhooks) have had their share, so a flood
// of idle connections meets the cap before accept() runs out of descriptors.
// Pure; the caller reads the limit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace leadrouter {

// Descriptors kept for everything but intake connections: the job runner's
// in-flight jobs may each hold an outbound socket, plus the database and its
// WAL files, the Slack link, the IMAP poller, the loop's own handles and the
// log.
inline constexpr uint64_t kDescriptorsKeptForOthers = 256 + 64;
// Never fewer than this (a limit that low is logged as a problem).
inline constexpr size_t kMinHttpConnections = 16;
// Memory bound: beyond this many connections a flood costs buffers, not
// service.
inline constexpr size_t kMaxHttpConnections = 16384;

// The cap for a soft RLIMIT_NOFILE of `descriptor_limit`.
size_t HttpConnectionCap(uint64_t descriptor_limit);

// The process's soft RLIMIT_NOFILE; 1024 (the usual default) when it
// cannot be read.
uint64_t DescriptorLimit();

}  // namespace leadrouter
