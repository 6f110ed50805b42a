// The exception handler API and the default handler's log (EXC-01, EXC-03..07).
#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class ExceptionHandlerTest : public LoopTest<B> {
 protected:
  std::vector<ExceptionContext> contexts;
  void TearDown() override {
    contexts.clear();  // they hold Handles
    LoopTest<B>::TearDown();
  }
  void record_contexts() {
    this->loop->set_exception_handler(
        [this](EventLoop&, const ExceptionContext& c) { contexts.push_back(c); });
  }
};
TYPED_TEST_SUITE(ExceptionHandlerTest, AllBackends, BackendNames);

void bad(int) { throw RuntimeError("boom"); }

TYPED_TEST(ExceptionHandlerTest, EXC01_CallbackErrorGoesToTheHandlerAndTheBatchContinues) {
  this->record_contexts();
  std::vector<std::string> ran;
  Handle h = this->loop->call_soon(bad, 1);
  this->loop->call_soon([&] { ran.push_back("next"); });
  this->run_iterations(1);
  EXPECT_EQ(ran, std::vector<std::string>{"next"});
  ASSERT_EQ(this->contexts.size(), 1u);
  const ExceptionContext& c = this->contexts[0];
  EXPECT_EQ(c.message.rfind("Exception in callback ", 0), 0u) << c.message;
  EXPECT_NE(c.message.find("(1) at "), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("exception_handler_test.cpp:"), std::string::npos) << c.message;
  EXPECT_EQ(describe_exception(c.exception), "RuntimeError: boom");
  EXPECT_TRUE(c.handle == h);
  EXPECT_EQ(c.keys(), (std::vector<std::string>{"exception", "handle", "message"}));
  EXPECT_FALSE(c.source_traceback.has_value());  // debug mode only
}

TYPED_TEST(ExceptionHandlerTest, EXC01_NonStdExceptionsAndStdErrorsAreCaughtToo) {
  this->record_contexts();
  this->loop->call_soon([] { throw 42; });
  this->loop->call_soon([] { throw std::logic_error("logic"); });
  this->run_iterations(1);
  ASSERT_EQ(this->contexts.size(), 2u);
  EXPECT_EQ(describe_exception(this->contexts[1].exception), "std::logic_error: logic");
}

TYPED_TEST(ExceptionHandlerTest, EXC01_DebugModeAddsSourceTraceback) {
  this->record_contexts();
  this->loop->set_debug(true);
  this->loop->call_soon(bad, 2);
  const int line = __LINE__ - 1;
  this->run_iterations(1);
  ASSERT_EQ(this->contexts.size(), 1u);
  ASSERT_TRUE(this->contexts[0].source_traceback.has_value());
  EXPECT_EQ(this->contexts[0].source_traceback->line, static_cast<unsigned>(line));
  EXPECT_EQ(this->contexts[0].keys(),
            (std::vector<std::string>{"exception", "handle", "message", "source_traceback"}));
}

TYPED_TEST(ExceptionHandlerTest, EXC03_EmptyHandlerRestoresTheDefault) {
  EXPECT_FALSE(this->loop->get_exception_handler());
  this->record_contexts();
  EXPECT_TRUE(this->loop->get_exception_handler());
  this->loop->set_exception_handler(nullptr);
  EXPECT_FALSE(this->loop->get_exception_handler());
  this->loop->call_soon(bad, 3);
  this->run_iterations(1);
  EXPECT_TRUE(this->contexts.empty());
  ASSERT_EQ(this->log()->records().size(), 1u);  // the default handler logged it
  // A non-callable handler (TypeError in Python) cannot be expressed: the type requires one.
  static_assert(!std::is_constructible_v<ExceptionHandler, int>);
}

TYPED_TEST(ExceptionHandlerTest, EXC03_CustomHandlerGetsTheLoopAndTheContext) {
  EventLoop* seen = nullptr;
  this->loop->set_exception_handler([&](EventLoop& l, const ExceptionContext&) { seen = &l; });
  this->loop->call_soon(bad, 4);
  this->run_iterations(1);
  EXPECT_EQ(seen, this->loop.get());
}

TYPED_TEST(ExceptionHandlerTest, EXC04_FailingHandlerFallsBackToTheDefaultWithContext) {
  this->loop->set_exception_handler(
      [](EventLoop&, const ExceptionContext&) { throw ValueError("handler broke"); });
  this->loop->call_soon(bad, 5);
  this->run_iterations(1);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  const std::string& m = records[0].message;
  EXPECT_EQ(m.rfind("Unhandled error in exception handler\ncontext: {'message': 'Exception in callback ", 0), 0u) << m;
  EXPECT_NE(m.find("'exception': RuntimeError('boom')"), std::string::npos) << m;
  EXPECT_EQ(describe_exception(records[0].exc_info), "ValueError: handler broke");
}

