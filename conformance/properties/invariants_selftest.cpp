// The invariant checks catch what they are for: each one on a small hand-made trace that
// holds, and on the same trace broken the way its rule forbids.
#include <gtest/gtest.h>

#include "loopcheck/generate/invariants.h"

namespace loopcheck::props {
namespace {

Json probe(const std::string& name, double value, double t = 0) {
  return {{"kind", "value"}, {"name", name}, {"value", value}, {"t", t}};
}
Json done(Json trace) { return {{"status", "done"}, {"trace", std::move(trace)}, {"final", {{"running", false}, {"closed", false}}}}; }

// call_soon a, b at top level; both run in iteration 1; the run returns after 1 iteration.
Json two_soon() {
  return Json::array({probe("s.a", 0), probe("s.b", 0), probe("r.a", 1), probe("r.b", 1), probe("ret", 1)});
}

TEST(InvariantChecks, ORD01_exactly_once_and_fifo) {
  EXPECT_EQ(exactly_once(done(two_soon())), "");
  EXPECT_EQ(call_soon_fifo(done(two_soon())), "");
  Json missing = two_soon();
  missing.erase(3);  // b never runs, though iteration 1 finished
  EXPECT_NE(exactly_once(done(missing)), "");
  Json twice = two_soon();
  twice.insert(twice.begin() + 4, probe("r.b", 2));
  EXPECT_NE(exactly_once(done(twice)), "");
  Json swapped = two_soon();
  std::swap(swapped[2], swapped[3]);
  EXPECT_NE(call_soon_fifo(done(swapped)), "");
}

TEST(InvariantChecks, ORD09_timer_not_early_and_ORD03_batches) {
  Json timer = Json::array({probe("s.t", 0), probe("w.t", 0.5), probe("r.t", 2, 0.5), probe("ret", 2, 0.5)});
  EXPECT_EQ(no_early_timer(done(timer)), "");
  EXPECT_EQ(batch_closed(done(timer)), "");
  EXPECT_EQ(exactly_once(done(timer)), "");
  Json early = timer;
  early[2]["t"] = 0.25;
  EXPECT_NE(no_early_timer(done(early)), "");
  // A callback scheduled in iteration 1 that runs in iteration 1 joined its batch.
  Json joined = Json::array({probe("s.a", 0), probe("r.a", 1), probe("s.b", 1), probe("r.b", 1), probe("ret", 2)});
  EXPECT_NE(batch_closed(done(joined)), "");
  joined[3]["value"] = 3;  // skipped iteration 2: not the next one
  EXPECT_NE(batch_closed(done(joined)), "");
  joined[3]["value"] = 2;
  EXPECT_EQ(batch_closed(done(joined)), "");
  // In iteration 1 the clock was past `when`; iterations 2 and 3 finished; t never ran.
  Json never = Json::array({probe("s.t", 0), probe("w.t", 0.5), probe("s.u", 0), probe("r.u", 1, 1.0), probe("ret", 3, 1.0)});
  EXPECT_NE(exactly_once(done(never)), "");
  never[4]["value"] = 1;  // the run stopped after iteration 1: t may still be waiting
  EXPECT_EQ(exactly_once(done(never)), "");
}

TEST(InvariantChecks, RUN02_stop_batch) {
  // a stops in iteration 1; b (same batch) still runs; c, scheduled by a, waits for the next run.
  Json ok = Json::array({probe("s.a", 0), probe("s.b", 0), probe("r.a", 1), probe("s.c", 1), probe("stop", 1),
                         probe("r.b", 1), probe("ret", 1), probe("r.c", 2), probe("ret", 2)});
  EXPECT_EQ(stop_batch(done(ok)), "");
  Json more = ok;
  more.insert(more.begin() + 6, probe("r.c", 2));
  more.erase(8);
  EXPECT_NE(stop_batch(done(more)), "");  // c ran in the stopped run
  Json unfinished = ok;
  unfinished.erase(5);
  EXPECT_NE(stop_batch(done(unfinished)), "");  // b did not run
  Json late = ok;
  late[6]["value"] = 2;
  EXPECT_NE(stop_batch(done(late)), "");
}

TEST(InvariantChecks, EXC01_handler_once_and_CAN03_cancelled_never) {
  Json handler = {{"kind", "handler"}, {"message", "Exception in callback x"}, {"keys", {"exception", "handle", "message"}},
                  {"exception", {{"type", "ValueError"}, {"message", "e"}}}, {"t", 0}};
  Json ok = Json::array({probe("s.a", 0), probe("r.a", 1), probe("x.a", 1), handler, probe("ret", 1)});
  EXPECT_EQ(handler_once(done(ok)), "");
  Json none = ok;
  none.erase(3);
  EXPECT_NE(handler_once(done(none)), "");
  Json twice = ok;
  twice.insert(twice.begin() + 4, handler);
  EXPECT_NE(handler_once(done(twice)), "");

  Json cancelled = Json::array({probe("s.a", 0), probe("c.a", 0), probe("ret", 1)});
  EXPECT_EQ(cancelled_never(done(cancelled)), "");
  EXPECT_EQ(exactly_once(done(cancelled)), "");
  cancelled.insert(cancelled.begin() + 2, probe("r.a", 1));
  EXPECT_NE(cancelled_never(done(cancelled)), "");
}

}  // namespace
}  // namespace loopcheck::props
