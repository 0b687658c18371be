#include "pipeline/message_reading.h"

#include <algorithm>
#include <array>
#include <string>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Phrase families. Each lists the ways people write one idea; FindPhrases
// adds the hyphen and spacing variants ("pre-approved", "pre approved") and
// one-letter typos in longer words, so only genuinely different wordings
// are listed. English first, then Spanish.

const std::vector<std::string> kMoney = {
    "preapproved", "preapproval", "prequalified", "prequal",
    "approved for", "approval letter", "got approved", "were approved",
    "mortgage approved", "loan approved", "loan is approved",
    "financing approved", "financing is approved", "have financing",
    "financing in place", "financing is in place", "financing is ready",
    "financing ready", "financing lined up", "financing secured",
    "verified funds", "proof of funds", "cash", "all cash", "efectivo",
    "de contado", "preaprobado", "preaprobada", "preaprobacion",
    "prestamo aprobado", "credito aprobado", "hipoteca aprobada",
    "loan approval", "mortgage approval", "green light", "already approved",
    "been approved", "fully approved", "conditionally approved",
    "financiamiento aprobado", "credito preaprobado"};
// "cash flow" is an investor's question, not money in hand.
const std::vector<std::string> kNotMoney = {"cash flow", "cashflow"};

const std::vector<std::string> kReady = {
    "ready to buy", "ready to make an offer", "ready to go", "ready to move",
    "ready to sign", "ready to list", "make an offer", "put in an offer",
    "submit an offer", "write an offer", "first through the door",
    "listo para comprar", "listos para comprar", "hacer una oferta"};

const std::vector<std::string> kHedges = {
    "just looking", "just lookin", "only looking", "just browsing",
    "browsing", "window shopping", "just curious", "curious what",
    "kinda curious", "curious about", "just wondering", "just wanted to see",
    "just checking", "checking prices", "for fun", "dreaming",
    "daydreaming", "not serious", "nothing serious", "no plans",
    "no immediate plans", "not planning", "dont plan", "no intention",
    "not ready", "not actually buying", "not buying", "not looking to buy",
    "not moving", "no plans to sell", "not selling", "not sure when",
    "starting to look", "just starting", "keeping an eye", "keep an eye",
    "following the market", "researching", "getting a feel",
    "gathering info", "whats out there", "dont call", "out of my budget",
    "solo estoy mirando", "solo mirando", "solo queria saber", "no pienso",
    "no tengo planes", "solo curiosidad", "just seeing", "just see what",
    "nothing planned", "not in the market", "educating ourselves",
    "learning about the market", "nosy", "no intention"};

const std::vector<std::string> kSoftHedges = {
    "no rush", "not in a rush", "no hurry", "not in a hurry", "not urgent",
    "no urgency", "at some point", "sometime", "whenever", "sin prisa",
    "no hay prisa", "no tengo prisa"};

const std::vector<std::string> kAsks = {
    "tour", "showing", "show me", "see it", "see the", "see this",
    "set up", "schedule", "viewing", "visit", "walkthrough", "walk through",
    "appointment", "offer", "disclosures", "send", "call me", "contact me",
    "could you", "can you", "could we", "can we", "would like",
    "would love", "id like", "please", "advice", "ver la", "ver el",
    "quiero", "me gustaria"};

const std::vector<std::string> kSupport = {
    "log in", "login", "log into", "logged out", "logged in", "sign in",
    "signin", "password", "contrasena", "my account", "mi cuenta",
    "verification code", "locked out", "unsubscribe", "stop emailing",
    "stop texting", "stop sending", "stop calling", "remove me",
    "remove my", "mailing list", "opt me out", "opt out", "delete my",
    "cancel my account", "notifications", "saved search", "saved searches",
    "saved homes", "my favorites", "the favorites", "page not found",
    "error", "crashing", "crashes", "not loading", "isnt loading",
    "doesnt work", "not working", "stopped working", "portal", "upload",
    "esignature", "resend", "username", "settings page", "account settings",
    "price alerts",
    "update my email", "change my email", "update my phone", "calculator",
    "correos", "wrong person", "wrong number", "never signed up",
    "current client", "receipt", "no me llegan", "olvide mi",
    "confirmation email", "take me off", "logging me out", "logs me out",
    "turn off", "listing emails", "automated messages", "stop the automated",
    "stop the emails", "stop the texts", "stop these",
    "email list", "text list", "signed up", "unsubscribed"};

const std::vector<std::string> kInjection = {
    "ignore previous", "ignore all previous", "ignore prior",
    "ignore all prior", "ignore the above", "ignore your instructions",
    "ignore all instructions", "disregard your", "disregard previous",
    "disregard all", "disregard the above", "forget your instructions",
    "forget all previous", "system prompt", "you are now", "admin mode",
    "developer mode", "classify this", "classify as", "set priority",
    "respond with intent", "output intent", "note to the ai",
    "to the ai", "as an ai", "ai reading this", "language model",
    "ignora las instrucciones", "olvida todas las instrucciones",
    "instrucciones anteriores"};
