// Fingerprints and the comparison of two runs of one scenario and seed.
#include "loopcheck/determinism.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace loopcheck {

std::uint64_t fnv1a64(std::string_view text, std::uint64_t state) {
  for (char c : text) {
    state ^= static_cast<std::uint8_t>(c);
    state *= 0x100000001b3ULL;
  }
  return state;
}

std::string to_hex(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, value);
  return buf;
}

std::string combined_fingerprint(const std::vector<ScenarioResult>& results) {
  std::uint64_t state = fnv1a64("");
  bool any = false;
  for (const auto& r : results) {
    if (r.fingerprint.empty()) continue;
    any = true;
    state = fnv1a64(r.id + " " + std::to_string(r.seed) + " " + r.fingerprint + "\n", state);
  }
  return any ? to_hex(state) : std::string();
}

namespace {

std::string str(const Json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>()
                                                            : std::string();
}

// The lines of a scenario trace, one event each, as the report prints them.
std::vector<std::string> event_lines(const Json& trace) {
  std::vector<std::string> out;
  if (trace.is_array())
    for (const auto& e : trace) out.push_back(e.dump());
  return out;
}

// Index of the first line that differs (the shorter one's size when one is a prefix of the
// other), or npos when they are equal.
std::size_t first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return i;
  return a.size() == b.size() ? std::string::npos : n;
}

void append_window(std::string& out, const char* run, const std::vector<std::string>& lines,
                   std::size_t at, std::size_t context) {
  out += std::string("    ") + run + ":\n";
  const std::size_t from = at > context ? at - context : 0;
  const std::size_t to = std::min(lines.size(), at + context + 1);
  if (from > 0) out += "          ...\n";
  for (std::size_t i = from; i < to; ++i)
    out += std::string(i == at ? "      > #" : "        #") + std::to_string(i) + " " + lines[i] +
           "\n";
  if (at >= lines.size()) out += "      > #" + std::to_string(at) + " (the run ends here)\n";
  if (to < lines.size()) out += "          ... (" + std::to_string(lines.size() - to) + " more)\n";
}

void append_comparison(std::string& out, const char* what, const std::vector<std::string>& a,
                       const std::vector<std::string>& b, std::size_t context) {
  const std::size_t at = first_difference(a, b);
  if (at == std::string::npos) {
    out += std::string("  ") + what + ": the same " + std::to_string(a.size()) +
           " lines in both runs\n";
    return;
  }
  out += std::string("  ") + what + ": first difference at #" + std::to_string(at) +
         " (run 1: " + std::to_string(a.size()) + ", run 2: " + std::to_string(b.size()) + ")\n";
  append_window(out, "run 1", a, at, context);
  append_window(out, "run 2", b, at, context);
}

}  // namespace

RunImage image_of(const Outcome& o) {
  RunImage image;
  switch (o.kind) {
    case Outcome::kAnswer:
      image.what = "answer";
      break;
    case Outcome::kCrash:
      image.what = "crash";
      break;
    case Outcome::kTimeout:
      image.what = "timeout";
      break;
    case Outcome::kBadAnswer:
      image.what = "bad answer";
      break;
  }
  const Json& a = o.result;
  if (o.kind != Outcome::kAnswer) image.message = o.detail;
  if (!a.is_object()) return image;
  image.status = str(a, "op") == "error" ? "error" : str(a, "status");
  image.fingerprint = str(a, "fingerprint");
  if (a.contains("trace") && a["trace"].is_array()) image.trace = a["trace"];
  if (a.contains("final")) image.final = a["final"];
  if (o.kind == Outcome::kAnswer)
    image.message = a.contains("error") ? str(a["error"], "message") : str(a, "message");
  if (a.contains("trace_world") && a["trace_world"].is_array())
    for (const auto& line : a["trace_world"])
      if (line.is_string()) image.world.push_back(line.get<std::string>());
  return image;
}

std::optional<Divergence> compare_runs(const std::string& id, std::uint64_t seed, int repeat,
                                       RunImage first, RunImage second) {
  if (first.what == second.what && first.status == second.status &&
      first.fingerprint == second.fingerprint && first.trace == second.trace &&
      first.final == second.final && first.message == second.message && first.world == second.world)
    return std::nullopt;
  return Divergence{id, seed, repeat, std::move(first), std::move(second)};
}

std::string format_divergence(const Divergence& d, std::size_t context) {
  const RunImage& a = d.first;
  const RunImage& b = d.second;
  std::vector<std::string> differs;
  if (a.what != b.what) differs.push_back("outcome (" + a.what + " / " + b.what + ")");
  if (a.status != b.status) differs.push_back("status (" + a.status + " / " + b.status + ")");
  if (a.fingerprint != b.fingerprint)
    differs.push_back("fingerprint (" + a.fingerprint + " / " + b.fingerprint + ")");
  if (a.trace != b.trace) differs.push_back("scenario trace");
  if (a.final != b.final)
    differs.push_back("final state (" + a.final.dump() + " / " + b.final.dump() + ")");
  if (a.message != b.message) differs.push_back("message");
  if (a.world != b.world) differs.push_back("simulator trace");
  std::string list;
  for (const auto& x : differs) list += (list.empty() ? "" : ", ") + x;
  std::string out = "DIVERGED " + d.id + (d.repeat ? " #" + std::to_string(d.repeat) : "") +
                    " (seed " + std::to_string(d.seed) +
                    "): two runs with the same seed differ in " + list + "\n";
  if (a.message != b.message)
    out += "  run 1 message: " + a.message + "\n  run 2 message: " + b.message + "\n";
  append_comparison(out, "scenario trace", event_lines(a.trace), event_lines(b.trace), context);
  if (a.world.empty() && b.world.empty())
    out += "  simulator trace: not given (the adapter sent no trace_world)\n";
  else
    append_comparison(out, "simulator trace", a.world, b.world, context);
  return out;
}

}  // namespace loopcheck
