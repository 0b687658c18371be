#include "pipeline/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

// Longer input is not a phone number; also bounds libphonenumber's work.
constexpr size_t kMaxPhoneInput = 64;

std::string TypeName(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
      return "FIXED_LINE";
    case PhoneNumberUtil::MOBILE:
      return "MOBILE";
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return "FIXED_LINE_OR_MOBILE";
    case PhoneNumberUtil::TOLL_FREE:
      return "TOLL_FREE";
    case PhoneNumberUtil::PREMIUM_RATE:
      return "PREMIUM_RATE";
    case PhoneNumberUtil::SHARED_COST:
      return "SHARED_COST";
    case PhoneNumberUtil::VOIP:
      return "VOIP";
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return "PERSONAL_NUMBER";
    case PhoneNumberUtil::PAGER:
      return "PAGER";
    case PhoneNumberUtil::UAN:
      return "UAN";
    case PhoneNumberUtil::VOICEMAIL:
      return "VOICEMAIL";
    case PhoneNumberUtil::UNKNOWN:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

}  // namespace

PhoneNumber NormalizePhone(std::string_view raw,
                           const std::string& default_region) {
  PhoneNumber out;
  out.raw = Trim(raw);
  if (out.raw.empty() || out.raw.size() > kMaxPhoneInput) return out;

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  if (util.Parse(out.raw, default_region, &number) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return out;
  }
  // "12" parses, but no E.164 form of it would mean anything. (The E.164
  // format never carries an extension.)
  if (!util.IsPossibleNumber(number)) return out;

  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  // A number is valid exactly when its type is known (IsValidNumber is that
  // same test): asking for the type alone runs the region's patterns once
  // instead of twice, the costliest part of a lead's pipeline after the
  // parse.
  const PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(number);
  out.valid = type != PhoneNumberUtil::UNKNOWN;
  if (out.valid) {
    out.type = TypeName(type);
    util.GetRegionCodeForNumber(number, &out.region);
  }
  return out;
}

}  // namespace leadrouter::pipeline
