// Follow-up sequences: per segment, the automated messages a lead gets after
// routing. Plain data plus the built-in defaults; config may replace any
// segment's sequence. Pure; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

enum class Channel { kSms, kEmail, kWebhook };

// "sms", "email", "webhook" and back; the names are the config contract.
std::string ToString(Channel channel);
std::optional<Channel> ChannelFromString(const std::string& name);

struct SequenceStep {
  std::chrono::milliseconds delay{
      0};  // after enrolment, not after the previous step
  Channel channel = Channel::kEmail;
  std::string subject;  // e-mail only: a template (see template.h)
  std::string body;     // a template; for webhooks optional (sent as "text")
  // E-mail only, optional: an HTML template sent beside `body` as its
  // alternative (the lead's fields are HTML-escaped into it).
  std::string html = {};
};

using Sequence = std::vector<SequenceStep>;

struct Sequences {
  // A segment missing here gets no follow-up at all.
  std::map<Segment, Sequence> by_segment;
};

// The built-in sequences, used for every segment the config does not name:
//   HOT_BUYER         SMS at once; e-mail after 1 h; e-mail after 24 h; SMS
//                     after 48 h.
//   WARM_BUYER        e-mails after 1, 7, 14 and 30 days (the first day
//                     belongs to the agent's own call, not to a robot).
//   NURTURE_LONGTERM  a market e-mail every 30 days for 12 months
//                     (kNurtureMonths); after a year a lead that never
//                     answered is more likely to mark us as spam than to buy.
//   LOW_QUALITY       nothing (spam is LOW_QUALITY, see SegmentLead).
Sequences DefaultSequences();

// Tuning for the defaults above.
inline constexpr int kNurtureMonths = 12;
inline constexpr std::chrono::hours kNurtureInterval{24 * 30};

}  // namespace leadrouter::pipeline
