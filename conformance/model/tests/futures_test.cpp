// Futures (the C Future's behaviour) and gather, driven directly.
#include <gtest/gtest.h>

#include "gather.h"
#include "model_util.h"

namespace loopcheck::refmodel {
namespace {

using testing::Log;
using testing::run_until;
using Strings = std::vector<std::string>;

// "Type: message" of what `call` raises, or "no error".
template <class F>
std::string raised(F&& call) {
  try {
    call();
  } catch (const PyError& e) {
    return e.exc->type + ": " + e.exc->message;
  }
  return "no error";
}

DoneCallback logging(Log& log, const std::string& name) {
  return DoneCallback{&log, [&log, name](Future*) { log.items.push_back(name); }};
}

TEST(Future, ORD15_DoneCallbacksAreScheduledInOrderNeverInline) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  f->add_done_callback(logging(log, "cb1"));
  f->add_done_callback(logging(log, "cb2"));
  loop.call_soon(log.add("soon-before"));
  f->set_result(1);
  log.items.push_back("after set_result");
  loop.call_soon(log.add("soon-after"));
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"after set_result", "soon-before", "cb1", "cb2", "soon-after"}));
}

TEST(Future, ORD16_CallbackAddedWhenDoneQueuesBehindTheReadyOnes) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  f->set_result(nullptr);
  loop.call_soon(log.add("ready"));
  f->add_done_callback(logging(log, "cb"));
  run_until(loop, 0);
  EXPECT_EQ(log.items, (Strings{"ready", "cb"}));
}

TEST(Future, FUT01_FUT02_InvalidStateMessagesAreTheCFuturesOnes) {
  EventLoop loop;
  Future* f = loop.create_future();
  EXPECT_EQ(raised([&] { f->result(); }), "InvalidStateError: Result is not set.");
  EXPECT_EQ(raised([&] { f->exception(); }), "InvalidStateError: Exception is not set.");
  f->set_result(1);
  EXPECT_EQ(raised([&] { f->set_result(2); }), "InvalidStateError: invalid state");
  EXPECT_EQ(raised([&] { f->set_exception(make_exception("ValueError")); }),
            "InvalidStateError: invalid state");
  EXPECT_EQ(f->result(), 1);
  EXPECT_FALSE(f->cancel());
}

TEST(Future, FUT04_RemoveDoneCallbackRemovesEveryCopyAndCounts) {
  EventLoop loop;
  Log log, other;
  Future* f = loop.create_future();
  f->add_done_callback(logging(log, "a"));
  f->add_done_callback(logging(other, "b"));
  f->add_done_callback(logging(log, "a"));
  EXPECT_EQ(f->remove_done_callback(&log), 2);
  EXPECT_EQ(f->remove_done_callback(&log), 0);
  f->set_result(nullptr);
  run_until(loop, 0);
  EXPECT_TRUE(log.items.empty());
  EXPECT_EQ(other.items, (Strings{"b"}));
}

TEST(Future, CAN10_CancelledFutureRaisesCancelledErrorWithTheMessageEveryTime) {
  EventLoop loop;
  Future* f = loop.create_future();
  EXPECT_TRUE(f->cancel(std::string("why")));
  EXPECT_FALSE(f->cancel(std::string("again")));
  EXPECT_EQ(raised([&] { f->result(); }), "CancelledError: why");
  EXPECT_EQ(raised([&] { f->exception(); }), "CancelledError: why");
  Future* g = loop.create_future();
  g->cancel();
  EXPECT_EQ(raised([&] { g->result(); }), "CancelledError: ");
}

TEST(Future, CLS09_SetResultOnAClosedLoopChangesTheStateThenRaises) {
  EventLoop loop;
  Log log;
  Future* f = loop.create_future();
  f->add_done_callback(logging(log, "cb"));
  loop.close();
  EXPECT_EQ(raised([&] { f->set_result(7); }), "RuntimeError: Event loop is closed");
  EXPECT_TRUE(f->done());
  EXPECT_EQ(f->result(), 7);
}

TEST(Gather, FUT13_ResultsComeInArgumentOrder) {
  EventLoop loop;
  Future* a = loop.create_future();
  Future* b = loop.create_future();
  GatheringFuture* g = gather(loop, {a, b, a}, false);
  b->set_result("b");
  a->set_result("a");
  run_until(loop, 0);
  ASSERT_TRUE(g->done());
  EXPECT_EQ(g->result(), nlohmann::json({"a", "b", "a"}));
}

TEST(Gather, FUT13_FirstExceptionWinsWithoutReturnExceptions) {
  EventLoop loop;
  Future* a = loop.create_future();
  Future* b = loop.create_future();
  GatheringFuture* g = gather(loop, {a, b}, false);
  b->set_exception(make_exception("ValueError", "boom"));
  run_until(loop, 0);
  EXPECT_EQ(raised([&] { g->result(); }), "ValueError: boom");
  EXPECT_FALSE(a->done());
}

TEST(Gather, FUT13_ReturnExceptionsListsCancelledChildrenWithTheirMessage) {
  EventLoop loop;
  Future* a = loop.create_future();
  Future* b = loop.create_future();
  GatheringFuture* g = gather(loop, {a, b}, true);
  a->set_exception(make_exception("ValueError", "v"));
  b->cancel(std::string("fm"));
  run_until(loop, 0);
  EXPECT_EQ(g->result(), nlohmann::json::parse(R"([{"type": "ValueError", "message": "v"},
                                                   {"type": "CancelledError", "message": "fm"}])"));
}

TEST(Gather, CancelCancelsTheChildrenAndTheOutcomeIsACancelledError) {
  EventLoop loop;
  Future* a = loop.create_future();
  GatheringFuture* g = gather(loop, {a}, true);
  EXPECT_TRUE(g->cancel(std::string("stop")));
  EXPECT_TRUE(a->cancelled());
  EXPECT_FALSE(g->done());  // like Task.cancel, not at once
  run_until(loop, 0);
  EXPECT_FALSE(g->cancelled());  // set_exception(CancelledError), so finished
  EXPECT_EQ(raised([&] { g->exception(); }), "no error");
  EXPECT_EQ(g->exception()->type, "CancelledError");
  EXPECT_EQ(g->exception()->message, "stop");
}

}  // namespace
}  // namespace loopcheck::refmodel
