// call_soon and call_soon_threadsafe ordering, and batching (ORD-01..03).
#include <thread>

#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class CallSoonTest : public LoopTest<B> {};
TYPED_TEST_SUITE(CallSoonTest, AllBackends, BackendNames);

TYPED_TEST(CallSoonTest, ORD01_CallbacksRunFifoExactlyOnce) {
  std::vector<int> ran;
  for (int i = 0; i < 100; ++i) this->loop->call_soon([&ran](int n) { ran.push_back(n); }, i);
  this->loop->call_soon([this] { this->loop->stop(); });
  this->loop->run_forever();
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[i], i);
}

TYPED_TEST(CallSoonTest, ORD01_CallbacksTakeArgumentsByValue) {
  std::vector<std::string> got;
  std::string word = "hello";
  this->loop->call_soon([&got](std::string a, int b, double c) {
    got.push_back(a + std::to_string(b) + std::to_string(static_cast<int>(c)));
  }, word, 2, 3.0);
  word = "changed";  // arguments were copied at scheduling time
  this->run_iterations(1);
  EXPECT_EQ(got, std::vector<std::string>{"hello23"});
}

TYPED_TEST(CallSoonTest, ORD01_FiveAndMoreArgumentsWork) {
  int sum = 0;
  this->loop->call_soon([&sum](int a, int b, int c, int d, int e, int f) { sum = a + b + c + d + e + f; },
                        1, 2, 3, 4, 5, 6);
  this->run_iterations(1);
  EXPECT_EQ(sum, 21);
}

TYPED_TEST(CallSoonTest, ORD02_ThreadsafeKeepsOrderWithCallSoonInSameThread) {
  // test_call_soon_threadsafe_same_thread expects ['hello', 'world'].
  std::vector<std::string> ran;
  this->loop->call_soon_threadsafe([&ran] { ran.push_back("hello"); });
  this->loop->call_soon([&ran] { ran.push_back("world"); });
  this->loop->call_soon([this] { this->loop->stop(); });
  this->loop->run_forever();
  EXPECT_EQ(ran, (std::vector<std::string>{"hello", "world"}));
}

TYPED_TEST(CallSoonTest, ORD02_ThreadsafeFromAnotherThreadOrderedByAppendTime) {
  // The other thread's call happens before the loop thread's second call_soon (join), so it
  // must run between the two.
  std::vector<std::string> ran;
  this->loop->call_soon([&] {
    this->loop->call_soon([&ran] { ran.push_back("A"); });
    std::thread other([&] { this->loop->call_soon_threadsafe([&ran] { ran.push_back("B"); }); });
    other.join();
    this->loop->call_soon([&ran] { ran.push_back("C"); });
    this->loop->call_soon([this] { this->loop->stop(); });
  });
  this->loop->run_forever();
  EXPECT_EQ(ran, (std::vector<std::string>{"A", "B", "C"}));
}

TYPED_TEST(CallSoonTest, ORD03_CallbacksScheduledDuringBatchWaitForNextIteration) {
  std::vector<std::pair<std::string, std::uint64_t>> ran;
  auto record = [&](const char* name) { ran.emplace_back(name, this->loop->iteration_count()); };
  this->loop->call_soon([&] {
    record("A");
    this->loop->call_soon([&] { record("C"); });
  });
  this->loop->call_soon([&] { record("B"); });
  this->run_iterations(1);
  ASSERT_EQ(ran.size(), 2u);
  EXPECT_EQ(this->loop->ready_count(), 1u);  // C is queued, not run
  this->run_iterations(1);
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran[0].first, "A");
  EXPECT_EQ(ran[1].first, "B");
  EXPECT_EQ(ran[2].first, "C");
  EXPECT_EQ(ran[0].second, ran[1].second);
  EXPECT_EQ(ran[2].second, ran[1].second + 1);
}

TYPED_TEST(CallSoonTest, ORD03_ChainOfCallSoonTakesOneIterationEach) {
  int remaining = 10;
  std::function<void()> step = [&] {
    if (--remaining > 0)
      this->loop->call_soon(step);
    else
      this->loop->stop();
  };
  this->loop->call_soon(step);
  const auto before = this->loop->iteration_count();
  this->loop->run_forever();
  EXPECT_EQ(this->loop->iteration_count() - before, 10u);
}

TYPED_TEST(CallSoonTest, THR01_ThreadsafeWakesBlockedSelect) {
  // Nothing is scheduled but a far timer; another thread's call_soon_threadsafe must wake the
  // loop long before it. On the simulator the other thread runs as a world event.
  auto far = this->loop->call_later(30.0, [] {});
  const double start = this->loop->time();
  std::thread other;
  auto submit = [&] {
    this->loop->call_soon_threadsafe([this] { this->loop->stop(); });
  };
  if constexpr (TypeParam::simulated) {
    this->backend.world.call_later(0.01, submit);
  } else {
    other = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      submit();
    });
  }
  this->loop->run_forever();
  if (other.joinable()) other.join();
  this->expect_time(this->loop->time(), start + 0.01);
  EXPECT_LT(this->loop->time() - start, 1.0);
  far.cancel();
}

}  // namespace
}  // namespace aio::testing
