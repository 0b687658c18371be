#include "pipeline/sequence.h"

namespace leadrouter::pipeline {
namespace {

using std::chrono::hours;

// SMS texts stay in plain ASCII: one character outside the GSM alphabet (an
// en dash) would bill every part as UCS-2, 70 characters instead of 160.
// Each carries the opt-out words carriers expect.
SequenceStep Sms(hours delay, std::string body) {
  return {delay, Channel::kSms, "", std::move(body)};
}

SequenceStep Email(hours delay, std::string subject, std::string body) {
  return {delay, Channel::kEmail, std::move(subject), std::move(body)};
}

}  // namespace

std::string ToString(Channel channel) {
  switch (channel) {
    case Channel::kSms:
      return "sms";
    case Channel::kEmail:
      return "email";
    case Channel::kWebhook:
      return "webhook";
  }
  return "email";
}

std::optional<Channel> ChannelFromString(const std::string& name) {
  if (name == "sms") return Channel::kSms;
  if (name == "email") return Channel::kEmail;
  if (name == "webhook") return Channel::kWebhook;
  return std::nullopt;
}

Sequences DefaultSequences() {
  Sequences s;
  s.by_segment[Segment::kHotBuyer] = {
      Sms(hours(0),
          "Hi {first_name|there}, got your inquiry for {address|the home you "
          "asked about}. We'll call you shortly. - {agent_name|The team}, "
          "{company}. Reply STOP to opt out."),
      Email(hours(1), "Your inquiry about {address|the home you asked about}",
            "Hi {first_name|there},\n\nthanks for asking about {address|the "
            "home}. When would suit you for a showing? Just reply to this "
            "e-mail or call {agent_phone|us}.\n\n{agent_name|}\n"
            "{company}\n"),
      Email(
          hours(24), "Still interested in {address|the home}?",
          "Hi {first_name|there},\n\nI wanted to make sure you got everything "
          "you need about {address|the home}. Homes like this one move fast; "
          "reply and we'll set up a time to see it.\n\n{agent_name|}\n"
          "{company}\n"),
      Sms(hours(48),
          "Hi {first_name|there}, it's {agent_name|{company}} again. Would you "
          "like to see {address|the home} this week? Reply STOP to opt out."),
  };
  Sequence warm;
  for (int day : {1, 7, 14, 30}) {
    warm.push_back(Email(
        hours(24 * day), "Homes for you in {city|your area}",
        "Hi {first_name|there},\n\nhere are a few homes like the one you "
        "asked about. Reply to this e-mail and we'll send you the details or "
        "set up a showing.\n\n{agent_name|}\n{company}\n"));
  }
  s.by_segment[Segment::kWarmBuyer] = std::move(warm);
  Sequence nurture;
  for (int month = 1; month <= kNurtureMonths; ++month) {
    nurture.push_back(Email(
        kNurtureInterval * month, "This month's market in {city|your area}",
        "Hi {first_name|there},\n\nhere is this month's market update from "
        "{company}. Whenever you are ready to look at homes, just reply.\n\n"
        "{agent_name|The {company} team}\n"));
  }
  s.by_segment[Segment::kNurtureLongterm] = std::move(nurture);
  return s;
}

}  // namespace leadrouter::pipeline
