// add_reader, remove_reader, add_writer, remove_writer (IO-01..08) and I/O ordering
// (ORD-04, ORD-17..19), on every selector and on the simulator.
#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class WatchFdsTest : public LoopTest<B> {
 protected:
  // Data arrives on `fd` now (real) or at virtual time `at` (simulator, as a world event).
  void arrive(int fd, double at = 0.0) {
    if constexpr (B::simulated) {
      if (at > 0) {
        this->backend.world.call_later(at, [this, fd] { this->write_byte(fd); });
        return;
      }
    }
    this->write_byte(fd);
  }
};
TYPED_TEST_SUITE(WatchFdsTest, IoBackends, BackendNames);

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TYPED_TEST(WatchFdsTest, IO01_AddReaderReplacesAndCancelsTheOldReader) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  std::vector<std::string> ran;
  this->loop->add_reader(r, [&] { ran.push_back("first"); });
  Handle first = this->loop->reader_handle(r);
  this->loop->add_reader(r, [&] { ran.push_back("second"); });
  EXPECT_TRUE(first.cancelled());
  this->write_byte(w);
  this->run_iterations(1);
  EXPECT_EQ(ran, std::vector<std::string>{"second"});
  EXPECT_TRUE(this->loop->remove_reader(r));
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO01_ReplacingAQueuedReaderSkipsTheQueuedRun) {
  // V: only 'second' fired. A call_soon callback runs in the same batch as this iteration's
  // I/O callbacks, after they were queued: replacing the reader there cancels the queued run.
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  std::vector<std::string> ran;
  this->write_byte(w);
  this->loop->add_reader(r, [&] { ran.push_back("first"); });
  this->loop->call_soon([&, r = r] { this->loop->add_reader(r, [&] { ran.push_back("second"); }); });
  this->run_iterations(1);
  EXPECT_TRUE(ran.empty());
  this->run_iterations(1);
  EXPECT_EQ(ran, std::vector<std::string>{"second"});
  this->loop->remove_reader(r);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO02_RemoveReaderReturnsWhetherOneWasRegistered) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  EXPECT_FALSE(this->loop->remove_reader(r));
  EXPECT_FALSE(this->loop->remove_reader(9999));
  this->loop->add_reader(r, [] {});
  EXPECT_EQ(this->loop->selector().size(), 1u);
  EXPECT_TRUE(this->loop->remove_reader(r));
  EXPECT_FALSE(this->loop->remove_reader(r));
  EXPECT_EQ(this->loop->selector().size(), 0u);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO02_RemovingOneDirectionKeepsTheOther) {
  const std::pair<int, int> ab = this->loop->os().socketpair();
  [[maybe_unused]] const int a = ab.first, b = ab.second;
  int reads = 0, writes = 0;
  this->loop->add_reader(a, [&] { ++reads; });
  this->loop->add_writer(a, [&] { ++writes; });
  EXPECT_EQ(this->loop->selector().size(), 1u);
  EXPECT_TRUE(this->loop->remove_reader(a));
  EXPECT_EQ(this->loop->selector().size(), 1u);
  this->write_byte(b);
  this->run_iterations(1);
  EXPECT_EQ(reads, 0);
  EXPECT_EQ(writes, 1);
  EXPECT_TRUE(this->loop->remove_writer(a));
  EXPECT_EQ(this->loop->selector().size(), 0u);
  this->loop->os().close(a);
  this->loop->os().close(b);
}

