// Reports: the JSON Lines record round-trips; JUnit, Markdown and HTML are derived from it;
// the HTML page renders in headless Chromium (the matrix has its rows and a height, the
// benchmark chart its bars).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "loopcheck/report.h"
#include "test_util.h"

namespace loopcheck {
namespace {

ScenarioResult result(const std::string& id, const std::string& status, const std::string& level = "documented") {
  ScenarioResult r;
  r.id = id;
  r.file = "scenarios/" + id + ".yaml";
  r.title = "title of " + id;
  r.level = level;
  r.rules = {"ORD-01"};
  r.doc = {{"source", "s.txt"}, {"section", "S"}, {"text", "Callbacks are called\n  in order."}};
  r.status = r.checked = status;
  if (status == "XFAIL") r.checked = "FAIL", r.reason = "known <difference> & co";
  if (status != "PASS") r.problems = {"event #1 {\"kind\": \"record\"} does not match; expected: record name=\"b\""};
  r.adapter_status = "done";
  r.trace = Json::parse(R"([{"kind":"record","name":"a","t":0.0},{"kind":"record","name":"c","t":0.0}])");
  r.final = {{"running", false}, {"closed", true}};
  r.expect = Json::parse(R"({"trace":[{"record":"a"},{"unordered":[{"record":"b"},{"record":"x"}]}],"final":{"closed":true}})");
  r.duration = 0.01;
  return r;
}

RunRecord run(const std::string& adapter, std::vector<ScenarioResult> results) {
  RunRecord r;
  r.meta = {{"type", "run"}, {"harness", {{"name", "loopcheck"}, {"version", "0.1.0"}}}, {"adapter", adapter},
            {"implementation", {{"name", adapter}, {"version", "9"}, {"language", "c++"}, {"asyncio_version", "3.11"}}},
            {"platform", "Linux"}, {"seed", 1}, {"time", "virtual"}, {"started", "2026-01-01T00:00:00Z"}};
  r.results = std::move(results);
  r.summary = {{"type", "summary"}, {"counts", count_statuses(r.results)}, {"wall_seconds", 0.5}, {"errors", Json::array()}};
  return r;
}

void write_runs(const std::string& dir) {
  std::filesystem::create_directories(dir + "/runs");
  write_jsonl(run("sim", {result("ordering/a", "PASS"), result("ordering/b", "PASS"), result("stop/c", "PASS")}), dir + "/runs/sim.jsonl");
  write_jsonl(run("uvloop", {result("ordering/a", "PASS"), result("ordering/b", "XFAIL", "reference"), result("stop/c", "FAIL")}),
              dir + "/runs/uvloop.jsonl");
}

std::string slurp(const std::string& p) { return test::capture("cat " + test::quote(p)); }

TEST(Reports, JsonLinesRoundTrip) {
  test::TempDir dir;
  RunRecord r = run("uvloop", {result("ordering/b", "XFAIL")});
  ASSERT_EQ(write_jsonl(r, dir.path + "/x.jsonl"), "");
  RunRecord back = read_jsonl(dir.path + "/x.jsonl");
  ASSERT_EQ(back.results.size(), 1u);
  EXPECT_EQ(back.meta["adapter"], "uvloop");
  EXPECT_EQ(back.results[0].status, "XFAIL");
  EXPECT_EQ(back.results[0].checked, "FAIL");
  EXPECT_EQ(back.results[0].reason, "known <difference> & co");
  EXPECT_EQ(back.results[0].trace, r.results[0].trace);
  EXPECT_EQ(back.summary["counts"]["XFAIL"], 1);
  EXPECT_THROW(read_jsonl(dir.write("bad.jsonl", "{\"type\": \"run\"}\nnot json\n")), std::runtime_error);
  try {
    read_jsonl(dir.write("bad2.jsonl", "{\"type\": \"result\"}\n"));
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad2.jsonl:1:"), std::string::npos) << e.what();
  }
}

TEST(Reports, DerivedReports) {
  test::TempDir dir;
  write_runs(dir.path);
  dir.write("runs/broken.jsonl", "garbage\n");
  auto problems = write_reports(dir.path);
  ASSERT_EQ(problems.size(), 1u);  // the broken file is named, the others reported
  EXPECT_NE(problems[0].find("broken.jsonl:1"), std::string::npos);
  const std::string junit = slurp(dir.path + "/junit.xml");
  EXPECT_NE(junit.find("<testsuite name=\"loopcheck.uvloop\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("known &lt;difference&gt; &amp; co"), std::string::npos);
  const std::string md = slurp(dir.path + "/summary.md");
  EXPECT_NE(md.find("**FAIL** `stop/c` on uvloop"), std::string::npos) << md;
  EXPECT_NE(md.find("uvloop 9 (uvloop), reference level: 1"), std::string::npos) << md;
  EXPECT_NE(md.find("uvloop 9 (uvloop), documented level: 1"), std::string::npos) << md;
  const std::string html = slurp(dir.path + "/index.html");
  EXPECT_NE(html.find("<table id=\"matrix\">"), std::string::npos);
  EXPECT_NE(html.find("Callbacks are called in order."), std::string::npos);  // the doc sentence, folded
  EXPECT_NE(html.find("No benchmark results"), std::string::npos);
  // The sim column comes before uvloop.
  EXPECT_LT(html.find("<th title=\"sim 9\">sim</th>"), html.find("<th title=\"uvloop 9\">uvloop</th>"));
}

// Found writing fuzz/harness_files and fuzz/protocol_answer: a report file (or an adapter's
// answer) nested a million levels deep (a hand-made input) parsed fine and then overflowed
// the stack when copied; a "run" line without `harness` (the target's first run), or with
// wrongly typed fields, made the reports read past a missing key or throw.
TEST(Reports, HostileReportFilesAreRefusedOrRead) {
  test::TempDir dir;
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  const std::string file = dir.write("runs/deep.jsonl", R"({"type": "run", "adapter": "x"})" "\n"
                                     R"({"type": "result", "scenario": "a/b", "trace": )" + deep + "}\n");
  try {
    read_jsonl(file);
    ADD_FAILURE() << "a million levels were read";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), file + ":2: JSON nested deeper than 100 levels");
  }
  const std::string odd = dir.write("odd.jsonl", R"({"type": "run", "adapter": 7, "implementation": {"name": 1}, "time": [], "seed": "s"})" "\n"
                                    R"({"type": "result", "scenario": "a/b", "status": "FAIL", "repeat": "x", "trace": 5})" "\n"
                                    R"({"type": "summary", "wall_seconds": "long", "errors": [1, "e"], "counts": 3})" "\n");
  RunRecord run = read_jsonl(odd);
  EXPECT_FALSE(run.meta.contains("adapter"));
  EXPECT_TRUE(run.meta["harness"].is_object());
  EXPECT_EQ(run.results.at(0).repeat, 0);
  EXPECT_EQ(run.results.at(0).trace, Json::array());
  EXPECT_EQ(run.summary["errors"], Json::array({"e"}));
  const std::vector<RunRecord> runs = {run};
  EXPECT_NE(markdown_summary(runs).find("`a/b`"), std::string::npos);
  EXPECT_NE(junit_xml(runs).find("a/b"), std::string::npos);
  EXPECT_NE(html_report(runs, Json()).find("a/b"), std::string::npos);
}

TEST(Reports, TheEventTheFirstProblemNamesIsHighlighted) {
  ScenarioResult named = result("ordering/b", "FAIL");  // "event #1 ... does not match"
  const std::string html = html_report({run("uvloop", {named})}, Json());
  EXPECT_NE(html.find("<span class=\"bad\">#1 "), std::string::npos);
  EXPECT_EQ(html.find("<span class=\"bad\">#0 "), std::string::npos);
  // An adapter's text may say anything: a number too long for an int, or a million digits,
  // highlights nothing rather than throwing or recursing.
  ScenarioResult hostile = result("ordering/b", "FAIL");
  hostile.problems = {"event #" + std::string(1000000, '9') + " and event #x"};
  std::string out;
  ASSERT_NO_THROW(out = html_report({run("uvloop", {hostile})}, Json()));
  EXPECT_EQ(out.find("<span class=\"bad\">"), std::string::npos);
}

TEST(Reports, MalformedBenchResultsStillGiveAPage) {
  const std::vector<RunRecord> runs = {run("sim", {result("ordering/a", "PASS")})};
  const Json good = Json::parse(R"({"workloads": [{"title": "batch", "results": [
      {"implementation": "aio", "status": "ok", "items_per_second": {"median": 1e7, "min": 9e6, "max": 2e7}}]}]})");
  EXPECT_NE(html_report(runs, good).find("<!-- bars: 1 -->"), std::string::npos);
  // Wrong types wherever a field can be: each is skipped or shown as unknown, never thrown.
  for (const char* text : {
           R"({"workloads": [7, {"title": 5, "name": [], "results": 3}]})",
           R"({"workloads": [{"results": [1, "x", {"implementation": 2, "status": {}}]}]})",
           R"({"workloads": [], "machine": "big", "date": 2026})",
           R"({"workloads": [], "machine": {"cpu": 1, "cores": "two"}})",
           R"({"workloads": [], "targets": [1, {"target": [], "required": "3x", "measured": null, "status": 4}]})"}) {
    std::string html;
    ASSERT_NO_THROW(html = html_report(runs, Json::parse(text))) << text;
    EXPECT_NE(html.find("bench-chart"), std::string::npos) << text;
    EXPECT_NE(html.find("ordering/a"), std::string::npos) << text;
  }
}

