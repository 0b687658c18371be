#include "bot/demo/sample_leads.h"

namespace leadrouter::demo {

// Copies of tests/fixtures/*.json; tests/bot/demo/sample_leads_test.cpp
// checks that they still match.
const std::vector<SampleLead>& SampleLeads() {
  static const std::vector<SampleLead> kLeads = {
      {"portal-nested.json", "a listing portal, nested",
       R"json({
  "lead_source": "Zillow Premier",
  "timestamp": "2026-03-14T22:07:41Z",
  "contact": {
    "full_name": "dana o'connell",
    "email": "Dana.OConnell@Example.com ",
    "phone": "(212) 555-0199"
  },
  "property_inquiry": {
    "mls_id": "NY-2291837",
    "address": "48  West 21st St, Apt 5B, New York, NY 10010",
    "price": 1250000,
    "days_on_market": 6
  },
  "notes": "Pre-approved with Chase, cash offer possible. Can we see it Saturday morning?"
})json"},
      {"crm-properties.json", "a CRM export, properties",
       R"json({
  "objectId": 90210,
  "portalId": 4455,
  "properties": {
    "firstname": {"value": "Priya"},
    "lastname": {"value": "Raman"},
    "email": {"value": "priya.raman@example.net"},
    "phone": {"value": "+1 512 867 5309"},
    "message": {"value": "Need a showing for 3 units by Friday, budget 2.1M, investor, closing in 30 days."},
    "lead_source": {"value": "Website"},
    "hs_analytics_source": {"value": "PAID_SEARCH"}
  }
})json"},
      {"webform-flat.json", "a website form, flat",
       R"json({
  "firstName": "MARCUS",
  "lastName": "webb",
  "email": "marcus.webb@example.org",
  "phone": "312.555.0173",
  "message": "<p>Hi,<br>we are <b>just looking</b> for now, thinking of moving next year.</p><p>Sent from contact form: Relocation guide</p>",
  "budget": "$450k",
  "zip": "60614",
  "utm_source": "google",
  "utm_medium": "cpc",
  "utm_campaign": "spring-buyers",
  "landing_page": "https://example.com/lp/relocation?gclid=abc123",
  "consent": {"marketing": true, "privacy_policy_version": "2026-01"}
})json"},
      {"support-request.json", "a customer who needs support",
       R"json({
  "firstName": "Owen",
  "lastName": "Tran",
  "email": "owen.tran@example.com",
  "message": "I can't log into my account to see the saved listings, can someone reset my password?"
})json"},
      {"spam.json", "an SEO pitch",
       R"json({
  "firstName": "SEO",
  "lastName": "Expert",
  "email": "growth@seo-rank-fast.example",
  "phone": "12",
  "message": "We can put your website on page 1 of Google!!! Cheap backlinks, visit http://rank.example/offer http://rank.example/2",
  "website": "http://rank.example"
})json"},
      {"invalid-missing-contact.json", "no way to reach them",
       R"json({
  "firstName": "Nobody",
  "message": "Call me"
})json"},
  };
  return kLeads;
}

}  // namespace leadrouter::demo
