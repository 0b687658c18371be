#include "bot/demo/transcript.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

namespace leadrouter::demo {
namespace {

using nlohmann::json;

std::string Str(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t Int(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<int64_t>() : 0;
}

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      if (text.substr(i, 5) == "&amp;") {
        out += '&';
        i += 4;
        continue;
      }
      if (text.substr(i, 4) == "&lt;") {
        out += '<';
        i += 3;
        continue;
      }
      if (text.substr(i, 4) == "&gt;") {
        out += '>';
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string Lookup(const std::map<std::string, std::string>& names,
                   const std::string& id, const std::string& label) {
  auto it = names.find(id);
  if (it != names.end() && !it->second.empty()) return it->second;
  return label.empty() ? id : label;
}

// What a client shows for the inside of one <…> token.
std::string RenderToken(std::string_view token, const TranscriptNames& names) {
  const std::size_t bar = token.find('|');
  const std::string head(token.substr(0, bar));
  const std::string label = bar == std::string_view::npos
                                ? ""
                                : DecodeEntities(token.substr(bar + 1));
  if (head.empty()) return label;
  switch (head[0]) {
    case '@':
      return "@" + Lookup(names.users, head.substr(1), label);
    case '#':
      return "#" + Lookup(names.channels, head.substr(1), label);
    case '!': {
      // <!date^…|fallback>, <!subteam^ID|@team>, <!here>, <!channel>.
      if (!label.empty()) return label;
      const std::string word = head.substr(1, head.find('^') - 1);
      return word == "date" ? "(a date)" : "@" + word;
    }
    default:
      return label.empty() ? DecodeEntities(head) : label;
  }
}

// The emoji codes our messages use, as a client draws them; any other
// :code: stays as written.
std::string ReplaceEmojiCodes(std::string text) {
  static const std::pair<const char*, const char*> kEmoji[] = {
      {":warning:", "⚠"},
      {":rotating_light:", "🚨"},
      {":white_check_mark:", "✅"},
      {":fire:", "🔥"},
  };
  for (const auto& [code, glyph] : kEmoji) {
    const std::string needle = code;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at)) {
      text.replace(at, needle.size(), glyph);
    }
  }
  return text;
}

bool IsMarker(char c) { return c == '*' || c == '_' || c == '~'; }

bool OpensAt(const std::string& line, std::size_t i) {
  const bool before_ok =
      i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])) ||
      line[i - 1] == '(' || line[i - 1] == '"' || IsMarker(line[i - 1]);
  return before_ok && i + 1 < line.size() &&
         !std::isspace(static_cast<unsigned char>(line[i + 1]));
}

bool ClosesAt(const std::string& line, std::size_t j) {
  if (j == 0 || std::isspace(static_cast<unsigned char>(line[j - 1])))
    return false;
  if (j + 1 == line.size()) return true;
  const char next = line[j + 1];
  return std::isspace(static_cast<unsigned char>(next)) ||
         std::ispunct(static_cast<unsigned char>(next));
}

// Drops paired *bold*, _italic_ and ~strike~ markers in one line; an
// unpaired or mid-word marker ("3*2 garage", "first_last@x") stays.
std::string DropStyleMarkers(std::string line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (!IsMarker(c) || !OpensAt(line, i)) continue;
    for (std::size_t j = i + 2; j < line.size(); ++j) {
      if (line[j] == c && ClosesAt(line, j)) {
        line.erase(j, 1);
        line.erase(i, 1);
        --i;
        break;
      }
    }
  }
  return line;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

void AddLines(std::string& out, const std::string& indent,
              const std::string& text) {
  for (const std::string& line : SplitLines(text)) {
    out += indent + line + "\n";
  }
}

// A text object: mrkdwn is rendered, plain_text only has its entities
// decoded.
std::string TextObject(const json& text, const TranscriptNames& names) {
  if (text.is_string()) return RenderMrkdwn(text.get<std::string>(), names);
  const std::string raw = Str(text, "text");
  if (Str(text, "type") == "plain_text") return DecodeEntities(raw);
  return RenderMrkdwn(raw, names);
}

