// The real `leadrouter serve` for integration tests of the HTTP routes: a
// free port, its own database, config and log, the intake credentials set,
// and a read-only look at the database afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"

namespace leadrouter::testing {

inline constexpr char kIntakeToken[] = "intake-token-for-tests-0123456789";
inline constexpr char kWebhookSecret[] = "webhook-secret-for-tests-0123456789";

inline std::string Fixture(const std::string& name) {
  return ReadFile(std::string(LEADROUTER_FIXTURES_DIR) + "/" + name);
}

// Content-Type JSON and the bearer token: what a configured sender sends.
inline leadrouter::test::HeaderList JsonAuth() {
  return {{"Content-Type", "application/json"},
          {"Authorization", std::string("Bearer ") + kIntakeToken}};
}

// `extra_config` lands in [server]; it may open further tables of its own.
struct IntakeDaemon {
  explicit IntakeDaemon(const std::string& extra_config = "",
                        std::map<std::string, std::string> env = {
                            {"LEADROUTER_INTAKE_TOKEN", kIntakeToken},
                            {"LEADROUTER_WEBHOOK_SECRET", kWebhookSecret}})
      : port(FreePort()) {
    WriteFile(dir.File("leadrouter.toml"),
              "[server]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n" +
                  extra_config + "\n[storage]\npath = \"" + db_path() + "\"\n");
    Start(env);
  }
  void Start(std::map<std::string, std::string> env) {
    process = std::make_unique<DaemonProcess>(
        std::vector<std::string>{"serve", "--config", dir.File("leadrouter.toml"),
                                 "--log-format", "json"},
        env, dir.File("daemon.log"));
    REQUIRE(process->WaitForPort(port));
  }
  std::string db_path() const { return dir.File("leads.db"); }
  int64_t Count(const std::string& sql) const {
    SQLite::Database db(db_path(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }

  TempDir dir;
  uint16_t port;
  std::unique_ptr<DaemonProcess> process;
};

}  // namespace leadrouter::testing
