#include "storage/lead_volume.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::LeadStore;
using leadrouter::storage::LeadVolume;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

namespace {

void AddLead(Database& db, const std::string& source, TimePoint at) {
  static int n = 0;
  auto lead = LeadWithEmail("volume" + std::to_string(++n) + "@example.com", "hi");
  lead.source = source;
  LeadStore(db.db()).Intake(lead, at, 1s);
}

}  // namespace

TEST_CASE("lead volume counts one source's leads, whatever the case it is written in",
          "[storage][lead_volume]") {
  auto db = Database::Open(":memory:");
  AddLead(*db, "Zillow Premier", kT0);
  AddLead(*db, "zillow premier", kT0 + 1h);
  AddLead(*db, "ZILLOW PREMIER", kT0 + 2h);
  AddLead(*db, "Website", kT0 + 3h);
  LeadVolume volume(db->db());

  CHECK(volume.Latest("Zillow Premier") == kT0 + 2h);
  CHECK(volume.Latest("Website") == kT0 + 3h);
  CHECK_FALSE(volume.Latest("Realtor.com"));

  CHECK(volume.Count("Zillow Premier", kT0, kT0 + 2h) == 2);  // [from, to)
  CHECK(volume.Count("zillow PREMIER", kT0, kT0 + 3h) == 3);
  CHECK(volume.Count("Zillow Premier", kT0 + 3h, kT0 + 4h) == 0);

  CHECK(volume.FirstAfter("Zillow Premier", kT0) == kT0 + 1h);
  CHECK_FALSE(volume.FirstAfter("Zillow Premier", kT0 + 2h));
}
