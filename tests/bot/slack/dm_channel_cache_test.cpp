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

TEST_CASE("warming opens an agent's DM before a lead needs it, and a DM asked "
          "for meanwhile shares that open",
          "[bot][slack][dm_channel_cache]") {
  FakeOpener opener;
  DmChannelCache cache(opener.fn());
  cache.Warm("U0ANA00001");
  cache.Warm("U0ANA00001");  // already being opened: no second call
  REQUIRE(opener.calls.size() == 1);
  CHECK(cache.waiting() == 0);  // nobody waits for a warm-up

  Got got;
  cache.Get("U0ANA00001", got.Take());
  CHECK(opener.calls.size() == 1);
  CHECK(cache.waiting() == 1);
  opener.Answer(0, "D0ANA");
  CHECK(got.channels == std::vector<std::string>{"D0ANA"});
  CHECK(cache.waiting() == 0);

  cache.Warm("U0ANA00001");  // known: nothing to open
  CHECK(opener.calls.size() == 1);
}

TEST_CASE("a failed warm-up is forgotten: the next DM opens again",
          "[bot][slack][dm_channel_cache]") {
  FakeOpener opener;
  DmChannelCache cache(opener.fn());
  cache.Warm("U0BEN00001");
  opener.Fail(0, "ratelimited", true);
  Got got;
  cache.Get("U0BEN00001", got.Take());
  REQUIRE(opener.calls.size() == 2);
  opener.Answer(1, "D0BEN");
  CHECK(got.channels == std::vector<std::string>{"D0BEN"});
}

TEST_CASE("channels kept from before answer at once, and the listener hears "
          "what is learned and forgotten",
          "[bot][slack][dm_channel_cache]") {
  FakeOpener opener;
  std::vector<std::pair<std::string, std::string>> heard;
  DmChannelCache cache(opener.fn(), [&](const std::string& user, const std::string& channel) {
    heard.emplace_back(user, channel);
  });
  cache.Seed({{"U0ANA00001", "D0ANA"}});
  Got got;
  cache.Get("U0ANA00001", got.Take());
  CHECK(opener.calls.empty());
  CHECK(got.channels == std::vector<std::string>{"D0ANA"});
  CHECK(heard.empty());  // seeding is not news

  cache.Get("U0BEN00001", got.Take());
  opener.Answer(0, "D0BEN");
  cache.Forget("U0ANA00001");
  cache.Forget("U0ANA00001");  // not known any more: nothing to tell
  CHECK(heard == std::vector<std::pair<std::string, std::string>>{{"U0BEN00001", "D0BEN"},
                                                                   {"U0ANA00001", ""}});
}
