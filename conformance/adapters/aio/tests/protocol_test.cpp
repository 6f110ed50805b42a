// The process protocol: serve() on string streams, then the loopcheck-aio-adapter binary
// itself (stdout carries protocol lines only, even when the loop logs).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "scenario_util.h"

namespace loopcheck::aio_adapter::testing {
namespace {

std::vector<json> answers(const std::string& input, int* status = nullptr) {
  std::istringstream in(input);
  std::ostringstream out;
  int rc = serve(in, out, options(Backend::sim));
  if (status) *status = rc;
  std::vector<json> lines;
  std::istringstream text(out.str());
  for (std::string line; std::getline(text, line);) lines.push_back(json::parse(line));
  return lines;
}

std::string line(const json& request) { return request.dump() + "\n"; }

const json kStart = {{"op", "start"}, {"protocol", {1}}, {"harness", {{"name", "test"}}}};

json run_request(const json& seq, const json& sc) { return {{"op", "run"}, {"seq", seq}, {"scenario", sc}}; }

TEST(Protocol, StartRunStop) {
  json sc = scenario(R"([{"call_soon": {"do": [{"record": "a"}, "stop"]}}, "run_forever", "close"])");
  int status = -1;
  auto out = answers(line(kStart) + line(run_request(17, sc)) + line(run_request("x-1", sc)) +
                         line({{"op", "stop"}}) + line(run_request(99, sc)),
                     &status);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(out.size(), 4u);  // nothing after stop
  EXPECT_EQ(out[0]["op"], "ready");
  EXPECT_EQ(out[0]["protocol"], 1);
  EXPECT_EQ(out[0]["language"], 1);
  EXPECT_EQ(out[1]["op"], "result");
  EXPECT_EQ(out[1]["seq"], 17);
  EXPECT_EQ(out[1]["status"], "done");
  EXPECT_EQ(out[1]["trace"][0]["name"], "a");
  EXPECT_EQ(out[1]["final"]["closed"], true);
  EXPECT_TRUE(out[1]["duration"].is_number());
  EXPECT_EQ(out[2]["seq"], "x-1");
  EXPECT_EQ(out[3], (json{{"op", "stopped"}}));
}

TEST(Protocol, BadRequestsAreAnsweredAndServingGoesOn) {
  json sc = scenario("[]");
  auto out = answers(line(run_request(1, sc)) + "this is not json\n" + "[1, 2]\n" + "\n" +
                     line({{"op", "start"}, {"protocol", {2, 3}}}) + line(kStart) +
                     line({{"op", "dance"}, {"seq", 5}}) + line({{"op", "run"}, {"seq", 6}}) +
                     line(run_request(7, "not a scenario")));
  ASSERT_EQ(out.size(), 8u);
  EXPECT_EQ(out[0], (json{{"op", "error"}, {"seq", 1}, {"message", "run before start"}}));
  EXPECT_EQ(out[1]["op"], "error");
  EXPECT_TRUE(out[1]["seq"].is_null());
  EXPECT_EQ(out[2]["op"], "error");
  EXPECT_EQ(out[3]["op"], "error");  // no common protocol version
  EXPECT_FALSE(out[3].contains("seq"));
  EXPECT_EQ(out[4]["op"], "ready");
  EXPECT_EQ(out[5], (json{{"op", "error"}, {"seq", 5}, {"message", "unknown op 'dance'"}}));
  EXPECT_EQ(out[6]["seq"], 6);
  EXPECT_EQ(out[7]["op"], "result");
  EXPECT_EQ(out[7]["seq"], 7);
  EXPECT_EQ(out[7]["status"], "invalid");
}

TEST(Protocol, EndOfInputEndsServing) {
  int status = -1;
  auto out = answers(line(kStart), &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out.size(), 1u);
}

// The binary: a scenario whose loop logs (the default exception handler) and prints nothing
// to stdout but protocol lines.
TEST(ProcessAdapter, StdoutCarriesProtocolLinesOnly) {
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/aio_adapter_in.jsonl", out = dir + "/aio_adapter_out.jsonl",
                    err = dir + "/aio_adapter_err.txt";
  json sc = scenario(R"([{"call_soon": {"do": [{"raise": {"type": "ValueError", "message": "boom"}}]}},
                         {"call_soon": {"do": ["stop"]}}, "run_forever", "close"])");
  {
    std::ofstream f(in);
    f << line(kStart) << "garbage\n" << line(run_request(1, sc)) << line({{"op", "stop"}});
  }
  for (const char* backend : {"sim", "native"}) {
    const std::string cmd = std::string(LOOPCHECK_AIO_ADAPTER_BIN) + " --backend " + backend + " --seed 3 <" + in +
                            " >" + out + " 2>" + err;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::ifstream f(out);
    std::vector<json> lines;
    for (std::string l; std::getline(f, l);) {
      json j = json::parse(l, nullptr, false);
      ASSERT_FALSE(j.is_discarded()) << "not a protocol line: " << l;
      lines.push_back(j);
    }
    ASSERT_EQ(lines.size(), 4u) << backend;
    EXPECT_EQ(lines[0]["op"], "ready");
    EXPECT_EQ(lines[0]["time"], std::string(backend) == "sim" ? "virtual" : "real");
    EXPECT_EQ(lines[1]["op"], "error");
    EXPECT_EQ(lines[2]["op"], "result");
    EXPECT_EQ(lines[2]["status"], "done");
    EXPECT_EQ(lines[3]["op"], "stopped");
  }
  EXPECT_NE(std::system((std::string(LOOPCHECK_AIO_ADAPTER_BIN) + " --backend uvloop 2>/dev/null").c_str()), 0);
}

}  // namespace
}  // namespace loopcheck::aio_adapter::testing
