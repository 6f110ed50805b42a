// Futures (futures.py, the C Future's messages): states, results, callbacks, cancellation,
// reprs and the "never retrieved" report (FUT-01..05, ORD-15/16, CAN-09/10, CLS-09, EXC-08,
// DBG-05).
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using FutureTest = LoopTest<Backend>;
TYPED_TEST_SUITE(FutureTest, AllBackends, BackendNames);

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

void record_a(std::vector<std::string>* out) { out->push_back("a"); }
void record_b(std::vector<std::string>* out) { out->push_back("b"); }

TYPED_TEST(FutureTest, FUT01_ResultAndExceptionOfAPendingFutureRaise) {
  Future<int> f = this->loop->template create_future<int>();
  EXPECT_FALSE(f.done());
  EXPECT_EQ(error_of<InvalidStateError>([&] { f.result(); }), "Result is not set.");
  EXPECT_EQ(error_of<InvalidStateError>([&] { f.exception(); }), "Exception is not set.");
  f.set_result(7);
  EXPECT_TRUE(f.done());
  EXPECT_EQ(f.result(), 7);
  EXPECT_EQ(f.exception(), nullptr);
}

TYPED_TEST(FutureTest, FUT02_SettingADoneFutureRaisesInvalidState) {
  Future<int> f = this->loop->template create_future<int>();
  f.set_result(1);
  EXPECT_EQ(error_of<InvalidStateError>([&] { f.set_result(2); }), "invalid state");
  EXPECT_EQ(error_of<InvalidStateError>([&] { f.set_exception(ValueError("x")); }), "invalid state");
  EXPECT_EQ(f.result(), 1);
  Future<void> g = this->loop->create_future();
  EXPECT_TRUE(g.cancel());
  EXPECT_EQ(error_of<InvalidStateError>([&] { g.set_result(); }), "invalid state");
}

TYPED_TEST(FutureTest, FUT03_SetExceptionTakesAnExceptionAndResultRaisesIt) {
  Future<int> f = this->loop->template create_future<int>();
  EXPECT_EQ(error_of<TypeError>([&] { f.set_exception(std::exception_ptr{}); }),
            "invalid exception object");
  EXPECT_FALSE(f.done());
  f.set_exception(ValueError("bad"));
  EXPECT_EQ(error_of<ValueError>([&] { f.result(); }), "bad");
  EXPECT_EQ(describe_exception(f.exception()), "ValueError: bad");
}

// A callback that compares equal to another with the same target (as a bound method does).
struct Rec {
  std::vector<std::string>* out;
  void (*fn)(std::vector<std::string>*);
  void operator()() const { fn(out); }
  bool operator==(const Rec& o) const { return out == o.out && fn == o.fn; }
};

TYPED_TEST(FutureTest, FUT04_RemoveDoneCallbackCountsEveryEqualEntry) {
  std::vector<std::string> ran;
  Future<void> g = this->loop->create_future();
  g.add_done_callback(Rec{&ran, &record_a});
  g.add_done_callback(Rec{&ran, &record_b});
  g.add_done_callback(Rec{&ran, &record_a});
  g.add_done_callback([&ran] { ran.push_back("lambda"); });  // another type: never matches
  EXPECT_EQ(g.remove_done_callback(Rec{&ran, &record_a}), 2u);
  EXPECT_EQ(g.remove_done_callback(Rec{&ran, &record_a}), 0u);
  g.add_done_callback(Rec{&ran, &record_a});
  g.set_result();
  // Once done the callbacks are queued: nothing is left to remove, and they still run.
  EXPECT_EQ(g.remove_done_callback(Rec{&ran, &record_a}), 0u);
  this->run_iterations(1);
  EXPECT_EQ(ran, (std::vector<std::string>{"b", "lambda", "a"}));
}

TYPED_TEST(FutureTest, FUT05_DoneCallbacksGetTheFutureAndRunInTheContextOfTheirAdding) {
  ContextVar<std::string> var("var", "default");
  Future<int> f = this->loop->template create_future<int>();
  std::vector<std::string> seen;
  var.set("when added");
  f.add_done_callback([&](Future<int>& done) {
    seen.push_back(var.get() + " " + std::to_string(done.result()));
  });
  Context explicit_context;
  explicit_context.run([&] { var.set("explicit"); });
  f.add_done_callback(explicit_context, [&](Future<int>& done) {
    seen.push_back(var.get() + " " + std::to_string(done.result()));
  });
  var.set("changed");
  f.set_result(5);
  this->run_iterations(1);
  EXPECT_EQ(seen, (std::vector<std::string>{"when added 5", "explicit 5"}));
}

