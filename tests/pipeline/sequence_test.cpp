#include "pipeline/sequence.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "pipeline/template.h"

using namespace leadrouter::pipeline;
using namespace std::chrono;

namespace {

std::vector<hours> Delays(const Sequence& s) {
  std::vector<hours> out;
  for (const SequenceStep& step : s)
    out.push_back(duration_cast<hours>(step.delay));
  return out;
}

std::vector<Channel> Channels(const Sequence& s) {
  std::vector<Channel> out;
  for (const SequenceStep& step : s) out.push_back(step.channel);
  return out;
}

}  // namespace

TEST_CASE(
    "sequence: a hot buyer gets a text at once, e-mails after 1 h and "
    "24 h, a text after 48 h",
    "[pipeline][sequence]") {
  const Sequences d = DefaultSequences();
  const Sequence& hot = d.by_segment.at(Segment::kHotBuyer);
  CHECK(Delays(hot) ==
        std::vector<hours>{hours(0), hours(1), hours(24), hours(48)});
  CHECK(Channels(hot) == std::vector<Channel>{Channel::kSms, Channel::kEmail,
                                              Channel::kEmail, Channel::kSms});
}

TEST_CASE(
    "sequence: a warm buyer gets e-mails on days 1, 7, 14 and 30; "
    "long-term nurture a year of monthly e-mails; low quality nothing",
    "[pipeline][sequence]") {
  const Sequences d = DefaultSequences();
  CHECK(Delays(d.by_segment.at(Segment::kWarmBuyer)) ==
        std::vector<hours>{hours(24), hours(24 * 7), hours(24 * 14),
                           hours(24 * 30)});
  const Sequence& nurture = d.by_segment.at(Segment::kNurtureLongterm);
  REQUIRE(nurture.size() == 12);
  CHECK(nurture.front().delay == hours(24 * 30));
  CHECK(nurture.back().delay == hours(24 * 360));
  for (const SequenceStep& step : nurture)
    CHECK(step.channel == Channel::kEmail);
  CHECK(d.by_segment.count(Segment::kLowQuality) == 0);
}

TEST_CASE(
    "sequence: every default template is valid and e-mails have subjects, "
    "and none needs an agent (a hot lead may be unclaimed when the "
    "first text goes out)",
    "[pipeline][sequence]") {
  for (const auto& [segment, sequence] : DefaultSequences().by_segment) {
    for (const SequenceStep& step : sequence) {
      INFO(ToString(segment) << ": " << step.body);
      CHECK(ValidateTemplate(step.body).empty());
      CHECK(ValidateTemplate(step.subject).empty());
      CHECK((step.channel != Channel::kEmail || !step.subject.empty()));
      for (const std::string& field :
           FieldsRequiredBy(step.body + step.subject)) {
        CHECK(field == "company");
      }
    }
  }
}

TEST_CASE("sequence: channel names read both ways", "[pipeline][sequence]") {
  for (Channel c : {Channel::kSms, Channel::kEmail, Channel::kWebhook}) {
    CHECK(ChannelFromString(ToString(c)) == c);
  }
  CHECK_FALSE(ChannelFromString("fax"));
}

TEST_CASE("sequence: default texts are plain ASCII (160 characters a part, "
          "not 70) and tell the lead how to opt out",
          "[pipeline][sequence]") {
  for (const auto& [segment, sequence] : DefaultSequences().by_segment) {
    for (const SequenceStep& step : sequence) {
      if (step.channel != Channel::kSms) continue;
      INFO(step.body);
      CHECK(std::all_of(step.body.begin(), step.body.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      }));
      CHECK(step.body.find("Reply STOP to opt out") != std::string::npos);
    }
  }
}
