#pragma once
// Shared by the C++ benchmark programs (bench_aio, bench_asio, bench_floor): command line,
// timing and the one JSON line each invocation prints. See reports/bench/README.md.
//
//   <prog> <workload> [--n N] [--seed S]
//
// Each invocation runs one workload twice at n on the same loop: a first (cold) run, reported
// as cold_seconds, then the measured (warm) run, reported as seconds: the steady state of a
// long-lived process, as Google Benchmark measures it.
// Exit status: 0 measured and verified (or "n/a"), 1 verification failed, 2 usage error.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace peer {

// What one run of a workload reports. items: units of work done (callbacks, timers,
// re-arms, hand-offs); the rate is items / seconds.
struct Result {
  std::int64_t items = 0;
  double seconds = 0.0;
  std::vector<std::pair<std::string, double>> extra;  // more numeric fields for the JSON line
};

using Workload = std::function<Result(std::int64_t n, std::uint64_t seed)>;

struct Entry {
  Workload run;           // empty: not available for this implementation ("n/a")
  const char* note = "";  // how this implementation does it, where not the literal form
};

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

inline std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

inline const char* g_workload = "";
inline const char* g_impl = "";

// A verification failure: one JSON line with status "failed", a message on stderr, exit 1.
[[noreturn]] inline void fail(const std::string& what) {
  std::printf("{\"workload\": \"%s\", \"implementation\": \"%s\", \"status\": \"failed\", "
              "\"error\": \"%s\"}\n",
              g_workload, g_impl, json_escape(what).c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "%s %s: FAILED: %s\n", g_impl, g_workload, what.c_str());
  std::exit(1);
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

inline std::string count_mismatch(const char* what, std::int64_t got, std::int64_t want) {
  return std::string(what) + ": got " + std::to_string(got) + ", expected " + std::to_string(want);
}

[[noreturn]] inline void usage(const char* prog, const std::map<std::string, Entry>& table) {
  std::fprintf(stderr, "usage: %s <workload> [--n N] [--seed S]\nworkloads:", prog);
  for (const auto& [name, entry] : table) std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr, "\n");
  std::exit(2);
}

inline int main(int argc, char** argv, const char* impl,
                const std::map<std::string, Entry>& table) {
  if (argc < 2) usage(argv[0], table);
  auto it = table.find(argv[1]);
  if (it == table.end()) usage(argv[0], table);
  std::int64_t n = -1;
  std::uint64_t seed = 1;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
      n = std::strtoll(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      usage(argv[0], table);
    }
  }
  g_workload = it->first.c_str();
  g_impl = impl;
  const Entry& entry = it->second;
  if (!entry.run) {
    std::printf("{\"workload\": \"%s\", \"implementation\": \"%s\", \"status\": \"n/a\", "
                "\"note\": \"%s\"}\n",
                g_workload, impl, json_escape(entry.note).c_str());
    return 0;
  }
  if (n <= 0) {
    std::fprintf(stderr, "%s: --n N is required (N > 0)\n", argv[0]);
    return 2;
  }
  Result cold = entry.run(n, seed);
  Result r = entry.run(n, seed);
  std::printf("{\"workload\": \"%s\", \"implementation\": \"%s\", \"status\": \"ok\", "
              "\"n\": %lld, \"items\": %lld, \"seconds\": %.9g, \"items_per_second\": %.6g, "
              "\"cold_seconds\": %.9g",
              g_workload, impl, static_cast<long long>(n), static_cast<long long>(r.items),
              r.seconds, static_cast<double>(r.items) / r.seconds, cold.seconds);
  for (const auto& [key, value] : r.extra) std::printf(", \"%s\": %.9g", key.c_str(), value);
  std::printf(", \"note\": \"%s\"}\n", json_escape(entry.note).c_str());
  return 0;
}

// splitmix64: a small, fast, seeded generator, the same in every C/C++ program here.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

}  // namespace peer
