#include "loopcheck/check.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>

namespace loopcheck {

bool Tolerance::time_ok(double expected, const Json& actual) const {
  if (!actual.is_number()) return false;
  const double t = actual.get<double>();
  if (mode == kVirtual) return std::fabs(t - expected) <= kVirtualEps;
  return expected - early <= t && t <= expected + late;
}

namespace {

// Glob match over bytes, with backtracking on the last `*` (linear in practice).
struct Token {
  enum { kChar, kAny, kStar } kind;
  char c;
};

size_t utf8_len(unsigned char c) {
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

}  // namespace

bool glob_match(const std::string& pattern, const Json& text_json) {
  if (!text_json.is_string()) return false;
  const std::string& text = text_json.get_ref<const std::string&>();
  std::vector<Token> toks;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) toks.push_back({Token::kChar, pattern[++i]});
    else if (c == '*') toks.push_back({Token::kStar, 0});
    else if (c == '?') toks.push_back({Token::kAny, 0});
    else toks.push_back({Token::kChar, c});
  }
  size_t p = 0, t = 0, star_p = std::string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < toks.size() && toks[p].kind == Token::kStar) {
      star_p = p++;
      star_t = t;
    } else if (p < toks.size() && toks[p].kind == Token::kAny) {
      // `?` is one character: one code point of UTF-8 text, as in Python.
      t += utf8_len(static_cast<unsigned char>(text[t]));
      ++p;
    } else if (p < toks.size() && toks[p].kind == Token::kChar && toks[p].c == text[t]) {
      ++p;
      ++t;
    } else if (star_p != std::string::npos) {
      p = star_p + 1;
      star_t += utf8_len(static_cast<unsigned char>(text[star_t]));
      t = star_t;
    } else {
      return false;
    }
  }
  if (t > text.size()) return false;
  while (p < toks.size() && toks[p].kind == Token::kStar) ++p;
  return p == toks.size();
}

bool value_equal(const Json& expected, const Json& actual, const Tolerance* tol) {
  if (expected.is_array()) {  // 1.1: gather's results, item by item
    if (!actual.is_array() || actual.size() != expected.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i)
      if (!value_equal(expected[i], actual[i], nullptr)) return false;
    return true;
  }
  if (expected.is_object()) {
    if (!actual.is_object() || !actual.contains("type") || actual["type"] != expected["type"]) return false;
    if (!expected.contains("message")) return true;
    return glob_match(expected["message"].get<std::string>(), actual.contains("message") ? actual["message"] : Json());
  }
  if (expected.is_boolean() || actual.is_boolean())
    return expected.is_boolean() && actual.is_boolean() && expected.get<bool>() == actual.get<bool>();
  if (expected.is_number()) {
    if (!actual.is_number()) return false;
    if (tol) return tol->time_ok(expected.get<double>(), actual);
    if (expected.is_number_float() || actual.is_number_float())
      return expected.get<double>() == actual.get<double>();
    return expected == actual;
  }
  return expected.type() == actual.type() && expected == actual;  // strings, null
}

bool atom_matches(const Item& item, const Json& event, const Tolerance& tol) {
  if (!event.is_object() || !event.contains("kind") || event["kind"] != item.kind) return false;
  for (const auto& [key, want] : item.fields.items()) {
    const Json got = event.contains(key) ? event[key] : Json();
    bool ok;
    if (key == "message") {
      ok = glob_match(want.get<std::string>(), got);
    } else if (key == "keys") {
      ok = got.is_array();
      if (ok) {
        std::set<std::string> a, b;
        for (const auto& x : got) {
          if (!x.is_string()) return false;
          a.insert(x.get<std::string>());
        }
        for (const auto& x : want) b.insert(x.get<std::string>());
        ok = a == b;
      }
    } else if (key == "exception") {
      ok = want.is_null() ? got.is_null() : value_equal(want, got, nullptr);
    } else if (key == "value") {
      const bool timed = event.contains("time") && event["time"].is_boolean() && event["time"].get<bool>();
      ok = value_equal(want, got, timed ? &tol : nullptr);
    } else {
      ok = want == got;
    }
    if (!ok) return false;
  }
  return !item.at || tol.time_ok(*item.at, event.contains("t") ? event["t"] : Json());
}

namespace {

// Every item matches a fixed number of events (an event item one, a group the sum of its
// children), so "where can `item` starting at i end?" has at most one answer, i + length:
// the matcher asks only whether it matches there. The same (item, position) pairs are tried
// as by check.py's set-of-ends search, so the same failures are recorded and the messages
// are the same; `unordered` is a dynamic programme over the subsets of its children.
// Nested unordered groups can still make the number of subsets tried grow as a product of
// 2^size terms: past kMatchBudget steps the check stops with a problem saying so, instead of
// running for minutes (check.py has no such bound).
inline constexpr std::uint64_t kMatchBudget = 1u << 21;

struct TooComplex {};

class Matcher {
 public:
  Matcher(const Json& events, const Tolerance& tol) : events_(events), tol_(tol) {}

  // Does `item` match the events [i, i + length(item))?
  bool matches(const Item& item, size_t i) {
    if (++steps_ > kMatchBudget) throw TooComplex{};
    const auto key = std::make_pair(&item, i);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    const bool m = compute(item, i);
    memo_.emplace(key, m);
    return m;
  }

  size_t length(const Item& item) {
    if (!item.is_group) return 1;
    if (auto it = lengths_.find(&item); it != lengths_.end()) return it->second;
    size_t n = 0;
    for (const auto& c : item.children) n += length(*c);
    lengths_.emplace(&item, n);
    return n;
  }

