// Content digests (OpenSSL), for idempotency fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace leadrouter {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace leadrouter
