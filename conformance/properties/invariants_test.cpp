// The seven invariants as rapidcheck properties on aio's simulator, one GoogleTest (so one
// CTest test) each, named by the rule they check. A failure shrinks, is written as a
// regression scenario (property_support.h), and the test fails naming the file.
#include <gtest/gtest.h>

#include "property_support.h"

namespace loopcheck::props {
namespace {

void expect_holds(const std::string& name, const std::vector<std::string>& rules, Invariant inv) {
  PropertyOutcome o = check_invariant(name, rules, inv);
  EXPECT_TRUE(o.passed) << name << ": " << o.why << "\n  shrunk case written to "
                        << (o.file.empty() ? "(not written: " + o.write_error + ")" : o.file);
}

TEST(Invariants, ORD01_every_callback_not_cancelled_runs_exactly_once) {
  expect_holds("ord01_exactly_once", {"ORD-01", "ORD-07"}, exactly_once);
}

TEST(Invariants, ORD01_call_soon_is_fifo) { expect_holds("ord01_call_soon_fifo", {"ORD-01"}, call_soon_fifo); }

TEST(Invariants, ORD09_no_timer_runs_before_its_when) {
  expect_holds("ord09_no_early_timer", {"ORD-09", "ORD-06"}, no_early_timer);
}

TEST(Invariants, ORD03_callbacks_scheduled_during_a_batch_never_join_it) {
  expect_holds("ord03_batch_closed", {"ORD-03", "ORD-05"}, batch_closed);
}

TEST(Invariants, RUN02_stop_finishes_the_batch_and_no_more) {
  expect_holds("run02_stop_batch", {"RUN-02", "RUN-01"}, stop_batch);
}

TEST(Invariants, EXC01_handler_called_once_per_raising_callback_and_the_loop_carries_on) {
  expect_holds("exc01_handler_once", {"EXC-01"}, handler_once);
}

TEST(Invariants, CAN03_a_cancelled_handle_never_runs) {
  expect_holds("can03_cancelled_never", {"CAN-03", "CAN-02"}, cancelled_never);
}

}  // namespace
}  // namespace loopcheck::props
