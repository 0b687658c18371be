#include <cstdlib>
#include <set>

#include "bot/enrichment/enrichment_config_reader.h"
#include "pipeline/enrichment_facts.h"

namespace leadrouter {
namespace {

void ReadProvider(TableReader& r, EnrichmentProvider& p,
                  const std::set<std::string>& placeholders,
                  const std::set<std::string>& field_names,
                  std::vector<ConfigError>& warnings) {
  r.String("url", p.url);
  if (p.url.rfind("https://", 0) != 0 && p.url.rfind("http://", 0) != 0) {
    r.Error("url",
            "must start with https:// (or http:// for a local stand-in)");
  }
  for (const std::string& name : pipeline::UrlPlaceholders(p.url)) {
    if (!placeholders.count(name)) {
      std::string known;
      for (const std::string& k : placeholders) known += " {" + k + "}";
      r.Error("url", "{" + name + "} is not a placeholder; known:" + known);
    }
  }
  r.StringMap("headers", p.headers);
  for (const auto& [name, value] : p.headers) {
    if (value.rfind("env:", 0) != 0) continue;
    const std::string var = value.substr(4);
    if (var.empty()) {
      r.Error("headers." + name, "\"env:\" must name a variable");
    } else if (std::getenv(var.c_str()) == nullptr) {
      warnings.push_back({r.Path("headers." + name),
                          var + " is not set in the environment: the header "
                                "goes out empty",
                          0});
    }
  }
  r.StringMap("fields", p.fields);
  if (p.fields.empty()) r.Error("fields", "must map at least one field");
  for (const auto& [name, pointer] : p.fields) {
    if (!field_names.count(name)) {
      std::string known;
      for (const std::string& k : field_names) known += " " + k;
      r.Error("fields." + name, "is not a field; known:" + known);
    } else if (pointer.empty() || pointer.front() != '/') {
      r.Error("fields." + name,
              "\"" + pointer + "\" is not a JSON pointer (it starts with /)");
    }
  }
  r.String("ca_file", p.ca_file);
  r.Duration("timeout", p.timeout);
  if (p.timeout <= std::chrono::milliseconds(0)) {
    r.Error("timeout", "must be longer than 0s");
  }
  r.Integer("rate_per_minute", p.rate_per_minute, 0, 1000000);
  r.Duration("cache_ttl", p.cache_ttl);
}

}  // namespace

void ReadEnrichment(TableReader& root, EnrichmentConfig& out,
                    std::vector<ConfigError>& warnings) {
  root.Table("enrichment", [&](TableReader& r) {
    r.Duration("deadline", out.deadline);
    if (out.deadline < std::chrono::milliseconds(0)) {
      r.Error("deadline", "must not be negative");
    }
    r.Table("property", [&](TableReader& p) {
      ReadProvider(p, out.property, {"address", "zip", "mls_id"},
                   {std::begin(pipeline::kPropertyFields),
                    std::end(pipeline::kPropertyFields)},
                   warnings);
    });
    r.Table("person", [&](TableReader& p) {
      ReadProvider(p, out.person, {"email"},
                   {std::begin(pipeline::kPersonFields),
                    std::end(pipeline::kPersonFields)},
                   warnings);
    });
  });
}

}  // namespace leadrouter
