#include "pipeline/sms_keyword.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::ClassifySmsReply;
using leadrouter::pipeline::SmsKeyword;
using leadrouter::pipeline::SmsKeywordText;

TEST_CASE("every carrier opt-out word is a STOP, whatever its case",
          "[pipeline][sms_keyword]") {
  for (const char* word : {"STOP", "stopall", "Unsubscribe", "CANCEL", "end",
                           "QUIT", "revoke", "OptOut"}) {
    INFO(word);
    CHECK(ClassifySmsReply(word) == SmsKeyword::kStop);
  }
  CHECK(ClassifySmsReply("  stop \r\n") == SmsKeyword::kStop);
  CHECK(SmsKeywordText(" stop\n") == "STOP");
}

TEST_CASE("START, UNSTOP and YES opt back in", "[pipeline][sms_keyword]") {
  CHECK(ClassifySmsReply("start") == SmsKeyword::kStart);
  CHECK(ClassifySmsReply("UNSTOP") == SmsKeyword::kStart);
  CHECK(ClassifySmsReply(" Yes ") == SmsKeyword::kStart);
  CHECK(SmsKeywordText("unstop") == "UNSTOP");
}

TEST_CASE("a keyword inside a sentence is an ordinary reply",
          "[pipeline][sms_keyword]") {
  CHECK(ClassifySmsReply("please stop texting me") == SmsKeyword::kNone);
  CHECK(ClassifySmsReply("Yes, Saturday works") == SmsKeyword::kNone);
  CHECK(ClassifySmsReply("") == SmsKeyword::kNone);
  CHECK(ClassifySmsReply("   ") == SmsKeyword::kNone);
  CHECK(SmsKeywordText("hello") == "");
}
