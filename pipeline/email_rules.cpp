#include "pipeline/email_rules.h"

#include <algorithm>
#include <array>
#include <optional>

#include "pipeline/email_extract.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

constexpr std::array<std::string_view, 7> kRequirements = {
    "name", "email", "phone", "email_or_phone", "address", "price", "message"};

// What the classifier looks at after a forwarded message is unwrapped.
struct Envelope {
  MailAddress from;
  std::string subject;
  std::string text;  // plain text, or the HTML part as text
  std::string html;  // markup, for metadata tags; empty once unwrapped
  std::string forwarded_by;
};

std::string Domain(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? "" : AsciiLower(address.substr(at + 1));
}

// Relaxed alignment: the same domain, or one a subdomain of the other
// ("bounce.zillow.com" for "zillow.com").
bool Aligned(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  auto under = [](std::string_view sub, std::string_view parent) {
    return sub.size() > parent.size() && sub.substr(sub.size() - parent.size()) == parent &&
           sub[sub.size() - parent.size() - 1] == '.';
  };
  return a == b || under(a, b) || under(b, a);
}

// The value after `key=` in one Authentication-Results clause.
std::string Property(std::string_view clause, std::string_view key) {
  size_t pos = clause.find(key);
  while (pos != std::string_view::npos) {
    const bool boundary = pos == 0 || clause[pos - 1] == ' ' || clause[pos - 1] == '\t';
    if (boundary) {
      size_t end = pos + key.size();
      while (end < clause.size() && clause[end] != ' ' && clause[end] != '\t' &&
             clause[end] != ';' && clause[end] != ')') {
        ++end;
      }
      return std::string(clause.substr(pos + key.size(), end - pos - key.size()));
    }
    pos = clause.find(key, pos + 1);
  }
  return "";
}

// Whether the receiving server (the topmost Authentication-Results: the
// ones below it were written by servers the sender controls) saw DMARC or
// SPF pass for the sender's domain.
bool Authenticated(const EmailMessage& message, const std::string& sender_domain) {
  const std::vector<std::string> results = HeaderValues(message, "Authentication-Results");
  if (results.empty()) return false;
  const std::string header = AsciiLower(results.front());
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string::npos) end = header.size();
    const std::string clause = Trim(std::string_view(header).substr(start, end - start));
    start = end + 1;
    if (clause.rfind("dmarc=pass", 0) == 0) {
      if (Aligned(Property(clause, "header.from="), sender_domain)) return true;
    } else if (clause.rfind("spf=pass", 0) == 0) {
      std::string mailfrom = Property(clause, "smtp.mailfrom=");
      if (mailfrom.find('@') != std::string::npos) mailfrom = Domain(mailfrom);
      if (Aligned(mailfrom, sender_domain)) return true;
    }
  }
  return false;
}

bool IsBulk(const EmailMessage& message, std::string* why) {
  const std::string precedence = AsciiLower(HeaderValue(message, "Precedence"));
  if (precedence == "bulk" || precedence == "list" || precedence == "junk") {
    *why = "bulk mail (Precedence: " + precedence + ")";
    return true;
  }
  if (!HeaderValue(message, "List-Unsubscribe").empty()) {
    *why = "bulk mail (List-Unsubscribe)";
    return true;
  }
  return false;
}

// A mailbox provider asking to confirm a forwarding address (Gmail:
// "(#123456789) Gmail Forwarding Confirmation - Receive Mail from …").
bool IsForwardingConfirmation(const EmailMessage& message, std::string* code) {
  const std::string subject = AsciiLower(message.subject);
  const bool gmail = message.from.address == "forwarding-noreply@google.com";
  if (!gmail && subject.find("forwarding confirmation") == std::string::npos) return false;
  auto digits_after = [](std::string_view text, size_t pos) {
    std::string out;
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ':' || text[pos] == '#')) ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      out.push_back(text[pos++]);
    }
    return out;
  };
  const size_t hash = subject.find("(#");
  if (hash != std::string::npos) *code = digits_after(subject, hash + 1);
  if (code->empty()) {
    const std::string body = AsciiLower(message.text.empty() ? message.html : message.text);
    const size_t label = body.find("confirmation code");
    if (label != std::string::npos) *code = digits_after(body, label + 17);
  }
  return true;
}

