// The pure half of the IMAP poller: reading the server's untagged answers
// (EXAMINE, UID SEARCH) and deciding which messages a poll takes. No I/O,
// no clock.
// Thread rule: pure functions, safe anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace leadrouter {

struct ImapMailboxStatus {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;  // 0: the server did not say
};

// The mailbox's UIDVALIDITY and UIDNEXT from the untagged lines of a
// SELECT or EXAMINE ("* OK [UIDVALIDITY 1796598503] UIDs valid").
// nullopt when there is no UIDVALIDITY: no UID can be trusted then.
std::optional<ImapMailboxStatus> ParseMailboxStatus(std::string_view untagged);

// The UIDs of "* SEARCH 4 7 9" lines, in the order given.
std::vector<uint32_t> ParseSearch(std::string_view untagged);

// Where the poller stands in a mailbox, as stored.
struct ImapCursor {
  uint32_t uidvalidity = 0;
  uint32_t last_uid = 0;
};

struct ImapPollPlan {
  // The stored cursor belongs to another UIDVALIDITY (the mailbox was
  // recreated or its UIDs renumbered): every message is read again, and
  // those stored before are recognised as duplicates by their Message-ID.
  bool uidvalidity_changed = false;
  uint32_t after_uid = 0;  // take messages above this UID
  bool search = true;      // false: UIDNEXT says nothing arrived since
};

// What to ask for, given the stored cursor (nullopt: never read) and the
// mailbox as EXAMINE reported it.
ImapPollPlan PlanImapPoll(const std::optional<ImapCursor>& stored,
                          const ImapMailboxStatus& mailbox);

// The UIDs to take from a search for `after_uid`+1:*: above after_uid
// (the search answers "*" with the highest UID even when it is lower),
// ascending, without repeats, at most `max`.
std::vector<uint32_t> UidsToFetch(std::vector<uint32_t> found, uint32_t after_uid,
                                  size_t max);

}  // namespace leadrouter
