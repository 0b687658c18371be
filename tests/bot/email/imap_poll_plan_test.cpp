// The pure half of the IMAP poller: reading the server's answers and
// choosing which UIDs a poll takes.
#include <catch2/catch.hpp>

#include "bot/email/imap_poll_plan.h"

using leadrouter::ImapCursor;
using leadrouter::ImapMailboxStatus;
using leadrouter::ParseMailboxStatus;
using leadrouter::ParseSearch;
using leadrouter::PlanImapPoll;
using leadrouter::UidsToFetch;

TEST_CASE("an EXAMINE answer gives UIDVALIDITY and UIDNEXT", "[bot][email][imap]") {
  // As Dovecot answers it, after libcurl's own SELECT.
  const char* answer =
      "* OK [CLOSED] Previous mailbox closed.\r\n"
      "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
      "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n"
      "* 3 EXISTS\r\n"
      "* 0 RECENT\r\n"
      "* OK [UIDVALIDITY 1796598503] UIDs valid\r\n"
      "* OK [UIDNEXT 4] Predicted next UID\r\n";
  auto status = ParseMailboxStatus(answer);
  REQUIRE(status);
  CHECK(status->uidvalidity == 1796598503u);
  CHECK(status->uidnext == 4u);
  SECTION("lower case and no UIDNEXT") {
    auto s = ParseMailboxStatus("* ok [uidvalidity 7] x\n");
    REQUIRE(s);
    CHECK(s->uidvalidity == 7u);
    CHECK(s->uidnext == 0u);
  }
  SECTION("no UIDVALIDITY: no UID can be trusted") {
    CHECK_FALSE(ParseMailboxStatus("* 3 EXISTS\r\n* OK [UIDNEXT 4] x\r\n"));
    CHECK_FALSE(ParseMailboxStatus("* OK [UIDVALIDITY 0] x\r\n"));
  }
}

TEST_CASE("a SEARCH answer lists its UIDs", "[bot][email][imap]") {
  CHECK(ParseSearch("* SEARCH 4 7 19\r\n") == std::vector<uint32_t>{4, 7, 19});
  CHECK(ParseSearch("* SEARCH\r\n").empty());
  CHECK(ParseSearch("* SEARCH 2\r\n* SEARCH 3\r\n") == std::vector<uint32_t>{2, 3});
  CHECK(ParseSearch("* 1 EXISTS\r\n").empty());
}

TEST_CASE("a poll takes the messages above the last finished UID", "[bot][email][imap]") {
  const ImapMailboxStatus mailbox{500, 12};
  SECTION("never read: from the start") {
    auto plan = PlanImapPoll(std::nullopt, mailbox);
    CHECK(plan.after_uid == 0u);
    CHECK(plan.search);
    CHECK_FALSE(plan.uidvalidity_changed);
  }
  SECTION("read before: from where it stopped") {
    auto plan = PlanImapPoll(ImapCursor{500, 9}, mailbox);
    CHECK(plan.after_uid == 9u);
    CHECK(plan.search);
  }
  SECTION("nothing new: UIDNEXT says so and no search is needed") {
    CHECK_FALSE(PlanImapPoll(ImapCursor{500, 11}, mailbox).search);
    CHECK(PlanImapPoll(ImapCursor{500, 11}, ImapMailboxStatus{500, 0}).search);
  }
  SECTION("the UIDs were renumbered: every message again") {
    auto plan = PlanImapPoll(ImapCursor{499, 9}, mailbox);
    CHECK(plan.uidvalidity_changed);
    CHECK(plan.after_uid == 0u);
  }
}

TEST_CASE("the UIDs to fetch are new, ascending and capped", "[bot][email][imap]") {
  // "UID SEARCH UID 10:*" answers the highest UID even when it is below 10.
  CHECK(UidsToFetch({9}, 9, 50).empty());
  CHECK(UidsToFetch({14, 10, 12, 12}, 9, 50) == std::vector<uint32_t>{10, 12, 14});
  CHECK(UidsToFetch({14, 10, 12, 11}, 9, 2) == std::vector<uint32_t>{10, 11});
}