class BrokenDefaultLoop : public EventLoop {
 public:
  using EventLoop::EventLoop;
  void default_exception_handler(const ExceptionContext&) override { throw RuntimeError("default broke"); }
};

TYPED_TEST(ExceptionHandlerTest, EXC05_BrokenDefaultHandlerIsLogged) {
  BrokenDefaultLoop broken(this->backend.seams());
  this->log()->clear();
  broken.call_soon(bad, 6);
  broken.stop();
  broken.run_forever();
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message, "Exception in default exception handler");
  EXPECT_EQ(describe_exception(records[0].exc_info), "RuntimeError: default broke");
  // And with a custom handler failing first:
  this->log()->clear();
  broken.set_exception_handler([](EventLoop&, const ExceptionContext&) { throw ValueError("x"); });
  broken.call_soon(bad, 7);
  broken.stop();
  broken.run_forever();
  records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message,
            "Exception in default exception handler while handling an unexpected error in "
            "custom exception handler");
  broken.close();
}

TYPED_TEST(ExceptionHandlerTest, EXC06_BaseExceptionFromAHandlerPropagates) {
  this->loop->set_exception_handler([](EventLoop&, const ExceptionContext&) { throw KeyboardInterrupt(); });
  std::vector<int> ran;
  this->loop->call_soon(bad, 8);
  this->loop->call_soon([&] { ran.push_back(2); });
  EXPECT_THROW(this->loop->run_forever(), KeyboardInterrupt);
  EXPECT_TRUE(ran.empty());
  EXPECT_EQ(this->loop->ready_count(), 1u);  // the rest of the batch waits
  this->loop->set_exception_handler(nullptr);
  this->run_iterations(1);
  EXPECT_EQ(ran, std::vector<int>{2});
  // Directly, too.
  this->loop->set_exception_handler([](EventLoop&, const ExceptionContext&) { throw SystemExit(1); });
  ExceptionContext c;
  c.message = "direct";
  EXPECT_THROW(this->loop->call_exception_handler(c), SystemExit);
}

TYPED_TEST(ExceptionHandlerTest, EXC07_DefaultLogLayoutIsMessageThenSortedKeys) {
  // V: {'message': 'hello', 'zeta': 1, 'alpha': 'a'} logs "hello\nalpha: 'a'\nzeta: 1".
  ExceptionContext c;
  c.message = "hello";
  c.extra["zeta"] = repr(1);
  c.extra["alpha"] = repr("a");
  this->loop->call_exception_handler(c);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message, "hello\nalpha: 'a'\nzeta: 1");
  EXPECT_EQ(records[0].level, LogLevel::error);
  EXPECT_EQ(records[0].logger, "asyncio");
  EXPECT_FALSE(records[0].exc_info);
}

TYPED_TEST(ExceptionHandlerTest, EXC07_MissingMessageAndExceptionInfo) {
  ExceptionContext c;
  c.exception = std::make_exception_ptr(TypeError("t"));
  c.future = std::make_shared<ReprObject>("<Future finished>");
  this->loop->call_exception_handler(c);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].message, "Unhandled exception in event loop\nfuture: <Future finished>");
  EXPECT_EQ(describe_exception(records[0].exc_info), "TypeError: t");
  EXPECT_EQ(format_log_record(records[0]),
            "ERROR:asyncio:Unhandled exception in event loop\nfuture: <Future finished>\nTypeError: t");
}

TYPED_TEST(ExceptionHandlerTest, EXC07_TracebacksAreWrittenAsFrames) {
  this->loop->set_debug(true);
  this->loop->call_soon(bad, 9);
  this->run_iterations(1);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  const std::string& m = records[0].message;
  EXPECT_NE(m.find("\nhandle: <Handle "), std::string::npos) << m;
  EXPECT_NE(m.find("\nsource_traceback: Object created at (most recent call last):\n  File \""),
            std::string::npos) << m;
}

TYPED_TEST(ExceptionHandlerTest, EXC07_HandleTracebackAddedForTheCurrentHandle) {
  // In debug mode, a context without source_traceback reported from inside a callback gets
  // the running handle's origin.
  this->loop->set_debug(true);
  this->loop->call_soon([this] {
    ExceptionContext c;
    c.message = "from inside";
    this->loop->call_exception_handler(c);
  });
  this->run_iterations(1);
  auto records = this->log()->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].message.find("from inside\nhandle_traceback: Handle created at (most recent call last):\n"),
            std::string::npos) << records[0].message;
}

}  // namespace
}  // namespace aio::testing