// A verb that tries to set our decision, and the decision it names:
// "mark this urgent", "route to the shark tank", "marca esto como urgente".
constexpr std::array<std::string_view, 9> kSteerVerbs = {
    "mark", "classify", "label", "flag", "route", "escalate", "marca",
    "clasifica", "prioritize"};
constexpr std::array<std::string_view, 8> kSteerTargets = {
    "urgent", "hot", "priority", "urgente", "prioridad", "shark", "hotbuyer",
    "urgentbuyer"};
constexpr size_t kSteerReach = 5;
// Our own label names in a message are meant for the classifier.
constexpr std::array<std::string_view, 7> kLabelNames = {
    "hot_buyer", "urgent_buyer", "warm_buyer", "tire_kicker",
    "general_inquiry", "low_quality", "nurture_longterm"};
constexpr std::array<std::string_view, 3> kRoleMarkers = {
    "system:", "assistant:", "[inst]"};

const std::vector<std::string> kPitch = {
    "seo", "search engine optimization", "first page of google",
    "page 1 of google", "rank your", "backlink", "backlinks", "guest post",
    "lead generation", "generate leads", "more leads", "buy leads",
    "real estate leads", "seller leads", "buyer leads", "homeowner leads",
    "free leads", "lead vendor", "virtual assistant", "our services",
    "our team can", "we offer", "we provide", "we specialize", "we build",
    "web design", "website design", "marketing services",
    "digital marketing", "facebook ads", "google ads",
    "increase your traffic", "grow your", "followers", "for realtors",
    "for real estate agents", "for brokers", "for your clients",
    "sell your listings", "feature your", "your domain", "your website has",
    "book a call", "free audit", "first month free", "reply yes",
    "referral fee", "buyers list", "partner with us", "partner with agents",
    "offshore", "cold calling", "transaction coordination",
    "photography services", "business loans", "are you the owner",
    "crypto", "bitcoin", "casino", "free spins", "viagra", "cialis",
    "gift card", "youve won", "you have won", "claim it", "claim your",
    "a week from home", "telegram", "investment opportunity",
    "we buy houses", "any condition", "we help brokerages",
    "we help agents", "we help realtors", "help brokerages", "free demo",
    "chatbot", "chatbots", "passive income", "forex", "trading signals",
    "cheap loans", "bad credit", "instant approval", "video editing",
    "affordable prices", "contact us for", "reaching out because we",
    "your realty site", "your real estate website", "high da"};

const std::vector<std::string> kSeller = {
    "sell my", "sell our", "selling my", "selling our", "need to sell",
    "want to sell", "looking to sell", "have to sell", "must sell",
    "thinking of selling", "thinking about selling", "considering selling",
    "plan to sell", "planning to sell", "selling process", "list my",
    "list our", "listing my", "listing our", "list a home",
    "listing appointment", "ready to list", "home worth", "house worth",
    "condo worth", "value of my", "my homes value", "my home value",
    "home valuation", "cma", "what would my", "what my house",
    "on the market this", "put it on the market",
    "putting it on the market", "downsize", "vender", "vendo",
    "vale mi casa", "cuanto vale mi", "might sell", "may sell",
    "could sell", "would sell", "will sell", "we sell", "considering listing",
    "thinking of listing", "thinking about listing", "planning to list",
    "plan to list", "market analysis", "my street", "my equity",
    "list our place", "sell for on my"};

const std::vector<std::string> kRenter = {
    "rent", "rental", "rentals", "renting", "a lease", "month lease",
    "lease terms", "security deposit", "application fee", "pets allowed",
    "allow pets", "landlord", "apartment", "tenant", "alquilar", "alquiler",
    "rentar", "renta", "arrendar"};

// Words only a buyer writes; they outweigh rental words ("our lease ends
// and we want to buy").
const std::vector<std::string> kBuyer = {
    "buy", "buying", "purchase", "mortgage", "down payment", "offer",
    "hoa", "second home", "the seller", "sellers", "closing costs",
    "comprar", "compra", "first time buyers", "first time buyer"};

const std::vector<std::string> kInvestor = {"investor", "investors",
                                            "inversionista"};

// Words people type to see whether a form works.
constexpr std::array<std::string_view, 9> kTestWords = {
    "test", "testing", "qwerty", "asdf", "asdfgh", "lorem", "ipsum", "xxx",
    "aaa"};
// A run of consonants no real word in our languages has ("asdkjh").
constexpr int kJunkConsonantRun = 5;
constexpr size_t kJunkMaxWords = 6;

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool LooksLikeKeyboardMash(const std::string& w) {
  int run = 0;
  for (char c : w) {
    if (c >= '0' && c <= '9') return false;
    run = IsVowel(c) ? 0 : run + 1;
    if (run >= kJunkConsonantRun) return true;
  }
  return false;
}

