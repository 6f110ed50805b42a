// The failure path works: a property over a deliberately wrong oracle ("call_soon
// callbacks run last-in, first-out") fails, rapidcheck shrinks it, and a small scenario
// file appears in a temporary directory, loads and validates, and passes on the simulator
// (whose trace is right). Nothing is left in the source tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "loopcheck/adapters.h"
#include "loopcheck/check.h"
#include "loopcheck/scenario.h"
#include "property_support.h"

namespace loopcheck::props {
namespace {

// Wrong on purpose: says two call_soon callbacks that both ran must run newest first.
std::string wrong_lifo_oracle(const Json& result) {
  std::string fifo = call_soon_fifo(result);
  // call_soon_fifo holds on aio; so any two call_soon callbacks that ran break "LIFO".
  std::vector<std::string> ran;
  for (const auto& e : result["trace"])
    if (e.value("kind", "") == "value" && e["name"].get<std::string>().rfind("r.", 0) == 0) ran.push_back(e["name"]);
  std::vector<std::string> scheduled;
  for (const auto& e : result["trace"])
    if (e.value("kind", "") == "value" && e["name"].get<std::string>().rfind("s.", 0) == 0) scheduled.push_back(e["name"]);
  int both = 0;
  for (const auto& s : scheduled)
    for (const auto& r : ran)
      if (s.substr(2) == r.substr(2)) ++both;
  if (fifo.empty() && both >= 2) return "two scheduled callbacks ran oldest first (the oracle wants LIFO)";
  return "";
}

TEST(PlantedBug, a_failing_property_writes_a_small_valid_scenario) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("loopcheck_planted_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  PropertyOutcome o = check_invariant("planted_wrong_lifo", {"ORD-01"}, wrong_lifo_oracle, dir.string());
  ASSERT_FALSE(o.passed) << "the wrong oracle should fail";
  ASSERT_FALSE(o.file.empty()) << o.write_error;
  EXPECT_EQ(std::filesystem::path(o.file).parent_path(), dir);
  EXPECT_EQ(std::filesystem::path(o.file).filename(), "property_planted_wrong_lifo.yaml");

  Scenario sc = load_scenario(o.file, o.file);
  ASSERT_TRUE(sc.ok()) << sc.error;
  EXPECT_EQ(sc.id, "regressions/property_planted_wrong_lifo");
  EXPECT_EQ(sc.level, "reference");
  // Shrunk: the exception handler, two call_soon and their probes, the two final runs
  // (guard, run_forever, probe). Anything much bigger means shrinking did not work.
  const std::size_t steps = sc.raw["program"].size();
  EXPECT_LE(steps, 16u) << sc.raw["program"].dump();
  const std::string text = sc.raw["program"].dump();
  std::size_t call_soons = 0;
  for (auto at = text.find("\"call_soon\""); at != std::string::npos; at = text.find("\"call_soon\"", at + 1)) ++call_soons;
  EXPECT_EQ(call_soons, 2u) << text;

  // The expected trace is CPython's when the asyncio adapter runs here.
  if (find_adapter("asyncio", LOOPCHECK_SOURCE_DIR).unavailable.empty()) {
    EXPECT_NE(sc.raw["notes"].get<std::string>().find("trace is asyncio (asyncio 3."), std::string::npos) << sc.raw["notes"];
  }
  // ... and it is right: the simulator passes it.
  Json result = run_on_sim(sc.raw);
  CheckResult r = check_trace(sc.valid->expect, result["trace"], result["final"], Tolerance{});
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace loopcheck::props
