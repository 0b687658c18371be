#include "bot/classifier/eval_command.h"

#include <fstream>
#include <iterator>

#include "bot/classifier/eval_set.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadSet = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage: leadrouter eval --config FILE SET.jsonl [--half NAME] [--misses]\n";

struct EvalArgs {
  std::string config_path;
  std::string set_path;
  std::string half;
  bool misses = false;
  std::string error;
};

EvalArgs Parse(const std::vector<std::string>& args) {
  EvalArgs a;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    const auto value = [&](const char* name, std::string& into) {
      const std::string flag = name;
      if (w == flag) {
        if (i + 1 >= args.size()) {
          a.error = flag + " needs a value";
        } else {
          into = args[++i];
        }
        return true;
      }
      if (w.rfind(flag + "=", 0) == 0) {
        into = w.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (value("--config", a.config_path) || value("--half", a.half)) continue;
    if (w == "--misses") {
      a.misses = true;
    } else if (w.size() > 1 && w[0] == '-') {
      a.error = "unknown option " + w;
    } else if (a.set_path.empty()) {
      a.set_path = w;
    } else {
      a.error = "one set at a time";
    }
  }
  if (a.error.empty() && a.config_path.empty()) a.error = "--config FILE is required";
  if (a.error.empty() && a.set_path.empty()) a.error = "SET.jsonl is required";
  return a;
}

}  // namespace

int RunEvalCommand(const std::vector<std::string>& args, const Clock& clock,
                   std::ostream& out, std::ostream& err) {
  const EvalArgs a = Parse(args);
  if (!a.error.empty()) {
    err << "leadrouter eval: " << a.error << "\n" << kUsage;
    return kExitUsage;
  }
  const ConfigLoad load = LoadConfigFile(a.config_path);
  if (!load.ok()) {
    err << a.config_path << ": " << load.errors.size() << " error"
        << (load.errors.size() == 1 ? "" : "s") << "\n";
    for (const auto& e : load.errors) err << "  " << e.ToString() << "\n";
    return kExitUsage;
  }
  std::ifstream in(a.set_path, std::ios::binary);
  if (!in) {
    err << "leadrouter eval: cannot read " << a.set_path << "\n";
    return kExitBadSet;
  }
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  const EvalParse set = ParseEvalSet(text);
  for (const std::string& e : set.errors) err << a.set_path << ": " << e << "\n";
  if (set.cases.empty()) {
    err << "leadrouter eval: " << a.set_path << " has no usable lines\n";
    return kExitBadSet;
  }
  const EvalReport report =
      RunEval(set.cases, load.config.rules, clock.Now(), a.half);
  if (report.cases == 0) {
    err << "leadrouter eval: no lines with half \"" << a.half << "\"\n";
    return kExitBadSet;
  }
  out << FormatReport(report, a.misses);
  return set.errors.empty() ? kExitOk : kExitBadSet;
}

}  // namespace leadrouter