Envelope Unwrap(const EmailMessage& message) {
  Envelope e;
  e.from = message.from;
  e.subject = message.subject;
  e.text = message.text.empty() ? HtmlToText(message.html) : message.text;
  e.html = message.html;
  if (auto fwd = UnwrapForwarded(e.text)) {
    e.forwarded_by = message.from.address;
    e.from = fwd->from;
    e.subject = fwd->subject;
    e.text = std::move(fwd->body);
    e.html.clear();
  }
  return e;
}

bool Matches(const EmailSource& source, const Envelope& e) {
  const bool from = std::any_of(source.from.begin(), source.from.end(),
                                [&](const std::string& glob) { return GlobMatch(glob, e.from.address); });
  if (!from) return false;
  if (!source.subject.empty() && !GlobMatch(source.subject, e.subject)) return false;
  if (!source.body_contains.empty() &&
      AsciiLower(e.text).find(AsciiLower(source.body_contains)) == std::string::npos &&
      AsciiLower(e.html).find(AsciiLower(source.body_contains)) == std::string::npos) {
    return false;
  }
  return true;
}

// "noreply@", "no-reply@", "donotreply@", "do_not_reply@": nobody reads it.
bool IsNoReply(std::string_view address) {
  std::string local = AsciiLower(address.substr(0, address.find('@')));
  std::erase_if(local, [](char c) { return c == '-' || c == '_' || c == '.'; });
  return local == "noreply" || local == "donotreply";
}

// Built-ins first (metadata tags, ADF), then the source's labels on the
// text, then on the HTML part as text when the plain part lacks them.
EmailFields Extract(const EmailSource& source, const Envelope& e,
                    const EmailMessage& message, std::vector<std::string>& how) {
  EmailFields f;
  if (ReadLeadMetadata(e.html, f)) how.push_back("lead metadata tags");
  if (ReadAdf(e.text, f) || ReadAdf(e.html, f)) how.push_back("ADF/XML");
  ReadLabels(e.text, source.fields, f);
  if (!e.html.empty()) ReadLabels(HtmlToText(e.html), source.fields, f);
  // A contact form sends from the website's own address; the visitor is in
  // the body or in Reply-To, never in From. A portal's relay address in
  // Reply-To is the person's (replies reach them).
  if (f.email.empty() && e.forwarded_by.empty() && !message.reply_to.address.empty() &&
      !IsNoReply(message.reply_to.address)) {
    f.email = message.reply_to.address;
    if (f.full_name.empty() && f.first_name.empty()) f.full_name = message.reply_to.name;
    how.push_back("visitor from Reply-To");
  }
  return f;
}

// The first requirement `f` does not meet, in words; empty when all are met.
std::string Missing(const std::vector<std::string>& required, const EmailFields& f) {
  for (const std::string& r : required) {
    const bool name = !f.full_name.empty() || !f.first_name.empty() || !f.last_name.empty();
    if (r == "name" && !name) return "no name";
    if (r == "email" && f.email.empty()) return "no e-mail";
    if (r == "phone" && f.phone.empty()) return "no phone";
    if (r == "email_or_phone" && f.email.empty() && f.phone.empty()) return "no phone or e-mail";
    if (r == "address" && f.address.empty()) return "no property address";
    if (r == "price" && f.price.empty()) return "no price";
    if (r == "message" && f.message.empty()) return "no message";
  }
  return "";
}