bool JunkText(const TokenizedText& t) {
  const std::vector<Token>& tokens = t.tokens;
  if (tokens.empty() || tokens.size() > kJunkMaxWords) return false;
  const bool all_test = std::all_of(
      tokens.begin(), tokens.end(), [](const Token& tok) {
        return std::find(kTestWords.begin(), kTestWords.end(), tok.word) !=
               kTestWords.end();
      });
  if (all_test) return true;
  const auto mashed = std::count_if(
      tokens.begin(), tokens.end(),
      [](const Token& tok) { return LooksLikeKeyboardMash(tok.word); });
  return mashed * 2 >= static_cast<long>(tokens.size());
}

// "mark this urgent", "please route to the shark tank": a steering verb
// with its target a few words on, in one clause.
std::vector<PhraseHit> SteeringHits(const TokenizedText& t) {
  std::vector<PhraseHit> hits;
  const std::vector<Token>& tokens = t.tokens;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (std::find(kSteerVerbs.begin(), kSteerVerbs.end(), tokens[i].word) ==
        kSteerVerbs.end()) {
      continue;
    }
    for (size_t k = i + 1; k < tokens.size() && k <= i + kSteerReach; ++k) {
      if (tokens[k].clause != tokens[i].clause) break;
      if (std::find(kSteerTargets.begin(), kSteerTargets.end(),
                    tokens[k].word) == kSteerTargets.end()) {
        continue;
      }
      PhraseHit h;
      h.phrase = "steering";
      h.first = i;
      h.last = k + 1;
      h.words = t.text.substr(tokens[i].begin, tokens[k].end - tokens[i].begin);
      hits.push_back(std::move(h));
      return hits;
    }
  }
  return hits;
}

std::string InjectionMarker(std::string_view message) {
  const std::string lower = AsciiLower(message);
  for (std::string_view label : kLabelNames) {
    const size_t at = lower.find(label);
    if (at != std::string::npos) return std::string(message.substr(at, label.size()));
  }
  // A role marker counts only where a line starts: "HVAC system: new?"
  // is a question about the house.
  size_t line = 0;
  while (line < lower.size()) {
    const size_t start = lower.find_first_not_of(" \t", line);
    if (start == std::string::npos) break;
    for (std::string_view role : kRoleMarkers) {
      if (lower.compare(start, role.size(), role) == 0) {
        return std::string(message.substr(start, role.size()));
      }
    }
    const size_t end = lower.find('\n', start);
    if (end == std::string::npos) break;
    line = end + 1;
  }
  return "";
}

// Drops hits that sit inside another family's hits ("cash" in "cash flow").
std::vector<PhraseHit> Without(std::vector<PhraseHit> hits,
                               const std::vector<PhraseHit>& covering) {
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](const PhraseHit& h) {
                              return std::any_of(
                                  covering.begin(), covering.end(),
                                  [&](const PhraseHit& c) {
                                    return h.first >= c.first &&
                                           h.last <= c.last;
                                  });
                            }),
             hits.end());
  return hits;
}

void Append(std::vector<PhraseHit>& to, std::vector<PhraseHit> more) {
  for (PhraseHit& h : more) to.push_back(std::move(h));
}

}  // namespace

MessageReading ReadMessage(std::string_view message,
                           std::chrono::system_clock::time_point now,
                           const Rules& rules) {
  MessageReading r;
  r.text = Tokenize(message);
  const TokenizedText& t = r.text;

  std::vector<PhraseHit> money =
      Without(FindPhrases(t, kMoney), FindPhrases(t, kNotMoney));
  for (PhraseHit& h : money) {
    (h.negated || h.irrealis ? r.money_denied : r.money).push_back(std::move(h));
  }
  r.ready = Affirmed(FindPhrases(t, kReady));
  r.timeline = ReadTimeline(t, now);
  r.deadline_extra = Affirmed(FindPhrases(t, rules.urgent_phrases));

  r.hedges = FindPhrases(t, kHedges);
  Append(r.hedges, FindPhrases(t, rules.tire_kicker_phrases));
  r.soft_hedges = FindPhrases(t, kSoftHedges);
  r.asks = FindPhrases(t, kAsks);

  r.support = FindPhrases(t, kSupport);
  Append(r.support, FindPhrases(t, rules.support_phrases));
  r.stop_word_only = t.tokens.size() == 1 && t.tokens[0].word == "stop";

  r.injection = FindPhrases(t, kInjection);
  Append(r.injection, SteeringHits(t));
  r.injection_marker = InjectionMarker(message);
  r.pitch = FindPhrases(t, kPitch);
  r.junk_text = JunkText(t);

  r.seller = FindPhrases(t, kSeller);
  r.renter = FindPhrases(t, kRenter);
  r.buyer = FindPhrases(t, kBuyer);
  r.investor = FindPhrases(t, kInvestor);
  return r;
}

}  // namespace leadrouter::pipeline
