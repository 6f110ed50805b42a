#include "loopcheck/yaml_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "loopcheck/model.h"
#include "yaml_scalars.h"

namespace loopcheck {

Mark Positions::at(Path path) const {
  for (;;) {
    auto it = marks_.find(path);
    if (it != marks_.end()) return it->second;
    if (path.empty()) return Mark{};
    path.pop_back();
  }
}

namespace {

struct Event {
  enum Kind { kMapStart, kMapEnd, kSeqStart, kSeqEnd, kScalar, kNull, kAlias, kAnchor } kind;
  Mark mark;
  std::string tag;    // "?" plain, "!" quoted or block, else an explicit tag
  std::string value;  // scalar text
  size_t pos = 0;     // byte offset of the mark
};

Mark to_mark(const YAML::Mark& m) { return Mark{m.line + 1, m.column + 1}; }

class Recorder : public YAML::EventHandler {
 public:
  std::vector<Event> events;
  Mark doc_start;
  void OnDocumentStart(const YAML::Mark& m) override { doc_start = to_mark(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { add(Event::kNull, m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { add(Event::kAlias, m); }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    add(Event::kScalar, m, tag, value);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    add(Event::kSeqStart, m, tag);
  }
  void OnSequenceEnd() override { add(Event::kSeqEnd, YAML::Mark()); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    add(Event::kMapStart, m, tag);
  }
  void OnMapEnd() override { add(Event::kMapEnd, YAML::Mark()); }
  void OnAnchor(const YAML::Mark& m, const std::string&) override { add(Event::kAnchor, m); }

 private:
  void add(Event::Kind kind, const YAML::Mark& m, std::string tag = "?", std::string value = {}) {
    events.push_back(Event{kind, to_mark(m), std::move(tag), std::move(value),
                           static_cast<size_t>(m.pos < 0 ? 0 : m.pos)});
  }
};

bool explicit_tag(const std::string& tag) { return tag != "?" && tag != "!"; }

// yaml-cpp marks an empty value (`key:` with nothing after) at the next token; PyYAML marks
// it just after the `:` or `-` before it. Find that character, skipping blanks and comments.
Mark empty_value_mark(const std::string& text, const Event& ev) {
  size_t pos = std::min(ev.pos, text.size());
  auto word_at = [&](const char* w) { return text.compare(pos, std::char_traits<char>::length(w), w) == 0; };
  if (word_at("~") || word_at("null") || word_at("Null") || word_at("NULL")) return ev.mark;
  size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  if (pos > 0 && text[pos - 1] == '\n') line_start = pos;
  size_t end = pos;  // exclusive end of the part of the current line before the mark
  int line = ev.mark.line;
  for (;;) {
    std::string part = text.substr(line_start, end - line_start);
    for (size_t i = 0; i < part.size(); ++i)
      if (part[i] == '#' && (i == 0 || part[i - 1] == ' ' || part[i - 1] == '\t')) {
        part.resize(i);
        break;
      }
    auto last = part.find_last_not_of(" \t\r");
    if (last != std::string::npos) return Mark{line, static_cast<int>(last) + 2};
    if (line_start == 0) return ev.mark;
    end = line_start - 1;  // the '\n' ending the previous line
    size_t prev = line_start >= 2 ? text.rfind('\n', line_start - 2) : std::string::npos;
    line_start = prev == std::string::npos ? 0 : prev + 1;
    --line;
  }
}

class Builder {
 public:
  Builder(const std::vector<Event>& events, const std::string& text, Positions& pos)
      : ev_(events), text_(text), pos_(pos) {}

  Json build(const Path& path) {
    const Event& e = ev_.at(i_++);
    pos_.set(path, e.kind == Event::kNull ? empty_value_mark(text_, e) : e.mark);
    switch (e.kind) {
      case Event::kMapStart: return map(path);
      case Event::kSeqStart: {
        Json out = Json::array();
        for (size_t k = 0; ev_.at(i_).kind != Event::kSeqEnd; ++k)
          out.push_back(build(child(path, std::to_string(k))));
        ++i_;
        return out;
      }
      case Event::kNull: return nullptr;
      case Event::kScalar: return scalar(e, path);
      default: throw ScenarioError(path, "anchors and aliases are not allowed");
    }
  }

 private:
  static Path child(Path p, std::string key) {
    p.push_back(std::move(key));
    return p;
  }

  Json map(const Path& path) {
    Json out = Json::object();
    while (ev_.at(i_).kind != Event::kMapEnd) {
      const Event& k = ev_.at(i_);
      if (k.kind == Event::kScalar && k.tag == "?" && k.value == "<<")
        throw ScenarioError(path, "merge keys (<<) are not allowed");
      if (k.kind != Event::kScalar && k.kind != Event::kNull)
        throw ScenarioError(path, "mapping keys are plain strings");
      ++i_;
      std::string key = k.kind == Event::kNull ? "" : k.value;
      if (k.kind == Event::kNull) {  // `~` or `null` as a key: PyYAML keeps the text
        size_t p = std::min(k.pos, text_.size());
        for (const char* w : {"null", "Null", "NULL", "~"})
          if (text_.compare(p, std::char_traits<char>::length(w), w) == 0) {
            key = w;
            break;
          }
      }
      if (out.contains(key)) {
        pos_.set(child(path, key), k.mark);
        throw ScenarioError(child(path, key), "duplicate key " + py_str_repr(key));
      }
      out[key] = build(child(path, key));
    }
    ++i_;
    return out;
  }

  static Json scalar(const Event& e, const Path& path) {
    if (e.tag != "?") return e.value;  // quoted or block scalar: a string
    yaml_scalars::Resolved r;
    try {
      r = yaml_scalars::resolve(e.value);
    } catch (const yaml_scalars::BadScalar& bad) {
      throw ScenarioError(path, py_str_repr(e.value) + " " + bad.what() + ": quote it");
    }
    if (r.kind == "bool" && !yaml_scalars::is_json_bool(e.value))
      throw ScenarioError(path, py_str_repr(e.value) +
                                    " is a boolean in YAML 1.1 only: write true or false, or quote it");
    if (r.kind == "timestamp" || r.kind == "value")
      throw ScenarioError(path, "YAML type " + r.kind + " is not allowed: quote the value");
    return r.value;
  }

  const std::vector<Event>& ev_;
  const std::string& text_;
  Positions& pos_;
  size_t i_ = 0;
};

std::string where(const std::string& filename, Mark m) {
  return filename + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos. yaml-cpp passes such bytes
// through, and a scenario holding them could not be sent to an adapter as JSON.
size_t invalid_utf8_at(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return i;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string::npos;
}

// The offset of the first character outside YAML 1.2's printable set (c-printable: tab, LF,
// CR, U+0020..U+007E, U+0085, U+00A0 and above except U+FFFE and U+FFFF), or npos; the code
// point goes to `cp`. `s` is well-formed UTF-8. yaml-cpp does not reject them, and a NUL in a
// scalar came out as a different, invalid byte sequence (found by the scenario_yaml fuzzer).
size_t unprintable_at(const std::string& s, unsigned& cp) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return cp = c, i;
    } else if (c == 0xC2 && i + 1 < s.size()) {
      const auto b = static_cast<unsigned char>(s[i + 1]);
      if (b < 0xA0 && b != 0x85) return cp = b, i;  // C1 controls U+0080..U+009F
    } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF) {
      const auto b = static_cast<unsigned char>(s[i + 2]);
      if (b == 0xBE || b == 0xBF) return cp = 0xFFC0u | (b & 0x3Fu), i;  // U+FFFE, U+FFFF
    }
  }
  return std::string::npos;
}

Mark mark_of_offset(const std::string& text, size_t offset) {
  Mark m;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') m.line += 1, m.column = 1;
    else m.column += 1;
  }
  return m;
}

}  // namespace

