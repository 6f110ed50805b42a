// Handle and TimerHandle objects: repr, identity, when (events.py Handle/TimerHandle).
#include "loop_fixture.h"

namespace aio::testing {
namespace {

template <class B>
class HandleTest : public LoopTest<B> {};
TYPED_TEST_SUITE(HandleTest, AllBackends, BackendNames);

struct Named {
  std::string name() const { return "bad"; }
  void operator()(int, const std::string&) const {}
};

TYPED_TEST(HandleTest, ReprShowsCallbackArgumentsAndSite) {
  Handle h = this->loop->call_soon(Named{}, 1, std::string("x"));
  const unsigned line = __LINE__ - 1;
  EXPECT_EQ(h.repr(), "<Handle bad(1, 'x') at " + std::string(__FILE__) + ":" +
                          std::to_string(line) + ">");
  EXPECT_EQ(h.format_callback_source(),
            "bad(1, 'x') at " + std::string(__FILE__) + ":" + std::to_string(line));
  TimerHandle t = this->loop->call_at(5.5, Named{}, 2, std::string("y"));
  EXPECT_EQ(t.repr().rfind("<TimerHandle when=5.5 bad(2, 'y') at ", 0), 0u) << t.repr();
  t.cancel();
  this->run_iterations(1);
}

TYPED_TEST(HandleTest, CopiesReferToTheSameCallback) {
  int runs = 0;
  Handle a = this->loop->call_soon([&] { ++runs; });
  Handle b = a;
  EXPECT_TRUE(a == b);
  b.cancel();
  EXPECT_TRUE(a.cancelled());
  Handle empty;
  EXPECT_FALSE(empty);
  EXPECT_FALSE(empty.cancelled());
  empty.cancel();
  this->run_iterations(1);
  EXPECT_EQ(runs, 0);
}

TYPED_TEST(HandleTest, HandlesOutliveTheirLoop) {
  TimerHandle t = this->loop->call_later(1, [] {});
  Handle h = this->loop->call_soon([] {});
  this->loop->close();
  this->loop.reset();
  t.cancel();
  h.cancel();
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(t.repr().rfind("<TimerHandle cancelled when=", 0), 0u);
}

TYPED_TEST(HandleTest, LargeCallbacksAreStoredOutOfLine) {
  std::array<char, 256> big{};
  big[0] = 'z';
  char seen = 0;
  this->loop->call_soon([big, &seen] { seen = big[0]; });
  this->run_iterations(1);
  EXPECT_EQ(seen, 'z');
}

}  // namespace
}  // namespace aio::testing
