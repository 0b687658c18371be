#include "storage/dm_channel_store.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "storage/database.h"
#include "tests/storage/storage_test_support.h"

using leadrouter::storage::Database;
using leadrouter::storage::DmChannelStore;
using leadrouter::storage::testing::kT0;

TEST_CASE("an agent's DM channel is kept, replaced and dropped", "[storage][dm_channels]") {
  auto db = Database::Open(":memory:");
  DmChannelStore store(db->db());
  CHECK(store.All().empty());
  store.Put("U0ANA00001", "D0ANA", kT0);
  store.Put("U0BEN00001", "D0BEN", kT0);
  store.Put("U0ANA00001", "D0ANA2", kT0);  // Slack gave another one
  CHECK(store.All() == std::map<std::string, std::string>{{"U0ANA00001", "D0ANA2"},
                                                          {"U0BEN00001", "D0BEN"}});
  store.Remove("U0BEN00001");
  store.Remove("U0NOBODY01");  // nothing kept: nothing to drop
  CHECK(store.All() == std::map<std::string, std::string>{{"U0ANA00001", "D0ANA2"}});
}