TYPED_TEST(FutureTest, ORD15_DoneCallbacksAreQueuedInRegistrationOrderNeverInline) {
  std::vector<std::string> ran;
  Future<int> f = this->loop->template create_future<int>();
  f.add_done_callback([&] { ran.push_back("cb1"); });
  f.add_done_callback([&] { ran.push_back("cb2"); });
  this->loop->call_soon([&] {
    this->loop->call_soon([&] { ran.push_back("soon-before-set"); });
    f.set_result(1);
    ran.push_back("after set_result (inline)");
    this->loop->call_soon([&] { ran.push_back("soon-after-set"); });
  });
  this->run_iterations(2);
  EXPECT_EQ(ran, (std::vector<std::string>{"after set_result (inline)", "soon-before-set", "cb1",
                                           "cb2", "soon-after-set"}));
}

TYPED_TEST(FutureTest, ORD16_ACallbackAddedToADoneFutureQueuesBehindWhatIsReady) {
  std::vector<std::string> ran;
  Future<int> f = this->loop->template create_future<int>();
  f.set_result(3);
  this->loop->call_soon([&] { ran.push_back("first"); });
  f.add_done_callback([&](Future<int>& done) { ran.push_back("cb " + std::to_string(done.result())); });
  EXPECT_TRUE(ran.empty());  // never inline
  this->run_iterations(1);
  EXPECT_EQ(ran, (std::vector<std::string>{"first", "cb 3"}));
}

TYPED_TEST(FutureTest, CAN09_CancelOnlyCancelsAPendingFuture) {
  std::vector<std::string> ran;
  Future<int> f = this->loop->template create_future<int>();
  f.add_done_callback([&](Future<int>& done) { ran.push_back(done.cancelled() ? "cancelled" : "?"); });
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.cancel());
  this->run_iterations(1);
  EXPECT_EQ(ran, (std::vector<std::string>{"cancelled"}));
  Future<int> g = this->loop->template create_future<int>();
  g.set_result(1);
  EXPECT_FALSE(g.cancel());
  EXPECT_FALSE(g.cancelled());
  // cancel() also clears the "never retrieved" flag (checked in EXC08 below).
  Future<int> h = this->loop->template create_future<int>();
  h.set_exception(RuntimeError("x"));
  EXPECT_FALSE(h.cancel());
  h = Future<int>{};
  EXPECT_TRUE(this->log()->messages().empty());
}

TYPED_TEST(FutureTest, CAN10_ACancelledFutureRaisesCancelledErrorWithItsMessage) {
  Future<int> f = this->loop->template create_future<int>();
  f.cancel("m");
  try {
    f.result();
    FAIL() << "no exception";
  } catch (const CancelledError& e) {
    ASSERT_TRUE(e.message().has_value());
    EXPECT_EQ(*e.message(), "m");
  }
  EXPECT_EQ(exception_repr(std::make_exception_ptr(CancelledError("m"))), "CancelledError('m')");
  Future<int> g = this->loop->template create_future<int>();
  g.cancel();
  try {
    g.exception();
    FAIL() << "no exception";
  } catch (const CancelledError& e) {
    EXPECT_FALSE(e.message().has_value());  // args == ()
  }
}

TYPED_TEST(FutureTest, CLS09_AFutureOfAClosedLoopChangesStateThenRaisesIfItHasCallbacks) {
  Future<int> with_callback = this->loop->template create_future<int>();
  with_callback.add_done_callback([] {});
  Future<int> without = this->loop->template create_future<int>();
  this->loop->close();
  EXPECT_EQ(error_of<RuntimeError>([&] { with_callback.set_result(1); }), "Event loop is closed");
  EXPECT_TRUE(with_callback.done());
  EXPECT_EQ(with_callback.result(), 1);
  without.set_result(2);  // no callbacks: nothing to schedule, nothing raised
  EXPECT_EQ(without.result(), 2);
  Future<int> made_after_close = this->loop->template create_future<int>();  // CLS-07
  made_after_close.add_done_callback([] {});
  EXPECT_EQ(error_of<RuntimeError>([&] { made_after_close.cancel(); }), "Event loop is closed");
  EXPECT_TRUE(made_after_close.cancelled());
}

