// loopcheck fuzz
#include <cstdio>

#include "args.h"
#include "commands.h"
#include "loopcheck/generate/fuzz.h"

namespace loopcheck::cli {
namespace {

const char* kHelp = R"(usage: loopcheck fuzz --adapter A --adapter B [options]

Differential runs: generates random scenarios from the seed (conformance/generate/), runs
each on both adapters, compares the traces modulo the orders the docs leave undefined,
shrinks every divergence and writes it as a scenario (default scenarios/regressions/),
whose expected trace is the right adapter's. Prints a summary. Exit status 1 on a
divergence or a generator error, 2 on a usage error.

  --adapter NAME       native, sim, model, model-fifo, asyncio, uvloop (loopcheck adapters), twice; or one
  --adapter-cmd CMD    and a program speaking the adapter protocol (run with /bin/sh -c)
  --seed S             the run's seed (default 1); scenario k comes from (S, k)
  --count N            scenarios to run (default 100; 0: until --time)
  --time T             stop after T real seconds
  --first K            the index of the first scenario (default 0): `--first K --count 1`
                       reproduces scenario K of a seed
  --ties               allow timers with equal `when` (their order is undefined, ORD-08):
                       only for adapters that break ties the same way (sim, native and
                       model-fifo); by default every timer's `when` is unique
  --no-tasks           no tasks and coroutines in the scenarios
  --probes             the property tests' probed scenarios (callbacks and timers only,
                       with `observe: iterations` probes: needs capability internals)
  --max-steps N        top-level steps per scenario (default 10)
  --right WHICH        whose trace the written scenarios expect: 1 or 2, or an adapter name
                       (default: asyncio when it is one of the two, else the second)
  --out DIR            where divergences are written (default scenarios/regressions/)
  --shrink-tests N     runs spent shrinking each divergence (default 500)
  --max-divergences N  stop after N divergences (default 10)
  --in-process         call in-process adapters directly (no child `loopcheck serve`)
  -q, --quiet          only the summary
  --root DIR           the repository (default: found from the current directory)
)";

AdapterSpec spec_of(const std::string& text, bool command, const std::string& root) {
  if (command) return command_adapter(text);
  try {
    return find_adapter(text, root);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

}  // namespace

int cmd_fuzz(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (a.flag("--help", "-h")) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  const std::string root = find_root(a.value("--root").value_or(""));
  std::vector<AdapterSpec> specs;
  for (const auto& n : a.values("--adapter")) specs.push_back(spec_of(n, false, root));
  for (const auto& n : a.values("--adapter-cmd")) specs.push_back(spec_of(n, true, root));
  if (specs.size() != 2) throw UsageError("give two adapters (--adapter or --adapter-cmd), not " + std::to_string(specs.size()));
  gen::FuzzConfig c;
  c.a = specs[0];
  c.b = specs[1];
  if (auto s = a.value("--seed")) c.seed = static_cast<std::uint64_t>(parse_int("--seed", *s, 0));
  if (auto s = a.value("--count")) c.count = parse_int("--count", *s, 0);
  if (auto s = a.value("--time")) c.seconds = parse_double("--time", *s, 0);
  if (auto s = a.value("--first")) c.first = parse_int("--first", *s, 0);
  if (c.count == 0 && c.seconds <= 0) throw UsageError("--count 0 needs --time");
  c.options.ties = a.flag("--ties");
  c.options.tasks = !a.flag("--no-tasks");
  if (a.flag("--probes")) {
    const bool ties = c.options.ties;
    c.options.probes = true;
    c.options.tasks = c.options.futures = c.options.base_exceptions = c.options.close = false;
    c.options.ties = ties;
  }
  if (auto s = a.value("--max-steps")) c.options.max_steps = static_cast<int>(parse_int("--max-steps", *s, 0));
  c.right = c.b.name != "asyncio" && c.a.name == "asyncio" ? 0 : 1;
  if (auto r = a.value("--right")) {
    if (*r == "1" || *r == c.a.name) c.right = 0;
    else if (*r == "2" || *r == c.b.name) c.right = 1;
    else throw UsageError("--right is 1, 2, " + c.a.name + " or " + c.b.name);
  }
  c.out_dir = a.value("--out").value_or(root + "/scenarios/regressions");
  if (auto s = a.value("--shrink-tests")) c.shrink_tests = static_cast<int>(parse_int("--shrink-tests", *s, 0));
  if (auto s = a.value("--max-divergences")) c.max_divergences = static_cast<int>(parse_int("--max-divergences", *s, 1));
  c.session.isolate = !a.flag("--in-process");
  const bool quiet = a.flag("--quiet", "-q");
  if (!a.positional().empty()) throw UsageError("unexpected argument " + a.positional()[0]);
  if (!quiet) c.progress = [](const std::string& line) { std::fprintf(stderr, "fuzz: %s\n", line.c_str()); };

  gen::FuzzOutput out = gen::run_fuzz(c);
  for (const auto& e : out.errors) std::fprintf(stderr, "loopcheck fuzz: %s\n", e.c_str());
  for (const auto& d : out.divergences)
    std::printf("DIVERGES #%lld  %s\n         %s\n", d.index, d.file.empty() ? "(a shrunk case already written)" : d.file.c_str(),
                d.difference.c_str());
  const double rate = out.seconds > 0 ? static_cast<double>(out.run) / out.seconds : 0;
  std::printf("%lld scenarios on %s (%s) and %s (%s), seed %llu: %zu divergences (+%lld repeats), %lld skipped, %lld stalled on both; "
              "%.1f s, %.1f scenarios/s\n",
              out.run, c.a.name.c_str(), out.implementation_a.c_str(), c.b.name.c_str(), out.implementation_b.c_str(),
              static_cast<unsigned long long>(c.seed), out.divergences.size(), out.repeats, out.skipped, out.stalled, out.seconds, rate);
  return out.divergences.empty() && out.repeats == 0 && out.errors.empty() ? 0 : 1;
}

}  // namespace loopcheck::cli
