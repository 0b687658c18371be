// Content digests and MACs (OpenSSL), for idempotency fingerprints and
// request signatures.
#pragma once

#include <string>
#include <string_view>

namespace leadrouter {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex HMAC-SHA256 of `data` keyed with `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace leadrouter