TYPED_TEST(WatchFdsTest, IO03_WritersBehaveAsReaders) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  int writes = 0;
  EXPECT_FALSE(this->loop->remove_writer(w));
  this->loop->add_writer(w, [&] { ++writes; });
  Handle first = this->loop->writer_handle(w);
  this->loop->add_writer(w, [&] { writes += 10; });
  EXPECT_TRUE(first.cancelled());
  this->run_iterations(1);
  EXPECT_EQ(writes, 10);
  EXPECT_TRUE(this->loop->remove_writer(w));
  EXPECT_FALSE(this->loop->remove_writer(w));
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO04_InvalidFileDescriptors) {
  EXPECT_EQ(error_of([&] { this->loop->add_reader(-1, [] {}); }), "Invalid file descriptor: -1");
  EXPECT_EQ(error_of([&] { this->loop->add_writer(-1, [] {}); }), "Invalid file descriptor: -1");
  EXPECT_THROW(this->loop->remove_reader(-1), ValueError);
  // An fd that is not open: epoll (and the simulator) refuse it with OSError and nothing is
  // kept; poll and select accept it, as CPython's PollSelector and SelectSelector do.
  if (std::string(TypeParam::name()) == "epoll" || TypeParam::simulated) {
    EXPECT_THROW(this->loop->add_reader(1000, [] {}), OSError);
    EXPECT_FALSE(this->loop->remove_reader(1000));
  } else {
    EXPECT_NO_THROW(this->loop->add_reader(1000, [] {}));
    EXPECT_TRUE(this->loop->remove_reader(1000));
  }
  EXPECT_EQ(this->loop->selector().size(), 0u);
}

TYPED_TEST(WatchFdsTest, IO06_RemovedReaderQueuedThisIterationIsSkipped) {
  // V: two ready readers that each remove the other: only the first runs.
  const std::pair<int, int> r1w1 = this->make_pipe();
  [[maybe_unused]] const int r1 = r1w1.first, w1 = r1w1.second;
  const std::pair<int, int> r2w2 = this->make_pipe();
  [[maybe_unused]] const int r2 = r2w2.first, w2 = r2w2.second;
  std::vector<int> ran;
  this->loop->add_reader(r1, [&, r2 = r2] { ran.push_back(1); this->loop->remove_reader(r2); });
  this->loop->add_reader(r2, [&, r1 = r1] { ran.push_back(2); this->loop->remove_reader(r1); });
  this->write_byte(w1);
  this->write_byte(w2);
  this->run_iterations(1);
  EXPECT_EQ(ran.size(), 1u);
  this->loop->remove_reader(r1);
  this->loop->remove_reader(r2);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO07_CancelledReaderIsUnregisteredInsteadOfQueued) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  bool ran = false;
  this->loop->add_reader(r, [&] { ran = true; });
  this->loop->reader_handle(r).cancel();
  this->write_byte(w);
  this->run_iterations(1);
  EXPECT_FALSE(ran);
  EXPECT_EQ(this->loop->selector().size(), 0u);
  EXPECT_FALSE(this->loop->remove_reader(r));
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO08_ReaderErrorsGoToTheExceptionHandler) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  std::vector<std::string> messages;
  this->loop->set_exception_handler(
      [&](EventLoop&, const ExceptionContext& c) { messages.push_back(c.message); });
  this->loop->add_reader(r, [] { throw RuntimeError("reader failed"); });
  this->write_byte(w);
  int after = 0;
  this->loop->call_later(-1, [&] { ++after; });
  this->run_iterations(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("Exception in callback ", 0), 0u);
  EXPECT_EQ(after, 1);
  this->loop->remove_reader(r);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, ORD04_PhaseOrderIsReadyThenIoThenTimers) {
  // V: ['soon', 'reader', 'timer(registered first)'].
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  std::vector<std::string> ran;
  this->loop->call_later(-1, [&] { ran.push_back("timer"); });
  this->loop->add_reader(r, [&] { ran.push_back("reader"); });
  this->loop->call_soon([&] { ran.push_back("soon"); });
  this->write_byte(w);
  this->run_iterations(1);
  EXPECT_EQ(ran, (std::vector<std::string>{"soon", "reader", "timer"}));
  this->loop->remove_reader(r);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, ORD17_ReaderBeforeWriterOnTheSameFd) {
  const std::pair<int, int> ab = this->loop->os().socketpair();
  [[maybe_unused]] const int a = ab.first, b = ab.second;
  std::vector<std::string> ran;
  this->loop->add_writer(a, [&] { ran.push_back("W"); });
  this->loop->add_reader(a, [&] { ran.push_back("R"); });
  this->write_byte(b);
  this->run_iterations(1);
  EXPECT_EQ(ran, (std::vector<std::string>{"R", "W"}));
  this->loop->remove_reader(a);
  this->loop->remove_writer(a);
  this->loop->os().close(a);
  this->loop->os().close(b);
}

