// Rules: everything the pipeline's judgement depends on, as plain values.
// bot/daemon/config.cpp fills this from the TOML file; the defaults here are the
// ones the field uses, so an empty config behaves sensibly.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/zip_medians.h"

namespace leadrouter::pipeline {

// Maps a source-specific payload shape onto our fields. A mapping applies
// when every entry of `when` (JSON pointer -> expected string value) matches;
// `fields` maps our field name ("email", "phone", "first_name", "last_name",
// "full_name", "message", "source", "address", "zip", "price", "budget",
// "mls_id", "days_on_market", "crm_id", …) to a JSON pointer in the payload.
struct FieldMapping {
  std::string name;
  std::map<std::string, std::string> when;
  std::map<std::string, std::string> fields;
};

// A keyword rule: fires when any phrase occurs (case-insensitive, on word
// boundaries) in the lead's message or notes.
struct KeywordRule {
  std::string name;
  int points = 0;
  std::vector<std::string> any_of;
};

struct ScoreWeights {
  int valid_phone = 10;
  int verified_address = 15;
  int budget_over_threshold = 25;
  double budget_threshold = 500000;
  int invalid_contact = -30;
  int spam_signal = -50;
};

struct Rules {
  std::string default_region = "US";
  size_t max_text_length = 4000;  // sanitized message is cut here
  std::vector<FieldMapping> field_mappings;
  // A non-empty value in any of these fields marks the lead as bot traffic.
  std::vector<std::string> honeypot_fields = {"_gotcha", "honeypot", "hp"};

  ScoreWeights weights;
  std::vector<KeywordRule> keyword_rules = {
      {"buying_signal", 50, {"pre-approved", "pre-approval", "pre-qualified",
                             "approved for a mortgage", "approved for a loan",
                             "mortgage approved", "have financing",
                             "financing in place", "cash", "all cash"}},
      {"just_looking", -20, {"just looking", "just browsing"}},
  };

  int hot_threshold = 70;        // score at or above: HOT_BUYER
  int hot_listing_max_days = 14; // a buying signal on a fresh listing is hot
  // The median when the lead's ZIP is not in zip_medians.
  double area_median_price = 400000;
  double far_above_median_factor = 3.0;  // above median*factor: nurture
  // Within this share of the median (either side): a warm buyer, said so.
  double near_median_band = 0.15;
  // [market] medians_file, by ZIP; shared by every copy of the rules and
  // replaced whole on a reload.
  std::shared_ptr<ZipMedianBook> zip_medians =
      std::make_shared<ZipMedianBook>();
  // Extra phrases that send a lead that is not urgent to nurture; the
  // built-in hedges and far timelines already do (TIRE_KICKER).
  std::vector<std::string> nurture_phrases;
  // Free-text phrases. Matching is case-insensitive on word boundaries; in a
  // phrase, "#" stands for any whole number ("closing in # days").
  //
  // Form footers cut from a message, from the phrase to the end of its line.
  std::vector<std::string> boilerplate_phrases = {
      "sent from contact form", "sent via contact form",
      "this message was sent from", "this e-mail was sent from",
      "this email was sent from", "this form was submitted from",
      "sent from my iphone", "sent from my android", "sent from my ipad"};
  // Sales pitches aimed at the brokerage rather than its listings.
  std::vector<std::string> spam_phrases = {
      "seo", "backlink", "backlinks", "page 1 of google",
      "first page of google", "rank your website", "guest post",
      "marketing services", "web design services", "increase your traffic",
      "casino", "crypto", "viagra"};
  int spam_min_links = 2;    // this many links in a message is a spam signal
  int spam_min_signals = 2;  // this many distinct signals make a lead spam
  // Site-specific additions to the built-in phrase families of
  // pipeline/message_reading.cpp (which already know logins, opt-outs,
  // deadlines, financing, hedges and their common variants):
  // help with the website, not a house (SUPPORT_REQUEST);
  std::vector<std::string> support_phrases;
  // a deadline, like "by Friday" (URGENT_BUYER unless hedged);
  std::vector<std::string> urgent_phrases;
  // a hedge, like "just looking" (TIRE_KICKER).
  std::vector<std::string> tire_kicker_phrases;
};

}  // namespace leadrouter::pipeline