std::string ButtonLabel(const json& element, const TranscriptNames& names) {
  if (Str(element, "type") != "button") {
    return "[" + Str(element, "type") + "]";
  }
  return "[" + TextObject(element.value("text", json()), names) + "]";
}

// A field is "*Label*\nvalue…": one line, "Label: value · more".
std::string FieldLine(const json& field, const TranscriptNames& names) {
  std::vector<std::string> lines = SplitLines(TextObject(field, names));
  std::string out = lines[0];
  for (std::size_t i = 1; i < lines.size(); ++i) {
    out += (i == 1 ? ": " : " · ") + lines[i];
  }
  return out;
}

void RenderBlock(const json& block, const TranscriptNames& names,
                 const std::string& indent, std::string& out) {
  if (!block.is_object()) {
    // Slack would refuse the whole message (invalid_blocks); show it.
    out += indent + "[not a block: " + block.dump() + "]\n";
    return;
  }
  const std::string type = Str(block, "type");
  if (type == "header") {
    AddLines(out, indent, TextObject(block.value("text", json()), names));
  } else if (type == "section") {
    if (block.contains("text")) {
      AddLines(out, indent, TextObject(block["text"], names));
    }
    if (block.contains("fields") && block["fields"].is_array()) {
      for (const json& field : block["fields"]) {
        out += indent + FieldLine(field, names) + "\n";
      }
    }
    if (block.contains("accessory")) {
      out += indent + ButtonLabel(block["accessory"], names) + "\n";
    }
  } else if (type == "context") {
    std::string line;
    for (const json& element : block.value("elements", json::array())) {
      if (!element.contains("text")) continue;
      if (!line.empty()) line += " · ";
      line += TextObject(element, names);
    }
    AddLines(out, indent, line);
  } else if (type == "actions") {
    std::string line;
    for (const json& element : block.value("elements", json::array())) {
      if (!line.empty()) line += "  ";
      line += ButtonLabel(element, names);
    }
    out += indent + line + "\n";
  } else if (type == "divider") {
    out += indent + "──────────\n";
  } else {
    out += indent + "[" + type + " block]\n";
  }
}

// Columns a channel heading fills.
constexpr std::size_t kHeadingWidth = 64;

std::size_t CodePoints(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string UserName(const std::string& id, const TranscriptNames& names) {
  return "@" + Lookup(names.users, id, "");
}

bool IsDm(const std::string& id, const TranscriptNames& names) {
  return names.dm_users.count(id) > 0 || (!id.empty() && id[0] == 'D');
}

std::string Heading(const json& channel, const TranscriptNames& names) {
  const std::string id = Str(channel, "channel");
  std::string title;
  auto dm = names.dm_users.find(id);
  if (dm != names.dm_users.end()) {
    title = "DM with " + UserName(dm->second, names);
  } else if (IsDm(id, names)) {
    title = "DM " + id;
  } else {
    title = "#" + Lookup(names.channels, id, Str(channel, "name"));
  }
  std::string rule = "━━ " + title + " ";
  for (std::size_t width = CodePoints(rule); width < kHeadingWidth; ++width) {
    rule += "━";
  }
  return rule + "\n";
}

// Something that happened to one top-level message, in time order.
struct Event {
  int64_t at_us = 0;
  std::string text;
};

}  // namespace