TYPED_TEST(WatchFdsTest, ORD18_FdsRunInTheSelectorsOrder) {
  // The order is the selector's (epoll: readiness order; poll/select: fd order; simulator:
  // readiness order, as epoll). Whatever it is, it holds again next iteration.
  std::vector<std::pair<int, int>> pipes;
  for (int i = 0; i < 4; ++i) pipes.push_back(this->make_pipe());
  std::vector<int> ran;
  for (int i = 0; i < 4; ++i) this->loop->add_reader(pipes[i].first, [&ran, i] { ran.push_back(i); });
  for (int i : {2, 0, 3, 1}) this->write_byte(pipes[i].second);
  this->run_iterations(1);
  ASSERT_EQ(ran.size(), 4u);
  std::vector<int> first(ran);
  if (std::string(TypeParam::name()) == "epoll" || TypeParam::simulated)
    EXPECT_EQ(first, (std::vector<int>{2, 0, 3, 1}));
  else
    EXPECT_EQ(first, (std::vector<int>{0, 1, 2, 3}));
  ran.clear();
  this->run_iterations(1);
  EXPECT_EQ(ran, first);
  for (auto [r, w] : pipes) this->loop->remove_reader(r);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, ORD19_ReadinessIsLevelTriggered) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  std::vector<std::string> ran;
  this->loop->add_reader(r, [&] { ran.push_back("L"); });
  this->write_byte(w);
  this->run_iterations(3);
  EXPECT_EQ(ran, (std::vector<std::string>{"L", "L", "L"}));
  this->loop->remove_reader(r);
  this->close_pipes();
}

TYPED_TEST(WatchFdsTest, IO08_ReaderWakesABlockedLoopWhenDataArrives) {
  const std::pair<int, int> rw = this->make_pipe();
  [[maybe_unused]] const int r = rw.first, w = rw.second;
  const double start = this->loop->time();
  double woke = -1;
  this->loop->add_reader(r, [&, r = r] {
    woke = this->loop->time();
    this->loop->remove_reader(r);
    this->loop->stop();
  });
  this->loop->call_later(10, [] {}).cancel();
  if constexpr (TypeParam::simulated) {
    this->arrive(w, 0.25);
    this->loop->run_forever();
    EXPECT_DOUBLE_EQ(woke, start + 0.25);
  } else {
    this->arrive(w);
    this->loop->run_forever();
    this->expect_time(woke, start);
  }
  this->close_pipes();
}

}  // namespace
}  // namespace aio::testing

namespace aio::testing {
namespace {

template <class B>
class TransportFdTest : public LoopTest<B> {};
TYPED_TEST_SUITE(TransportFdTest, AllBackends, BackendNames);

struct FakeTransport final : FdOwner {
  bool closing = false;
  bool is_closing() const override { return closing; }
  std::string repr() const override { return "<_SelectorSocketTransport fd=7>"; }
};

TYPED_TEST(TransportFdTest, IO05_FdOwnedByALiveTransportIsRefused) {
  const std::pair<int, int> rw = this->make_pipe();
  const int r = rw.first;
  auto transport = std::make_shared<FakeTransport>();
  this->loop->attach_transport(r, transport);
  const std::string expected = "File descriptor " + std::to_string(r) +
                               " is used by transport <_SelectorSocketTransport fd=7>";
  for (int op = 0; op < 4; ++op) {
    try {
      if (op == 0) this->loop->add_reader(r, [] {});
      if (op == 1) this->loop->add_writer(r, [] {});
      if (op == 2) this->loop->remove_reader(r);
      if (op == 3) this->loop->remove_writer(r);
      ADD_FAILURE() << "operation " << op << " was allowed";
    } catch (const RuntimeError& e) {
      EXPECT_EQ(e.what(), expected);
    }
  }
  transport->closing = true;  // a closing transport no longer owns it
  EXPECT_NO_THROW(this->loop->add_reader(r, [] {}));
  EXPECT_TRUE(this->loop->remove_reader(r));
  transport->closing = false;
  transport.reset();  // nor does a transport that is gone
  EXPECT_NO_THROW(this->loop->add_reader(r, [] {}));
  EXPECT_TRUE(this->loop->remove_reader(r));
  this->loop->detach_transport(r);
  this->close_pipes();
}

}  // namespace
}  // namespace aio::testing
