#include "bot/http/listen_address.h"

#include <catch2/catch.hpp>

#include "bot/daemon/config.h"

namespace leadrouter {
namespace {

TEST_CASE("listen: HOST:PORT with an IP host and a port in range",
          "[http][listen]") {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  REQUIRE(v4.ok());
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 8080);
  auto v6 = ParseListenAddress("[::1]:65535");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 65535);
  CHECK(ParseListenAddress("0.0.0.0:0").ok());
}

TEST_CASE("listen: a port out of range, a non-number or a name is refused "
          "with the reason",
          "[http][listen]") {
  auto big = ParseListenAddress("127.0.0.1:80800");
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().message().find("port 80800") != std::string::npos);
  CHECK(big.status().message().find("0-65535") != std::string::npos);
  CHECK(ParseListenAddress("127.0.0.1:65536").status().message().find(
            "out of range") != std::string::npos);
  CHECK(ParseListenAddress("127.0.0.1:999999999999").status().message().find(
            "out of range") != std::string::npos);
  CHECK(ParseListenAddress("127.0.0.1:http").status().message().find(
            "not a number") != std::string::npos);
  CHECK(ParseListenAddress("127.0.0.1:").status().message().find(
            "out of range") != std::string::npos);
  CHECK(ParseListenAddress("127.0.0.1:-1").status().message().find(
            "not a number") != std::string::npos);
  CHECK(ParseListenAddress("localhost:8080").status().message().find(
            "not an IP address") != std::string::npos);
  CHECK(ParseListenAddress("8080").status().message().find("HOST:PORT") !=
        std::string::npos);
}

TEST_CASE("check-config names server.listen for a port out of range",
          "[http][listen][config]") {
  ConfigLoad load = LoadConfigString("[server]\nlisten = \"127.0.0.1:80800\"\n");
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].key == "server.listen");
  CHECK(load.errors[0].message.find("80800") != std::string::npos);
}

}  // namespace
}  // namespace leadrouter
