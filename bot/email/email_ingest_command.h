// `leadrouter email ingest`: hands a raw e-mail to the running daemon
// (POST /v1/email on server.listen) for a mail server's pipe (Postfix
// `pipe`, Exim, procmail). Its exit status is what the mail server acts on.
// Thread rule: call from main only; blocks until answered or timed out.
#pragma once

#include <iosfwd>
#include <string_view>

#include "bot/daemon/config.h"

namespace leadrouter {

// sysexits.h, as mail servers read them.
inline constexpr int kIngestStored = 0;
inline constexpr int kIngestNotAMessage = 65;  // EX_DATAERR: bounce it
inline constexpr int kIngestTryLater = 75;     // EX_TEMPFAIL: queue and retry

// Sends `raw`, authenticated with the intake token (or signed with the
// webhook secret). Returns kIngestStored once the daemon answered 202 (the
// message is on its disk), kIngestNotAMessage for bytes that are no e-mail
// or too large, and kIngestTryLater when the daemon cannot be reached or
// cannot store it now. Says why on `err`; never throws.
int RunEmailIngest(const Config& config, const Secrets& secrets, std::string_view raw,
                   std::ostream& out, std::ostream& err);

}  // namespace leadrouter
