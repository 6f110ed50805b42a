// loopcheck list, validate, coverage, adapters, report, serve; root discovery.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "args.h"
#include "commands.h"
#include "loopcheck/adapters.h"
#include "loopcheck/coverage.h"
#include "loopcheck/expectations.h"
#include "loopcheck/model.h"
#include "loopcheck/report.h"
#include "loopcheck/runner.h"

namespace fs = std::filesystem;

namespace loopcheck::cli {

long parse_int(const std::string& option, const std::string& v, long min) {
  try {
    size_t used = 0;
    long n = std::stol(v, &used);
    if (used == v.size() && n >= min) return n;
  } catch (...) {
  }
  throw UsageError(option + " takes an integer >= " + std::to_string(min) + ", not '" + v + "'");
}

double parse_double(const std::string& option, const std::string& v, double min) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && d >= min) return d;
  } catch (...) {
  }
  throw UsageError(option + " takes a number >= " + std::to_string(min) + ", not '" + v + "'");
}

std::string find_root(const std::string& given) {
  auto is_root = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p / "scenarios", ec) && fs::is_directory(p / "conformance", ec);
  };
  if (!given.empty()) {
    if (!is_root(given)) throw UsageError("--root " + given + " has no scenarios/ and conformance/");
    return given;
  }
  if (const char* env = std::getenv("LOOPCHECK_ROOT"); env && *env) return env;
  std::error_code ec;
  for (fs::path p = fs::current_path(ec); !p.empty(); p = p.parent_path()) {
    if (is_root(p)) return p.string();
    if (p == p.parent_path()) break;
  }
  return LOOPCHECK_SOURCE_DIR;
}

namespace {

bool help(Args& a, const char* text) {
  if (!a.flag("--help", "-h")) return false;
  std::fputs(text, stdout);
  return true;
}

std::vector<std::string> paths_or_corpus(Args& a, const std::string& root) {
  auto p = a.positional();
  if (p.empty()) p = {root + "/scenarios"};
  return p;
}

}  // namespace

int cmd_list(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck list [--filter GLOB]... [--level L] [--json] [--root DIR] [PATH...]\n\n"
              "Lists the scenarios: id, level, rules and title (or the error of an invalid file).\n"))
    return 0;
  RunConfig c;
  c.root = find_root(a.value("--root").value_or(""));
  c.filters = a.values("--filter");
  c.level = a.value("--level").value_or("");
  const bool json = a.flag("--json");
  Corpus corpus = load_corpus(paths_or_corpus(a, c.root), c.root);
  for (const Scenario* sc : select_scenarios(corpus, c)) {
    if (json) {
      Json j = {{"id", sc->id}, {"file", sc->file}, {"level", sc->level}, {"rules", sc->rules},
                {"title", sc->title}, {"needs", sc->needs}, {"valid", sc->ok()}};
      if (!sc->ok()) j["error"] = sc->error;
      std::printf("%s\n", j.dump().c_str());
    } else if (sc->ok()) {
      std::printf("%-55s %-10s %-18s %s\n", sc->id.c_str(), sc->level.c_str(), model::join(sc->rules, ",").c_str(), sc->title.c_str());
    } else {
      std::printf("%-55s INVALID    %s\n", sc->id.c_str(), sc->error.c_str());
    }
  }
  return 0;
}

int cmd_validate(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck validate [--lint] [--root DIR] [PATH...]\n\n"
              "Loads and validates every scenario (default: scenarios/) and every expectations file\n"
              "(conformance/expectations/*.yaml). Each problem is printed as file:line:column: id:\n"
              "what is wrong. Also checks that ids are unique and match the file's place. --lint also\n"
              "checks that each doc.text occurs in its doc.source (../shared/seeds, conformance/spec).\n"
              "Exit status 1 if anything is invalid.\n"))
    return 0;
  const std::string root = find_root(a.value("--root").value_or(""));
  const bool lint = a.flag("--lint");
  const bool whole_corpus = a.positional().empty();
  Corpus corpus = load_corpus(paths_or_corpus(a, root), root);
  int bad = 0;
  for (const auto& sc : corpus.scenarios)
    if (!sc.ok()) std::printf("%s\n", sc.error.c_str()), ++bad;
  for (const auto& p : corpus.problems) std::printf("%s\n", p.c_str()), ++bad;
  std::map<std::string, std::string> lint_cache;
  if (lint)
    for (const auto& sc : corpus.scenarios)
      if (sc.ok())
        if (auto p = lint_doc(sc, root, lint_cache); !p.empty()) std::printf("%s\n", p.c_str()), ++bad;
  int files = 0;
  std::error_code ec;
  std::vector<std::string> exp_files;
  for (const auto& e : fs::directory_iterator(root + "/conformance/expectations", ec))
    if (e.path().extension() == ".yaml") exp_files.push_back(e.path().string());
  std::sort(exp_files.begin(), exp_files.end());
  for (const auto& f : exp_files) {
    Expectations ex = load_expectations(f, true, relative_to(f, root));
    if (ex.errors.empty() && whole_corpus) ex.check_against(corpus);
    ++files;
    for (const auto& e : ex.errors) std::printf("%s\n", e.c_str()), ++bad;
  }
  std::printf("%zu scenario files, %d expectations files: %s\n", corpus.scenarios.size(), files,
              bad ? (std::to_string(bad) + " problems").c_str() : "all valid");
  return bad ? 1 : 0;
}

