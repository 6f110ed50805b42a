#include "loopcheck/generate/compare.h"

#include <cmath>

namespace loopcheck::gen {
namespace {

const char* kReprPrefixes[] = {"Exception in callback ", "Exception in default exception handler",
                               "Exception in done callback ", "Task exception was never retrieved",
                               "Future exception was never retrieved", "Task was destroyed but it is pending!"};

std::string str_of(const Json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}

bool same_value(const Json& a, const Json& b, double eps, bool time) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return time ? std::fabs(x - y) <= eps : x == y;
  }
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it)
      if (!b.contains(it.key()) || !same_value(it.value(), b[it.key()], eps, false)) return false;
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i], eps, false)) return false;
    return true;
  }
  return a == b;
}

// Empty if the events agree, else which field differs.
std::string event_difference(const Json& a, const Json& b, double eps) {
  if (str_of(a, "kind") != str_of(b, "kind")) return "kind";
  const bool time = a.value("time", false) || b.value("time", false);
  for (const Json* e : {&a, &b})
    for (auto it = e->begin(); it != e->end(); ++it) {
      const std::string& k = it.key();
      const Json& other = e == &a ? b : a;
      if (!other.contains(k)) return k;
      const Json& x = a[k];
      const Json& y = b[k];
      if (k == "message" && x.is_string() && y.is_string()) {
        if (normalize_message(x.get<std::string>()) != normalize_message(y.get<std::string>())) return k;
      } else if (k == "t") {
        if (!x.is_number() || !y.is_number() || std::fabs(x.get<double>() - y.get<double>()) > eps) return k;
      } else if (!same_value(x, y, eps, k == "value" && time)) {
        return k;
      }
    }
  return "";
}

// An event in a few words: kind and the fields that say what happened, not which object.
std::string event_gist(const Json& e) {
  std::string g = str_of(e, "kind");
  for (const char* k : {"level", "step", "type"})
    if (!str_of(e, k).empty()) g += " " + str_of(e, k);
  if (e.contains("exception") && e["exception"].is_object()) g += " " + str_of(e["exception"], "type");
  if (!str_of(e, "message").empty()) g += " '" + normalize_message(str_of(e, "message")).substr(0, 40) + "'";
  return g;
}

}  // namespace

std::string normalize_message(const std::string& message) {
  for (const char* p : kReprPrefixes) {
    const std::string prefix = p;
    if (message.rfind(prefix, 0) == 0) return prefix + "*";
  }
  return message;
}

Comparison compare_runs(const Json& a, const Json& b, const CompareTolerance& tolerance) {
  Comparison c;
  auto differ = [&](std::string why, std::string signature = "") {
    c.agree = false;
    c.signature = signature.empty() ? why : signature;
    c.difference = std::move(why);
    return c;
  };
  const std::string sa = str_of(a, "status"), sb = str_of(b, "status");
  if (sa != sb) {
    std::string why = "status: " + (sa.empty() ? "?" : sa) + " vs " + (sb.empty() ? "?" : sb);
    for (const Json* r : {&a, &b})
      if (r->contains("error")) why += "; " + str_of(*r, "status") + ": " + str_of((*r)["error"], "message");
    return differ(why);
  }
  if (sa != "done") {
    const std::string ta = a.contains("error") ? str_of(a["error"], "type") : "";
    const std::string tb = b.contains("error") ? str_of(b["error"], "type") : "";
    if (ta != tb) return differ("status " + sa + ": error type " + ta + " vs " + tb);
    return c;
  }
  auto events_of = [&](const Json& r) {
    Json out = Json::array();
    if (!r.contains("trace") || !r["trace"].is_array()) return out;
    for (const Json& e : r["trace"])
      if (tolerance.logs || str_of(e, "kind") != "log") out.push_back(e);
    return out;
  };
  const Json ea = events_of(a), eb = events_of(b);
  const double eps = tolerance.eps();
  for (std::size_t i = 0; i < std::max(ea.size(), eb.size()); ++i) {
    if (i >= ea.size())
      return differ("event #" + std::to_string(i) + ": the first trace ended; the second has " + eb[i].dump(),
                    "first ended; second has " + event_gist(eb[i]));
    if (i >= eb.size())
      return differ("event #" + std::to_string(i) + ": the second trace ended; the first has " + ea[i].dump(),
                    "second ended; first has " + event_gist(ea[i]));
    if (std::string f = event_difference(ea[i], eb[i], eps); !f.empty())
      return differ("event #" + std::to_string(i) + " differs in " + f + ": " + ea[i].dump() + " vs " + eb[i].dump(),
                    "event " + f + ": " + event_gist(ea[i]) + " vs " + event_gist(eb[i]));
  }
  const Json fa = a.contains("final") ? a["final"] : Json(), fb = b.contains("final") ? b["final"] : Json();
  if (!same_value(fa, fb, eps, false)) return differ("final state: " + fa.dump() + " vs " + fb.dump(), "final state");
  return c;
}

}  // namespace loopcheck::gen
