#include "bot/slack/dm_channel_cache.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using leadrouter::slack::ApiCallback;
using leadrouter::slack::ApiResult;
using leadrouter::slack::DmChannelCache;

namespace {

// conversations.open as a fake: calls are held until answered, so a test
// can see who waits for what.
struct FakeOpener {
  std::vector<std::pair<std::string, ApiCallback>> calls;
  DmChannelCache::Opener fn() {
    return [this](const std::string& user, ApiCallback done) {
      calls.emplace_back(user, std::move(done));
    };
  }
  void Answer(size_t i, const std::string& channel) {
    ApiResult r;
    r.ok = true;
    r.http_status = 200;
    r.body = {{"ok", true}, {"channel", {{"id", channel}}}};
    calls.at(i).second(r);
  }
  void Fail(size_t i, const std::string& error, bool retryable) {
    ApiResult r;
    r.error = error;
    r.retryable = retryable;
    calls.at(i).second(r);
  }
};

struct Got {
  std::vector<std::string> channels;
  std::vector<std::string> errors;
  DmChannelCache::Opened Take() {
    return [this](const std::string& channel, const ApiResult& result) {
      channels.push_back(channel);
      errors.push_back(result.error);
    };
  }
};

}  // namespace

TEST_CASE("a burst of DMs to one agent opens the channel once",
          "[bot][slack][dm_channel_cache]") {
  FakeOpener opener;
  DmChannelCache cache(opener.fn());
  Got got;
  for (int i = 0; i < 200; ++i) cache.Get("U0ANA00001", got.Take());
  REQUIRE(opener.calls.size() == 1);
  CHECK(cache.waiting() == 200);
  CHECK(got.channels.empty());

  opener.Answer(0, "D0ANA00001");
  CHECK(cache.waiting() == 0);
  REQUIRE(got.channels.size() == 200);
  for (const auto& c : got.channels) CHECK(c == "D0ANA00001");

  SECTION("later DMs use the remembered channel without a call") {
    cache.Get("U0ANA00001", got.Take());
    CHECK(opener.calls.size() == 1);
    CHECK(got.channels.back() == "D0ANA00001");
    CHECK(cache.known() == 1);
  }
  SECTION("each agent has its own channel") {
    cache.Get("U0BEN00001", got.Take());
    REQUIRE(opener.calls.size() == 2);
    CHECK(opener.calls[1].first == "U0BEN00001");
    opener.Answer(1, "D0BEN00001");
    CHECK(got.channels.back() == "D0BEN00001");
    CHECK(cache.known() == 2);
  }
  SECTION("a forgotten channel is opened again") {
    cache.Forget("U0ANA00001");
    cache.Get("U0ANA00001", got.Take());
    CHECK(opener.calls.size() == 2);
  }
}

TEST_CASE("a failed open reaches every waiter and is not remembered",
          "[bot][slack][dm_channel_cache]") {
  FakeOpener opener;
  DmChannelCache cache(opener.fn());
  Got got;
  cache.Get("U0ANA00001", got.Take());
  cache.Get("U0ANA00001", got.Take());
  opener.Fail(0, "http_503", true);
  REQUIRE(got.errors.size() == 2);
  CHECK(got.channels == std::vector<std::string>{"", ""});
  CHECK(got.errors == std::vector<std::string>{"http_503", "http_503"});
  CHECK(cache.waiting() == 0);
  CHECK(cache.known() == 0);

  cache.Get("U0ANA00001", got.Take());
  CHECK(opener.calls.size() == 2);

  SECTION("an answer without a channel id is a retryable failure") {
    ApiResult empty;
    empty.ok = true;
    empty.body = {{"ok", true}};
    opener.calls[1].second(empty);
    CHECK(got.channels.back().empty());
    CHECK_FALSE(got.errors.back().empty());
    CHECK(cache.known() == 0);
  }
}
