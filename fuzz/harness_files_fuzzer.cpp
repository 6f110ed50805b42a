// Fuzz target harness_files: bytes as each of the other files the harness reads, besides
// scenarios: an expectations file (conformance/expectations/*.yaml), the coverage reasons
// file (conformance/coverage-reasons.yaml) and a JSON Lines run report (reports/runs/*.jsonl,
// read back by `loopcheck report`), which is then rendered as the three reports.
// Invariants: a bad file never throws out of load_expectations or compute_coverage, and
// each of its problems names the file with line and column; read_jsonl fails only with
// std::runtime_error naming the file and line; the reports render whatever was read.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "loopcheck/coverage.h"
#include "loopcheck/expectations.h"
#include "loopcheck/report.h"
#include "loopcheck/results.h"

namespace lf = loopcheck::fuzz;
using loopcheck::Json;

namespace {

const std::string kName = "fuzz/file.yaml";

loopcheck::Corpus small_corpus() {
  loopcheck::Corpus c;
  for (const char* id : {"ordering/call_soon_fifo", "stop/stop_finishes_current_batch"}) {
    loopcheck::Scenario sc;
    sc.id = id;
    sc.rules = {"ORD-01"};
    c.scenarios.push_back(std::move(sc));
  }
  return c;
}

void expectations(const std::string& path, const loopcheck::Corpus& corpus) {
  loopcheck::Expectations ex;
  try {
    ex = loopcheck::load_expectations(path, true, kName);
    ex.check_against(corpus);
  } catch (const std::exception& e) {
    lf::fail("load_expectations threw", e.what());
  }
  for (const auto& e : ex.errors)
    lf::require(lf::message_line(e, kName) > 0, "an expectations problem without file:line:column", e);
  for (const auto& e : ex.entries) {
    lf::require(!e.scenario.empty() && !e.reason.empty(), "an entry without scenario or reason");
    lf::require(lf::message_line(e.where + ": ", kName) > 0, "an entry without its position", e.where);
    for (const auto& s : {"PASS", "FAIL", "ERROR", "CRASH", "TIMEOUT"}) (void)loopcheck::apply_expectation(s, &e);
  }
  for (const auto& s : corpus.scenarios) (void)ex.find(s.id, "sim");
}

void reasons(const std::string& path, const loopcheck::Corpus& corpus) {
  static const std::vector<loopcheck::CatalogueRule> catalogue = {
      {"ORD-01", "callbacks run in FIFO order"}, {"ORD-02", "second"}, {"TRN-01", "transports"}};
  loopcheck::Coverage c;
  try {
    c = loopcheck::compute_coverage(corpus, catalogue, path);
    (void)loopcheck::coverage_text(c, true);
  } catch (const std::exception& e) {
    lf::fail("compute_coverage threw", e.what());
  }
  for (const auto& p : c.problems)  // file problems start with the file; the rest with a rule
    lf::require(p.rfind(path, 0) == 0 || p.rfind("ORD-", 0) == 0 || p.rfind("TRN-", 0) == 0,
                "a coverage problem that names neither the file nor a rule", p);
}

void report(const std::string& path) {
  loopcheck::RunRecord run;
  try {
    run = loopcheck::read_jsonl(path);
  } catch (const std::runtime_error& e) {
    lf::require(std::string(e.what()).rfind(path + ":", 0) == 0, "a report error that does not name the file", e.what());
    return;
  } catch (const std::exception& e) {
    lf::fail("read_jsonl threw something other than std::runtime_error", e.what());
  }
  const std::vector<loopcheck::RunRecord> runs = {run};
  try {
    (void)loopcheck::junit_xml(runs);
    (void)loopcheck::markdown_summary(runs);
    (void)loopcheck::html_report(runs, Json());
  } catch (const std::exception& e) {
    lf::fail("a report could not be rendered from a report file that was read", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lf::InputFile file;
  static const loopcheck::Corpus corpus = small_corpus();
  const std::string& path = file.write(lf::as_text(data, size));
  expectations(path, corpus);
  reasons(path, corpus);
  report(path);
  return 0;
}
