// Context and ContextVar, and the contexts callbacks and tasks run in (ORD-13, FUT-05).
#include <stdexcept>
#include <string>
#include <vector>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class Backend>
using ContextTest = LoopTest<Backend>;
TYPED_TEST_SUITE(ContextTest, AllBackends, BackendNames);

TYPED_TEST(ContextTest, ORD13_ACallbackSeesTheContextCopiedWhenItWasScheduled) {
  ContextVar<int> var("var", 0);
  std::vector<int> seen;
  var.set(1);
  this->loop->call_soon([&] { seen.push_back(var.get()); });
  var.set(2);  // after scheduling: not seen by the first callback
  this->loop->call_soon([&] { seen.push_back(var.get()); });
  this->loop->call_later(0.001, [&] { seen.push_back(var.get()); });
  var.set(3);
  this->loop->call_later(0.01, [this] { this->loop->stop(); });
  this->loop->run_forever();
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 2}));
}

TYPED_TEST(ContextTest, ORD13_WhatACallbackSetsStaysInItsOwnCopy) {
  ContextVar<std::string> var("var", "outer");
  std::vector<std::string> seen;
  this->loop->call_soon([&] {
    var.set("inside");
    this->loop->call_soon([&] { seen.push_back("child " + var.get()); });  // copies "inside"
  });
  this->loop->call_soon([&] { seen.push_back("sibling " + var.get()); });
  this->run_iterations(2);
  EXPECT_EQ(seen, (std::vector<std::string>{"sibling outer", "child inside"}));
  EXPECT_EQ(var.get(), "outer");  // the scheduling thread's context is untouched
}

// A callback that raises after setting a variable leaves nothing behind for the next one of
// its batch: each runs in its own copy, raising or not.
TYPED_TEST(ContextTest, ORD13_WhatARaisingCallbackSetIsGoneForTheNextOne) {
  ContextVar<std::string> var("var", "outer");
  std::vector<std::string> seen;
  int handled = 0;
  this->loop->set_exception_handler([&](EventLoop&, const ExceptionContext&) { ++handled; });
  this->loop->call_soon([&] {
    var.set("set before raising");
    throw std::runtime_error("boom");
  });
  this->loop->call_soon([&] { seen.push_back(var.get()); });
  this->run_iterations(1);
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"outer"}));
}

TYPED_TEST(ContextTest, ORD13_AnExplicitContextIsUsedAndKeepsWhatTheCallbackSets) {
  ContextVar<int> var("var", 0);
  Context context;
  context.run([&] { var.set(10); });
  std::vector<int> seen;
  this->loop->call_soon(context, [&] {
    seen.push_back(var.get());
    var.set(11);
  });
  this->loop->call_later(context, 0.001, [&] { seen.push_back(var.get()); });
  this->loop->call_at(context, this->loop->time() + 0.002, [&] { seen.push_back(var.get()); });
  this->loop->call_later(0.01, [this] { this->loop->stop(); });
  this->loop->run_forever();
  EXPECT_EQ(seen, (std::vector<int>{10, 11, 11}));
  EXPECT_EQ(context.run([&] { return var.get(); }), 11);
  EXPECT_EQ(var.get(), 0);
}

TYPED_TEST(ContextTest, ORD13_ACallbackScheduledFromAnotherThreadUsesThatThreadsContext) {
  ContextVar<int> var("var", 0);
  int seen = -1;
  this->backend.in_other_thread(0.001, [&] {
    var.set(5);  // on the simulator this is the loop's thread, inside select
    this->loop->call_soon_threadsafe([&] {
      seen = var.get();
      this->loop->stop();
    });
  });
  this->loop->call_later(1.0, [] {});
  this->loop->run_forever();
  this->backend.join_threads();
  EXPECT_EQ(seen, 5);
}

TYPED_TEST(ContextTest, ORD13_AReaderRunsEveryTimeInTheContextItsHandleCopied) {
  ContextVar<std::string> var("var", "");
  std::vector<std::string> seen;
  auto [r, w] = this->make_pipe();
  var.set("at add_reader");
  int calls = 0;
  this->loop->add_reader(r, [&, fd = r] {
    seen.push_back(var.get());
    var.set("set by the reader");
    std::byte b[1];
    this->loop->os().read(fd, b);
    if (++calls == 2) {
      this->loop->remove_reader(fd);
      this->loop->stop();
    }
  });
  var.set("later");
  this->write_byte(w);
  this->write_byte(w);
  this->loop->run_forever();
  EXPECT_EQ(seen, (std::vector<std::string>{"at add_reader", "set by the reader"}));
  this->close_pipes();
}

TYPED_TEST(ContextTest, ORD13_CallSoonThreadsafeTakesAContextToo) {
  ContextVar<int> var("var", 0);
  Context context;
  context.run([&] { var.set(3); });
  int seen = -1;
  this->loop->call_soon_threadsafe(context, [&] { seen = var.get(); });
  this->run_iterations(1);
  EXPECT_EQ(seen, 3);
}

TYPED_TEST(ContextTest, ExecutorWorkStartsInAnEmptyContext) {
  ContextVar<int> var("var", 0);
  var.set(9);
  int seen = -1;
  auto body = [&]() -> Coro<void> {
    co_await this->loop->run_in_executor(nullptr, [&] { seen = var.get(); });
  };
  this->run(body());
  EXPECT_EQ(seen, 0);  // the default, as on a fresh worker thread
}

TYPED_TEST(ContextTest, ATaskRunsEveryStepInItsOwnContext) {
  ContextVar<int> var("var", 0);
  var.set(1);
  std::vector<int> seen;
  auto body = [&]() -> Coro<void> {
    seen.push_back(var.get());  // copied at creation
    var.set(2);
    co_await aio::sleep(0);
    seen.push_back(var.get());  // kept between steps
  };
  Task<void> t = this->loop->create_task(body());
  var.set(9);
  this->run(t);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(var.get(), 9);
  Context given;
  given.run([&] { var.set(7); });
  auto reads = [&]() -> Coro<int> { co_return var.get(); };
  EXPECT_EQ(this->run(this->loop->create_task(reads(), std::nullopt, given)), 7);
}

TEST(ContextVarTest, GetSetResetAndRun) {
  ContextVar<int> no_default("n");
  EXPECT_THROW(no_default.get(), LookupError);
  EXPECT_EQ(no_default.get(3), 3);
  Context context;
  ContextVarToken token = context.run([&] { return no_default.set(1); });
  EXPECT_EQ(context.run([&] { return no_default.get(); }), 1);
  EXPECT_EQ(context.size(), 1u);
  EXPECT_THROW(no_default.reset(token), ValueError);  // made in another context
  context.run([&] { no_default.reset(token); });
  EXPECT_TRUE(token.used());
  EXPECT_THROW(context.run([&] { no_default.reset(token); }), RuntimeError);
  EXPECT_THROW(context.run([&] { return no_default.get(); }), LookupError);
  // A context can be entered by one run() at a time.
  EXPECT_THROW(context.run([&] { context.run([] {}); }), RuntimeError);
  Context copy = context.run([] { return copy_context(); });
  EXPECT_FALSE(copy == context);
}

}  // namespace
}  // namespace aio::testing
