// Process sessions against the fake adapter: the handshake, answers, and every way an
// adapter can fail (crash, exit, silence, garbage, wrong seq, bad trace), each reported
// as what it is, with the adapter killed and restartable.
#include <gtest/gtest.h>

#include "loopcheck/adapter.h"
#include "loopcheck/process.h"
#include "test_util.h"

namespace loopcheck {
namespace {

Json scenario(const std::string& mode) { return {{"id", "fake/" + mode}}; }

std::unique_ptr<Session> fake(std::vector<std::string> extra = {}, std::string stderr_path = "") {
  ProcessOptions o;
  o.argv = {LOOPCHECK_FAKE_ADAPTER};
  for (auto& e : extra) o.argv.push_back(e);
  o.stderr_path = std::move(stderr_path);
  o.start_deadline = 5;
  return make_process_session(o);
}

TEST(ProcessSession, HandshakeRunAndStop) {
  auto s = fake();
  Json ready = s->start();
  EXPECT_EQ(ready["implementation"]["name"], "fake");
  Outcome o = s->run(scenario("record"), Json(7), RunOptions{});
  ASSERT_EQ(o.kind, Outcome::kAnswer) << o.detail;
  EXPECT_EQ(o.result["seq"], 7);
  EXPECT_EQ(o.result["trace"][0]["name"], "a");
  s->stop();
  EXPECT_FALSE(s->started());
}

TEST(ProcessSession, CrashIsReportedWithStatusAndStderr) {
  test::TempDir dir;
  auto s = fake({}, dir.path + "/err.log");
  s->start();
  Outcome o = s->run(scenario("crash"), Json(1), RunOptions{});
  EXPECT_EQ(o.kind, Outcome::kCrash);
  EXPECT_NE(o.detail.find("killed by signal 6"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("crashing on purpose in fake/crash"), std::string::npos) << o.detail;
  EXPECT_FALSE(s->started());
  s->start();  // restarts
  EXPECT_EQ(s->run(scenario("pass"), Json(2), RunOptions{}).kind, Outcome::kAnswer);
}

TEST(ProcessSession, ExitIsACrash) {
  auto s = fake();
  s->start();
  Outcome o = s->run(scenario("exit"), Json(1), RunOptions{});
  EXPECT_EQ(o.kind, Outcome::kCrash);
  EXPECT_NE(o.detail.find("exited with status 3"), std::string::npos) << o.detail;
}

TEST(ProcessSession, SilenceIsATimeoutAndTheAdapterIsKilled) {
  auto s = fake();
  s->start();
  RunOptions opt;
  opt.deadline = 0.3;
  const double t0 = monotonic_seconds();
  Outcome o = s->run(scenario("hang"), Json(1), opt);
  EXPECT_EQ(o.kind, Outcome::kTimeout);
  EXPECT_LT(monotonic_seconds() - t0, 2.0);
  EXPECT_FALSE(s->started());
}

TEST(ProcessSession, OutOfStepAnswersAreErrors) {
  for (const char* mode : {"garbage", "wrongseq", "badtrace", "deep"}) {
    SCOPED_TRACE(mode);
    auto s = fake();
    s->start();
    Outcome o = s->run(scenario(mode), Json(1), RunOptions{});
    EXPECT_EQ(o.kind, Outcome::kBadAnswer);
    EXPECT_FALSE(s->started()) << "an out-of-step adapter is killed";
  }
}

TEST(ProcessSession, StartFailuresAreClear) {
  try {
    fake({"--no-start"})->start();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("did not start"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exited with status 4"), std::string::npos) << e.what();
  }
  try {
    fake({"--bad-ready"})->start();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("implementation"), std::string::npos) << e.what();
  }
  ProcessOptions o;
  o.argv = {"/nonexistent/adapter"};
  EXPECT_THROW(make_process_session(o)->start(), std::runtime_error);
}

TEST(ProtocolChecks, ResultShape) {
  Json ok = Json::parse(R"({"op":"result","seq":1,"status":"done","trace":[{"kind":"record","name":"a","t":0}],"final":null})");
  EXPECT_EQ(check_result(ok, Json(1)), "");
  EXPECT_NE(check_result(ok, Json(2)), "");
  Json bad = ok;
  bad["trace"][0].erase("t");
  EXPECT_NE(check_result(bad, Json(1)), "");
  bad = ok;
  bad["status"] = "skipped";
  EXPECT_NE(check_result(bad, Json(1)).find("error.message"), std::string::npos);
  bad = ok;
  bad["final"] = {{"running", 1}};
  EXPECT_NE(check_result(bad, Json(1)), "");
}

}  // namespace
}  // namespace loopcheck