TYPED_TEST(FutureTest, EXC08_AnExceptionNeverRetrievedIsReportedWhenTheFutureGoes) {
  std::vector<ExceptionContext> calls;
  this->loop->set_exception_handler([&](EventLoop&, const ExceptionContext& c) { calls.push_back(c); });
  {
    Future<int> f = this->loop->template create_future<int>();
    f.set_exception(RuntimeError("lost"));
  }
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].message, "Future exception was never retrieved");
  EXPECT_EQ(calls[0].keys(), (std::vector<std::string>{"exception", "future", "message"}));
  EXPECT_EQ(describe_exception(calls[0].exception), "RuntimeError: lost");
  EXPECT_EQ(calls[0].value_repr("future"),
            "<Future finished exception=RuntimeError('lost')>");
  {
    Future<int> retrieved = this->loop->template create_future<int>();
    retrieved.set_exception(RuntimeError("seen"));
    retrieved.exception();
    Future<int> via_result = this->loop->template create_future<int>();
    via_result.set_exception(RuntimeError("seen"));
    EXPECT_THROW(via_result.result(), RuntimeError);
  }
  EXPECT_EQ(calls.size(), 1u);
}

TYPED_TEST(FutureTest, EXC08_WithoutAHandlerTheReportIsLoggedInTheDefaultLayout) {
  {
    Future<int> f = this->loop->template create_future<int>();
    f.set_exception(ValueError("v"));
  }
  const auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message,
            "Future exception was never retrieved\nfuture: <Future finished exception=ValueError('v')>");
  EXPECT_EQ(describe_exception(records[0].exc_info), "ValueError: v");
}

TYPED_TEST(FutureTest, EXC08_AFutureThatOutlivesItsLoopStillReports) {
  Future<int> f = this->loop->template create_future<int>();
  f.set_exception(ValueError("late"));
  this->loop->close();
  this->loop.reset();
  f = Future<int>{};
  const auto messages = this->log()->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Future exception was never retrieved", 0), 0u);
}

TYPED_TEST(FutureTest, DBG05_FuturesRecordWhereTheyWereCreatedInDebugMode) {
  this->loop->set_debug(true);
  Future<int> f = this->loop->template create_future<int>();
  const unsigned line = __LINE__ - 1;
  EXPECT_TRUE(f.repr().ends_with("created at " + std::string(__FILE__) + ":" + std::to_string(line) + ">"))
      << f.repr();
  this->loop->set_debug(false);
  Future<int> g = this->loop->template create_future<int>();
  EXPECT_EQ(g.repr(), "<Future pending>");
  f.cancel();
  g.cancel();
}

TYPED_TEST(FutureTest, ReprsFollowTheCFuture) {
  Future<int> f = this->loop->template create_future<int>();
  EXPECT_EQ(f.repr(), "<Future pending>");
  struct Named {
    void operator()() const {}
    static const char* name() { return "cb"; }
  };
  f.add_done_callback(Named{});
  EXPECT_EQ(f.repr(), "<Future pending cb=[cb()]>");
  f.add_done_callback(Named{});
  f.add_done_callback(Named{});
  EXPECT_EQ(f.repr(), "<Future pending cb=[cb(), <1 more>, cb()]>");
  f.set_result(1);
  EXPECT_EQ(f.repr(), "<Future finished result=1>");
  Future<std::string> s = this->loop->template create_future<std::string>();
  s.set_result("x");
  EXPECT_EQ(s.repr(), "<Future finished result='x'>");
  Future<void> v = this->loop->create_future();
  v.cancel();
  EXPECT_EQ(v.repr(), "<Future cancelled>");
  this->run_iterations(1);
}

TYPED_TEST(FutureTest, CallbackErrorsGoToTheHandlerWithTheFutureAsArgument) {
  std::vector<ExceptionContext> calls;
  this->loop->set_exception_handler([&](EventLoop&, const ExceptionContext& c) { calls.push_back(c); });
  Future<int> f = this->loop->template create_future<int>();
  struct Bad {
    void operator()(Future<int>&) const { throw RuntimeError("cb failed"); }
    static const char* name() { return "bad"; }
  };
  f.add_done_callback(Bad{});
  f.set_result(1);
  this->run_iterations(1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].message, "Exception in callback bad(<Future finished result=1>)");
}

}  // namespace
}  // namespace aio::testing