int cmd_coverage(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck coverage [-v] [--reasons FILE] [--catalogue FILE] [--root DIR]\n\n"
              "Each rule ID of the catalogue (conformance/spec/asyncio-rules.md) with the scenarios that\n"
              "cite it; every rule no scenario covers needs a reason in conformance/coverage-reasons.yaml.\n"
              "-v lists the scenarios of each rule. Exit status 1 if a rule lacks both.\n"))
    return 0;
  const std::string root = find_root(a.value("--root").value_or(""));
  const bool verbose = a.flag("--verbose", "-v");
  const std::string reasons = a.value("--reasons").value_or(relative_to(root + "/conformance/coverage-reasons.yaml", "."));
  const std::string catalogue = a.value("--catalogue").value_or(root + "/conformance/spec/asyncio-rules.md");
  Corpus corpus = load_corpus(paths_or_corpus(a, root), root);
  Coverage cov = compute_coverage(corpus, load_catalogue(catalogue), reasons);
  std::fputs(coverage_text(cov, verbose).c_str(), stdout);
  return cov.problems.empty() ? 0 : 1;
}

int cmd_adapters(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck adapters [--no-probe] [--root DIR]\n\n"
              "Lists the adapters and whether each can run here. Unless --no-probe, starts each\n"
              "available one (the protocol's start handshake) to show its implementation, version,\n"
              "time mode and capabilities.\n"))
    return 0;
  const std::string root = find_root(a.value("--root").value_or(""));
  const bool probe = !a.flag("--no-probe");
  a.positional();
  for (const auto& spec : builtin_adapters(root)) {
    std::printf("%-8s %s\n", spec.name.c_str(), spec.description.c_str());
    if (!spec.unavailable.empty()) {
      std::printf("         unavailable: %s\n", spec.unavailable.c_str());
      continue;
    }
    if (!probe) continue;
    try {
      auto session = make_session(spec, SessionOptions{});
      Json ready = session->start();
      session->stop();
      const Json& impl = ready["implementation"];
      std::string caps = model::join(ready["capabilities"].get<std::vector<std::string>>(), ", ");
      std::printf("         available: %s %s (asyncio %s), %s time; capabilities: %s\n",
                  impl.value("name", "?").c_str(), impl.value("version", "?").c_str(),
                  impl.value("asyncio_version", "?").c_str(), ready.value("time", "?").c_str(), caps.c_str());
    } catch (const std::exception& e) {
      std::printf("         unavailable: %s\n", e.what());
    }
  }
  std::printf("any other loop: loopcheck run --adapter-cmd 'PROGRAM ARGS' (conformance/PROTOCOL.md)\n");
  return 0;
}

int cmd_report(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck report [DIR]\n\n"
              "Rebuilds DIR/junit.xml, DIR/summary.md and DIR/index.html from DIR/runs/*.jsonl (and the\n"
              "benchmark chart from DIR/bench/results.json). DIR defaults to reports/.\n"))
    return 0;
  auto p = a.positional();
  if (p.size() > 1) throw UsageError("one report directory");
  const std::string dir = p.empty() ? find_root("") + "/reports" : p[0];
  auto problems = write_reports(dir);
  for (const auto& e : problems) std::fprintf(stderr, "loopcheck: %s\n", e.c_str());
  std::printf("wrote %s/{junit.xml,summary.md,index.html}\n", dir.c_str());
  return problems.empty() ? 0 : 1;
}

int cmd_serve(int argc, char** argv) {
  Args a(argc, argv, 2);
  if (help(a, "usage: loopcheck serve --adapter native|sim|model|model-fifo [--seed S]\n\n"
              "Serves an in-process adapter over the adapter protocol on stdin/stdout\n"
              "(conformance/PROTOCOL.md). `loopcheck run` starts one per worker to isolate the loop\n"
              "under test; a `seed` field in a run request overrides --seed.\n"))
    return 0;
  auto name = a.value("--adapter");
  if (!name) throw UsageError("serve needs --adapter native|sim|model");
  std::uint64_t seed = 1;
  if (auto s = a.value("--seed")) seed = static_cast<std::uint64_t>(parse_int("--seed", *s, 0));
  a.positional();
  auto adapter = make_inprocess_adapter(*name);
  if (!adapter) {
    std::string why = inprocess_unavailable_reason();
    throw std::runtime_error("no in-process adapter '" + *name + "'" + (why.empty() ? "" : ": " + why));
  }
  return serve_protocol(*adapter, seed);
}

}  // namespace loopcheck::cli