std::string RenderMrkdwn(std::string_view mrkdwn,
                         const TranscriptNames& names) {
  std::string resolved;
  std::size_t i = 0;
  while (i < mrkdwn.size()) {
    const std::size_t open = mrkdwn.find('<', i);
    if (open == std::string_view::npos) {
      resolved += DecodeEntities(mrkdwn.substr(i));
      break;
    }
    resolved += DecodeEntities(mrkdwn.substr(i, open - i));
    const std::size_t close = mrkdwn.find('>', open);
    if (close == std::string_view::npos) {
      resolved += DecodeEntities(mrkdwn.substr(open));
      break;
    }
    resolved += RenderToken(mrkdwn.substr(open + 1, close - open - 1), names);
    i = close + 1;
  }
  std::string out;
  const std::vector<std::string> lines = SplitLines(resolved);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    if (n > 0) out += "\n";
    out += DropStyleMarkers(ReplaceEmojiCodes(lines[n]));
  }
  return out;
}

std::string RenderMessage(const json& message, const TranscriptNames& names,
                          const std::string& indent) {
  std::string out;
  const json blocks = message.value("blocks", json::array());
  if (blocks.is_array() && !blocks.empty()) {
    for (const json& block : blocks) RenderBlock(block, names, indent, out);
    return out;
  }
  AddLines(out, indent, RenderMrkdwn(Str(message, "text"), names));
  return out;
}

std::string RenderChannel(const json& channel, const TranscriptNames& names) {
  const json messages = channel.value("messages", json::array());
  const json ephemerals = channel.value("ephemerals", json::array());
  std::string out = Heading(channel, names);

  std::vector<std::string> top_ts;
  for (const json& m : messages) {
    const std::string thread = Str(m, "thread_ts");
    if (thread.empty() || thread == Str(m, "ts"))
      top_ts.push_back(Str(m, "ts"));
  }
  auto is_top = [&](const std::string& ts) {
    return std::find(top_ts.begin(), top_ts.end(), ts) != top_ts.end();
  };
  auto ephemeral_text = [&](const json& e) {
    std::string body = RenderMessage(e, names, "    ");
    body.erase(0, body.find_first_not_of(' '));
    return "  only " + UserName(Str(e, "user"), names) + " sees: " + body;
  };

  for (const json& m : messages) {
    const std::string ts = Str(m, "ts");
    if (!is_top(ts)) continue;
    const json history = m.value("history", json::array());
    std::vector<Event> events;
    // Version k replaced version k-1 at history[k-1].replaced_at_us.
    for (std::size_t k = 1; k <= history.size(); ++k) {
      const json& version = k < history.size() ? history[k] : m;
      events.push_back(
          {Int(history[k - 1], "replaced_at_us"),
           "  ✎ edited, now reads:\n" + RenderMessage(version, names, "    ")});
    }
    for (const json& reply : messages) {
      if (Str(reply, "thread_ts") != ts || Str(reply, "ts") == ts) continue;
      std::string label = reply.value("edited", false)
                              ? "  ↳ reply in thread (edited):\n"
                              : "  ↳ reply in thread:\n";
      events.push_back({Int(reply, "posted_at_us"),
                        label + RenderMessage(reply, names, "      ")});
    }
    for (const json& e : ephemerals) {
      if (Str(e, "message_ts") != ts && Str(e, "thread_ts") != ts) continue;
      events.push_back({Int(e, "posted_at_us"), ephemeral_text(e)});
    }
    std::stable_sort(
        events.begin(), events.end(),
        [](const Event& a, const Event& b) { return a.at_us < b.at_us; });

    out += "leadrouter:\n";
    out += RenderMessage(history.empty() ? m : history[0], names, "  ");
    for (const Event& e : events) out += e.text;
    out += "\n";
  }
  for (const json& e : ephemerals) {
    if (is_top(Str(e, "message_ts")) || is_top(Str(e, "thread_ts"))) continue;
    out += ephemeral_text(e);
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\n\n") != 0)
    out += "\n";
  return out;
}

std::string RenderWorkspace(const json& workspace,
                            const TranscriptNames& names) {
  const json channels = workspace.value("channels", json::array());
  std::string out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const json& channel : channels) {
      if (IsDm(Str(channel, "channel"), names) != (pass == 1)) continue;
      out += RenderChannel(channel, names);
    }
  }
  return out;
}

}  // namespace leadrouter::demo
