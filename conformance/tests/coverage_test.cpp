// Coverage: every catalogue rule is cited by a scenario or has a reason; the catalogue is
// read completely; missing and stale reasons are problems.
#include <gtest/gtest.h>

#include "loopcheck/coverage.h"
#include "test_util.h"

namespace loopcheck {
namespace {

TEST(Coverage, EveryRuleIsCoveredOrHasAReason) {
  auto catalogue = load_catalogue(test::root() + "/conformance/spec/asyncio-rules.md");
  EXPECT_GE(catalogue.size(), 150u);
  EXPECT_EQ(catalogue[0].id, "ORD-01");
  Corpus corpus = load_corpus({test::root() + "/scenarios"}, test::root());
  Coverage cov = compute_coverage(corpus, catalogue, test::root() + "/conformance/coverage-reasons.yaml");
  EXPECT_TRUE(cov.problems.empty()) << coverage_text(cov, false);
  EXPECT_GT(cov.covered, 60);
}

TEST(Coverage, CatalogueLinesAreReadByTheirBoldId) {
  test::TempDir dir;
  const std::string path = dir.write(
      "rules.md",
      "# Rules\n"
      "**ORD-01** First rule. More detail.\n"
      "**ORD-01** A duplicate is ignored.\n"
      "**AB-02**\tTwo letters, a tab, CRLF\r\n"
      "**ABCDE-01** five letters: not an id\n"
      "**ORD-1** one digit: not an id\n"
      " **ORD-03** indented: not an id\n"
      "**ORD-04**" + std::string(200000, 'x') + "\n"  // a long line: no recursion to overflow
      "**ORD-05**\n");
  auto cat = load_catalogue(path);
  ASSERT_EQ(cat.size(), 4u);
  EXPECT_EQ(cat[0].id, "ORD-01");
  EXPECT_EQ(cat[0].summary, "First rule");
  EXPECT_EQ(cat[1].id, "AB-02");
  EXPECT_EQ(cat[1].summary, "Two letters, a tab, CRLF");
  EXPECT_EQ(cat[2].id, "ORD-04");
  EXPECT_EQ(cat[2].summary, std::string(107, 'x') + "...");
  EXPECT_EQ(cat[3].id, "ORD-05");
  EXPECT_EQ(cat[3].summary, "");
  EXPECT_EQ(load_catalogue(test::root() + "/conformance/spec/asyncio-rules.md").size(), 157u);
}

TEST(Coverage, MissingAndStaleReasonsAreProblems) {
  test::TempDir dir;
  const std::string reasons = dir.write("r.yaml", "ORD-01: stale, a scenario covers it\nZZZ-99: no such rule\n");
  std::vector<CatalogueRule> cat = {{"ORD-01", "fifo"}, {"ORD-99", "not covered"}};
  Corpus corpus = load_corpus({test::root() + "/scenarios/ordering/call_soon_fifo.yaml"}, test::root());
  Coverage cov = compute_coverage(corpus, cat, reasons);
  ASSERT_EQ(cov.problems.size(), 3u) << coverage_text(cov, false);
  EXPECT_NE(cov.problems[0].find("r.yaml:1:9: ORD-01 has a reason but is covered"), std::string::npos) << cov.problems[0];
  EXPECT_NE(cov.problems[1].find("ORD-99 (not covered) has no scenario and no reason"), std::string::npos);
  EXPECT_NE(cov.problems[2].find("ZZZ-99 is not a catalogue rule"), std::string::npos);
}

}  // namespace
}  // namespace loopcheck