nlohmann::json Payload(const EmailSource& source, const EmailFields& f,
                       const EmailMessage& message, const Envelope& e) {
  nlohmann::json contact = nlohmann::json::object();
  auto put = [](nlohmann::json& obj, const char* key, const std::string& value) {
    if (!value.empty()) obj[key] = value;
  };
  put(contact, "full_name", f.full_name);
  put(contact, "first_name", f.first_name);
  put(contact, "last_name", f.last_name);
  put(contact, "email", f.email);
  put(contact, "phone", f.phone);
  nlohmann::json property = nlohmann::json::object();
  put(property, "address", f.address);
  put(property, "price", f.price);
  nlohmann::json mail = {{"from", e.from.address}, {"subject", e.subject}};
  put(mail, "message_id", message.message_id);
  put(mail, "forwarded_by", e.forwarded_by);
  nlohmann::json payload = {{"source", source.name}, {"contact", contact},
                            {"inbound_email", mail}};
  if (!property.empty()) payload["property"] = property;
  put(payload, "message", f.message);
  return payload;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

bool IsKnownRequirement(std::string_view name) {
  return std::find(kRequirements.begin(), kRequirements.end(), name) != kRequirements.end();
}

std::string ToString(EmailOutcome outcome) {
  switch (outcome) {
    case EmailOutcome::kLead: return "lead";
    case EmailOutcome::kNotALead: return "not_a_lead";
    case EmailOutcome::kDeadLetter: return "dead_letter";
    case EmailOutcome::kUnknownSender: return "unknown_sender";
  }
  return "unknown_sender";
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

EmailVerdict ClassifyEmail(const EmailMessage& message, const EmailRules& rules) {
  EmailVerdict v;
  std::string code;
  if (IsForwardingConfirmation(message, &code)) {
    v.outcome = EmailOutcome::kNotALead;
    v.confirmation_code = code;
    v.why = "a mailbox forwarding confirmation" +
            (code.empty() ? std::string() : " (code " + code + ")") +
            ": someone must confirm it for forwarding to start";
    return v;
  }
  const Envelope e = Unwrap(message);
  v.forwarded_by = e.forwarded_by;
  std::string bulk_why;
  const bool bulk = IsBulk(message, &bulk_why);

  const EmailSource* source = nullptr;
  std::string refused;
  for (const EmailSource& s : rules.sources) {
    if (!Matches(s, e)) continue;
    if (s.require_auth) {
      if (!e.forwarded_by.empty()) {
        refused = s.name + " requires authentication, and a forwarded message cannot show it";
        continue;
      }
      if (!Authenticated(message, Domain(e.from.address))) {
        refused = "From " + e.from.address + " claims " + s.name +
                  ", but Authentication-Results shows no DMARC or SPF pass for " +
                  Domain(e.from.address);
        continue;
      }
    }
    source = &s;
    break;
  }
  if (source == nullptr) {
    if (bulk) {
      v.outcome = EmailOutcome::kNotALead;
      v.why = bulk_why;
      return v;
    }
    v.outcome = EmailOutcome::kUnknownSender;
    v.why = !refused.empty() ? refused
                             : "no inbound_email source matches sender " +
                                   (e.from.address.empty() ? std::string("(none)") : e.from.address);
    return v;
  }
  v.source = source->name;
  for (const std::string& glob : source->not_a_lead_subjects) {
    if (GlobMatch(glob, e.subject)) {
      v.outcome = EmailOutcome::kNotALead;
      v.why = source->name + " lists the subject \"" + e.subject + "\" as not a lead";
      return v;
    }
  }
  std::vector<std::string> how;
  const EmailFields fields = Extract(*source, e, message, how);
  v.payload = Payload(*source, fields, message, e);
  const std::string missing = Missing(source->required, fields);
  if (!missing.empty()) {
    // A newsletter from a portal's own domain carries no contact: it is
    // bulk, not a broken template.
    if (bulk) {
      v.outcome = EmailOutcome::kNotALead;
      v.why = bulk_why + " from " + source->name + " with " + missing;
      v.payload = nullptr;
      return v;
    }
    v.outcome = EmailOutcome::kDeadLetter;
    v.why = source->name + ": " + missing + " (required: " + Joined(source->required) +
            "); did the template change?";
    return v;
  }
  v.outcome = EmailOutcome::kLead;
  v.why = "from " + source->name + (how.empty() ? "" : " (" + Joined(how) + ")") +
          (e.forwarded_by.empty() ? "" : ", forwarded by " + e.forwarded_by);
  return v;
}

}  // namespace leadrouter::pipeline