  // position -> items that could not match there, in the order they were tried
  std::map<size_t, std::vector<const Item*>> failures;

 private:
  bool compute(const Item& item, size_t i) {
    if (!item.is_group) {
      if (i < events_.size() && atom_matches(item, events_[i], tol_)) return true;
      failures[i].push_back(&item);
      return false;
    }
    if (item.kind == "sequence") {
      for (const auto& c : item.children) {
        if (!matches(*c, i)) return false;
        i += length(*c);
      }
      return true;
    }
    return unordered(item.children, i);
  }

  // reach[mask]: the children in `mask` can be laid out, in some order, on the events from
  // `start`. Every reachable subset tries every child not in it, as check.py's search does.
  bool unordered(const std::vector<std::unique_ptr<Item>>& children, size_t start) {
    const size_t k = children.size();
    const unsigned full = (1u << k) - 1;
    std::vector<size_t> len(k);
    size_t total = 0;
    for (size_t c = 0; c < k; ++c) total += len[c] = length(*children[c]);
    // local[c][offset]: does child c match at start + offset (-1: not asked yet)? The same
    // answers as matches(), kept here because the subsets ask them again and again.
    std::vector<std::vector<signed char>> local(k);
    for (size_t c = 0; c < k; ++c) local[c].assign(total - len[c] + 1, -1);
    std::vector<char> reach(size_t{1} << k, 0);
    reach[0] = 1;
    for (unsigned mask = 0; mask < full; ++mask) {
      if (!reach[mask]) continue;
      size_t offset = 0;
      for (size_t c = 0; c < k; ++c)
        if (mask & (1u << c)) offset += len[c];
      for (size_t c = 0; c < k; ++c) {
        if (mask & (1u << c)) continue;
        if (++steps_ > kMatchBudget) throw TooComplex{};
        signed char& m = local[c][offset];
        if (m < 0) m = matches(*children[c], start + offset) ? 1 : 0;
        if (m) reach[mask | (1u << c)] = 1;
      }
    }
    return reach[full] != 0;
  }

  const Json& events_;
  const Tolerance& tol_;
  std::uint64_t steps_ = 0;
  struct KeyHash {
    size_t operator()(const std::pair<const Item*, size_t>& k) const {
      return std::hash<const void*>()(k.first) ^ (std::hash<size_t>()(k.second) * 0x9E3779B97F4A7C15ull);
    }
  };
  std::unordered_map<std::pair<const Item*, size_t>, bool, KeyHash> memo_;
  std::unordered_map<const Item*, size_t> lengths_;
};

// Document order: list indexes compare as numbers.
bool path_less(const Path& a, const Path& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    const bool na = !a[i].empty() && std::all_of(a[i].begin(), a[i].end(), ::isdigit);
    const bool nb = !b[i].empty() && std::all_of(b[i].begin(), b[i].end(), ::isdigit);
    if (na && nb) return std::stoull(a[i]) < std::stoull(b[i]);
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

// `end`: where the whole expectation ended when it matched the start of the trace, or
// npos.
std::vector<std::string> explain(const Matcher& m, size_t end, const Json& events) {
  const size_t n = events.size();
  const bool any_fail = !m.failures.empty();
  const size_t max_fail = any_fail ? m.failures.rbegin()->first : 0;
  if (end != std::string::npos && (!any_fail || end >= max_fail)) {
    size_t k = end;
    return {"unexpected event #" + std::to_string(k) + ": " + event_text(events[k]) +
            " (the expected trace ended)"};
  }
  // The items tried at the furthest position, each once, in document order.
  std::vector<const Item*> tried = m.failures.at(max_fail);
  std::sort(tried.begin(), tried.end(), [](const Item* a, const Item* b) { return path_less(a->path, b->path); });
  tried.erase(std::unique(tried.begin(), tried.end()), tried.end());
  std::string want;
  for (const Item* it : tried) want += (want.empty() ? "" : "; ") + it->describe() + " [" + it->where() + "]";
  if (max_fail >= n)
    return {"the trace ended after " + std::to_string(n) + " events; still expected: " + want};
  return {"event #" + std::to_string(max_fail) + " " + event_text(events[max_fail]) +
          " does not match; expected: " + want};
}

}  // namespace

std::string event_text(const Json& event) { return py_dumps(event, true); }

std::string format_trace(const Json& events) {
  std::string out;
  for (size_t i = 0; i < events.size(); ++i) {
    std::string num = "#" + std::to_string(i);
    num.resize(std::max<size_t>(num.size(), 4), ' ');
    out += (i ? "\n" : "") + std::string("  ") + num + " " + event_text(events[i]);
  }
  return out;
}

CheckResult check_trace(const Expectation& expect, const Json& events_in, const Json& final,
                        const Tolerance& tol) {
  const Json events = events_in.is_array() ? events_in : Json::array();
  Matcher m(events, tol);
  CheckResult r;
  try {
    const size_t end = m.matches(*expect.trace, 0) ? m.length(*expect.trace) : std::string::npos;
    if (end != events.size()) r.problems = explain(m, end, events);
  } catch (const TooComplex&) {
    r.problems.push_back("the expectation is too complex to check against this trace: its unordered groups "
                         "need more than " + std::to_string(kMatchBudget) + " matching steps");
  }
  for (const auto& [key, want] : expect.final.items()) {
    Json got = final.is_object() && final.contains(key) ? final[key] : Json();
    if (!(got.is_boolean() && got == want))
      r.problems.push_back("final state: " + key + " is " + py_dumps(got) + ", expected " + py_dumps(want));
  }
  r.ok = r.problems.empty();
  return r;
}

}  // namespace loopcheck
