// loopcheck run
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "loopcheck/report.h"
#include "loopcheck/runner.h"

namespace loopcheck::cli {
namespace {

const char* kHelp = R"(usage: loopcheck run [options] [PATH...]

Runs the scenarios (default: every file under scenarios/) on one adapter, checks each
trace, applies the implementation's expectations file, prints what is not PASS and a
summary. Exit status 1 when any result is unexpected (FAIL, ERROR, CRASH, TIMEOUT, XPASS).

  --adapter NAME       native, sim, model, model-fifo, asyncio or uvloop (loopcheck adapters); default sim
                       when built in, else asyncio
  --adapter-cmd CMD    a program speaking the adapter protocol (conformance/PROTOCOL.md),
                       run with /bin/sh -c
  --filter GLOB        only scenarios whose id (or file) matches; repeatable (any matches)
  --level L            documented, reference or all (default all; with --chaos, documented)
  --shard K/N          the K-th of N interleaved parts of the selection (1 <= K <= N)
  -j, --jobs N         N adapter processes in parallel (default 1)
  --seed S             seed for the simulator (default 1); repeat k uses S + k
  --repeat N           run each scenario N times
  --fingerprint        print each run's fingerprint (adapters that report them: sim) and
                       the combined one of the whole run
  --check-determinism  run every scenario twice with the same seed, on two adapter
                       processes; stop at the first pair of runs that differ and show both
                       traces (the scenario's and the simulator's); exit 1 on a divergence
  --chaos              permute the orders the docs leave undefined (equal-time timers, fd
                       readiness order), per seed (sim); selects --level documented unless
                       --level is given, as reference scenarios may pin those orders
  --report DIR         write DIR/runs/<adapter>.jsonl (the canonical record, plus the
                       adapters' stderr), then rebuild DIR/junit.xml, summary.md, index.html
                       from every DIR/runs/*.jsonl
  --expectations FILE  known differences (default conformance/expectations/<impl>.yaml)
  --late S, --early S  real-time tolerance for times (default 0.1 and 0.01 seconds)
  --timeout-scale F    multiply every deadline (slow machines, sanitizer builds)
  --in-process         call an in-process adapter directly instead of in a child
                       `loopcheck serve` (no CRASH/TIMEOUT isolation)
  -v, --verbose        print every result and the traces of failures
  -q, --quiet          print only the summary line
  --no-progress        no progress line (default: shown when stderr is a terminal)
  --root DIR           the repository (default: found from the current directory)
)";

// One line per run that has a fingerprint, then the run's combined one.
void print_fingerprints(const RunRecord& record) {
  std::size_t n = 0;
  for (const auto& r : record.results) {
    if (r.fingerprint.empty()) continue;
    ++n;
    std::printf("fingerprint %s %s seed=%llu\n", r.fingerprint.c_str(), r.id.c_str(),
                static_cast<unsigned long long>(r.seed));
  }
  if (n == 0) {
    std::printf("fingerprint none: the adapter reports no fingerprints\n");
    return;
  }
  std::printf("fingerprint %s combined runs=%zu\n", combined_fingerprint(record.results).c_str(), n);
}

// Results whose scenario reached the adapter (not skipped by the harness, not a broken file).
std::size_t runs_sent(const RunRecord& record) {
  std::size_t n = 0;
  for (const auto& r : record.results)
    n += r.adapter_status != "harness_skip" && r.adapter_status != "invalid_file" && r.adapter_status != "not_started";
  return n;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (a.flag("--help", "-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  RunConfig c;
  c.root = find_root(a.value("--root").value_or(""));
  for (int i = 0; i < argc; ++i) c.argv.emplace_back(argv[i]);
  auto name = a.value("--adapter");
  auto cmd = a.value("--adapter-cmd");
  if (name && cmd) throw UsageError("give --adapter or --adapter-cmd, not both");
  if (cmd) {
    c.adapter = command_adapter(*cmd);
  } else {
    std::string n = name.value_or(inprocess_unavailable_reason().empty() ? "sim" : "asyncio");
    try {
      c.adapter = find_adapter(n, c.root);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  c.filters = a.values("--filter");
  c.chaos = a.flag("--chaos");
  c.check_determinism = a.flag("--check-determinism");
  const bool fingerprint = a.flag("--fingerprint");
  if (auto l = a.value("--level")) {
    if (*l != "documented" && *l != "reference" && *l != "all")
      throw UsageError("--level is documented, reference or all");
    c.level = *l == "all" ? "" : *l;
  } else if (c.chaos) {
    c.level = "documented";
  }
  if (auto s = a.value("--shard")) {
    auto slash = s->find('/');
    if (slash == std::string::npos) throw UsageError("--shard is K/N, like 2/4");
    c.shard_index = static_cast<int>(parse_int("--shard", s->substr(0, slash), 1));
    c.shard_count = static_cast<int>(parse_int("--shard", s->substr(slash + 1), 1));
    if (c.shard_index > c.shard_count) throw UsageError("--shard K/N needs K <= N");
  }
  auto jobs = a.value("--jobs");
  if (!jobs) jobs = a.value("-j");
  if (jobs) c.jobs = static_cast<int>(parse_int("--jobs", *jobs, 1));
  if (auto s = a.value("--seed")) c.seed = static_cast<std::uint64_t>(parse_int("--seed", *s, 0));
  if (auto r = a.value("--repeat")) c.repeat = static_cast<int>(parse_int("--repeat", *r, 1));
  if (auto e = a.value("--expectations")) c.expectations = *e;
  if (auto v = a.value("--late")) c.late = parse_double("--late", *v, 0);
  if (auto v = a.value("--early")) c.early = parse_double("--early", *v, 0);
  if (auto v = a.value("--timeout-scale")) c.timeout_scale = parse_double("--timeout-scale", *v, 0.01);
  c.session.isolate = !a.flag("--in-process");
  const bool verbose = a.flag("--verbose", "-v");
  const bool quiet = a.flag("--quiet", "-q");
  c.progress = !a.flag("--no-progress") && !verbose && ::isatty(2);
  auto report_dir = a.value("--report");
  c.paths = a.positional();
  if (c.paths.empty()) c.paths = {c.root + "/scenarios"};
  if (report_dir) {
    std::error_code ec;
    std::filesystem::create_directories(*report_dir + "/runs", ec);
    if (ec) throw std::runtime_error("cannot create " + *report_dir + "/runs: " + ec.message());
    c.stderr_dir = *report_dir + "/runs";
  }

  Corpus corpus = load_corpus(c.paths, c.root);
  RunOutput out = run_corpus(corpus, c);

  for (const auto& r : out.record.results) {
    const bool show = verbose || (!quiet && r.status != "PASS" && r.status != "SKIP" && r.status != "XFAIL");
    if (!show) continue;
    std::printf("%-8s %s%s\n", r.status.c_str(), r.id.c_str(), r.repeat ? (" #" + std::to_string(r.repeat)).c_str() : "");
    if (!r.reason.empty()) std::printf("         known: %s\n", r.reason.c_str());
    for (const auto& p : r.problems) std::printf("         %s\n", p.c_str());
    if (verbose && r.status != "PASS" && r.trace.is_array() && !r.trace.empty())
      for (size_t i = 0; i < r.trace.size(); ++i) std::printf("           #%zu %s\n", i, r.trace[i].dump().c_str());
  }
  for (const auto& e : out.errors) std::fprintf(stderr, "loopcheck: %s\n", e.c_str());
  if (fingerprint) print_fingerprints(out.record);
  if (out.divergence) std::printf("%s", format_divergence(*out.divergence).c_str());
  else if (c.check_determinism && out.errors.empty())
    std::printf("deterministic: %zu scenario runs gave the same answer twice\n", runs_sent(out.record));

  const Json& impl = out.record.meta["implementation"];
  std::string who = impl.is_object() ? impl.value("name", "?") + " " + impl.value("version", "") : "(not started)";
  std::string counts;
  for (const auto& s : all_statuses())
    if (int k = out.record.summary["counts"].value(s, 0)) counts += (counts.empty() ? "" : ", ") + s + " " + std::to_string(k);
  std::printf("%zu scenario runs on %s (%s): %s in %.2f s\n", out.record.results.size(), c.adapter.name.c_str(),
              who.c_str(), counts.empty() ? "nothing run" : counts.c_str(), out.record.summary["wall_seconds"].get<double>());

  if (report_dir) {
    std::string file_name = c.adapter.name;
    if (c.adapter.name == "cmd" && impl.is_object()) file_name = "cmd-" + impl.value("name", "x");
    if (c.shard_count > 1) file_name += ".shard" + std::to_string(c.shard_index) + "of" + std::to_string(c.shard_count);
    const std::string path = *report_dir + "/runs/" + file_name + ".jsonl";
    out.record.path = path;
    if (auto err = write_jsonl(out.record, path); !err.empty()) {
      std::fprintf(stderr, "loopcheck: %s\n", err.c_str());
      return 1;
    }
    for (const auto& p : write_reports(*report_dir)) std::fprintf(stderr, "loopcheck: %s\n", p.c_str());
    std::printf("wrote %s and %s/{junit.xml,summary.md,index.html}\n", path.c_str(), report_dir->c_str());
  }
  return out.exit_code;
}

}  // namespace loopcheck::cli