LoadedYaml load_yaml_text(const std::string& text, const std::string& filename) {
  if (size_t bad = invalid_utf8_at(text); bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw LoadError(where(filename, mark_of_offset(text, bad)) + ": the file is not UTF-8 text (byte " + byte +
                    " at offset " + std::to_string(bad) + ")");
  }
  unsigned cp = 0;
  if (size_t bad = unprintable_at(text, cp); bad != std::string::npos) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", cp);
    throw LoadError(where(filename, mark_of_offset(text, bad)) + ": the file holds " + code +
                    ", a control character YAML does not allow (write it as an escape in a "
                    "double-quoted string)");
  }
  Recorder rec;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(rec)) throw LoadError(filename + ":1:1: the file is empty");
    Recorder second;
    if (parser.HandleNextDocument(second))
      throw LoadError(where(filename, second.doc_start) +
                      ": YAML syntax error: expected a single document in the stream");
  } catch (const YAML::Exception& e) {
    throw LoadError(where(filename, to_mark(e.mark)) + ": YAML syntax error: " + e.msg);
  }
  if (rec.events.empty()) throw LoadError(filename + ":1:1: the file is empty");
  for (const auto& e : rec.events) {
    const char* what = e.kind == Event::kAnchor || e.kind == Event::kAlias ? "anchors and aliases are"
                       : explicit_tag(e.tag) ? "tags are" : nullptr;
    if (what) throw LoadError(where(filename, e.mark) + ": " + what + " not allowed in scenarios");
  }
  LoadedYaml out;
  try {
    out.data = Builder(rec.events, text, out.positions).build({});
  } catch (const ScenarioError& e) {
    throw LoadError(where(filename, out.positions.at(e.path())) + ": " + e.message());
  }
  return out;
}

LoadedYaml load_yaml_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw LoadError(path + ": cannot read the file");
  std::ostringstream ss;
  ss << f.rdbuf();
  return load_yaml_text(ss.str(), path);
}

}  // namespace loopcheck