TEST(Reports, ShardsOfOneRunAreOneColumn) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path + "/runs");
  RunRecord a = run("sim", {result("ordering/a", "PASS")}), b = run("sim", {result("stop/c", "FAIL")});
  a.meta["shard"] = "1/2";
  b.meta["shard"] = "2/2";
  write_jsonl(a, dir.path + "/runs/sim.shard1of2.jsonl");
  write_jsonl(b, dir.path + "/runs/sim.shard2of2.jsonl");
  std::vector<std::string> errors;
  auto runs = load_runs(dir.path, errors);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].results.size(), 2u);
  EXPECT_EQ(runs[0].summary["counts"]["FAIL"], 1);
}

std::string chromium() {
  for (const char* c : {"chromium", "chromium-browser", "google-chrome"})
    if (std::system((std::string("command -v ") + c + " >/dev/null 2>&1").c_str()) == 0) return c;
  return {};
}

TEST(Reports, HtmlRendersInHeadlessChromium) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (Debian package chromium)";
  test::TempDir dir;
  write_runs(dir.path);
  const std::string bench = test::root() + "/reports/bench/results.json";
  const bool have_bench = std::filesystem::exists(bench);
  if (have_bench) {
    std::filesystem::create_directories(dir.path + "/bench");
    std::filesystem::copy_file(bench, dir.path + "/bench/results.json");
  }
  ASSERT_TRUE(write_reports(dir.path).empty());
  const std::string dom = test::capture("timeout 120 " + browser + " --headless --no-sandbox --disable-gpu "
                                        "--disable-dev-shm-usage --user-data-dir=" + dir.path + "/profile --dump-dom file://" +
                                        dir.path + "/index.html 2>/dev/null");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("<body data-matrix-rows=\"([0-9]+)\" data-matrix-height=\"([0-9]+)\" data-bench-bars=\"([0-9]+)\"")))
      << dom.substr(0, 500);
  EXPECT_EQ(std::stoi(m[1]), 3);   // every scenario row is laid out
  EXPECT_GT(std::stoi(m[2]), 50);  // and takes room on the page
  if (have_bench) {
    EXPECT_GT(std::stoi(m[3]), 10);  // the benchmark chart has its bars
  }
  EXPECT_NE(dom.find("class=\"st XFAIL\""), std::string::npos);
}

}  // namespace
}  // namespace loopcheck
