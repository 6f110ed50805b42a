// bench_floor: the limit for the call_soon batch, with no event loop: n function objects
// pushed into a growable ring buffer, then popped and called in FIFO order.
//   bench_floor call_soon_batch [--n N]
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "peer_common.h"

namespace {

// A FIFO of function objects on a power-of-two ring that doubles when full.
class FunctionRing {
 public:
  void push(std::function<void()> fn) {
    if (tail_ - head_ == capacity_) grow();
    slots_[tail_++ & (capacity_ - 1)] = std::move(fn);
  }
  // Calls the functions in order, each once, until the ring is empty.
  void run() {
    while (head_ != tail_) {
      std::function<void()>& fn = slots_[head_++ & (capacity_ - 1)];
      fn();
      fn = nullptr;
    }
  }

 private:
  void grow() {
    std::size_t capacity = capacity_ ? capacity_ * 2 : 64;
    auto slots = std::make_unique<std::function<void()>[]>(capacity);
    std::size_t n = tail_ - head_;
    for (std::size_t i = 0; i < n; ++i) slots[i] = std::move(slots_[(head_ + i) & (capacity_ - 1)]);
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
    tail_ = n;
  }

  std::unique_ptr<std::function<void()>[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
};

peer::Result call_soon_batch(std::int64_t n, std::uint64_t) {
  static FunctionRing ring;  // kept, as an event loop keeps its ready queue
  std::int64_t count = 0;
  peer::Stopwatch sw;
  for (std::int64_t i = 0; i < n; ++i) ring.push([&count] { ++count; });
  ring.run();
  double s = sw.seconds();
  peer::check(count == n, peer::count_mismatch("callbacks run", count, n));
  return {n, s, {}};
}

}  // namespace

int main(int argc, char** argv) {
  return peer::main(argc, argv, "floor",
                    {{"call_soon_batch",
                      {call_soon_batch, "no loop: std::function ring buffer, push n then call n"}}});
}
