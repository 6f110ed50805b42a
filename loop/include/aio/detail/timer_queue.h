#pragma once
// The loop's timer queue (`_scheduled`), with CPython's lazy cancellation. Internal.
//
// Order: a total order on (when, seq), seq being the scheduling sequence, so timers with equal
// `when` run first-scheduled first. The docs leave that order undefined (U-01); FIFO is our
// choice. CPython's heapq order for ties (ORD-08) is not reproduced. Because the order is
// total, what comes out never depends on how the entries are laid out inside. The loop may
// push permuted_seq(seq, key) instead (Clock::equal_time_order, the simulator's chaos mode):
// distinct still, so the order stays total, but ties come out in a per-key order.
//
// Cancellation (CAN-05..07): a cancelled timer stays queued. Each iteration pops cancelled
// timers off the head; when more than 100 timers are scheduled and more than half of them are
// cancelled, the queue is rebuilt without them. So memory stays within twice the live timers
// (plus 100), however many timers are scheduled and cancelled.
//
// Layout: pushes are appended unordered and only put in order when the head is next needed,
// so a burst of pushes costs no sifting. Then a 4-ary min-heap holds them. Popping one timer off a heap of a million costs a
// cache miss per level (about 200 ns), so once the heap holds at least `sort_threshold` timers
// and a quarter of the sorted run, the next pop from it radix-sorts it (about 30 ns a timer)
// and merges it into `run_`, an array in (when, seq) order that pops walk front to back. The
// head is the smaller of the heap's root and the run's front. A burst of timers therefore costs
// one sort, paid by the first pop, instead of a deep heap pop each; small queues never leave
// the heap. Entries keep (when, seq) inline so that ordering never touches the handles. The
// price: the sort's buffers stay allocated, up to about 64 bytes per timer of the largest burst
// on top of the heap's 24.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "aio/detail/handle_state.h"

namespace aio::detail {

inline constexpr std::size_t kMinScheduledTimerHandles = 100;    // _MIN_SCHEDULED_TIMER_HANDLES
inline constexpr double kMinCancelledTimerHandlesFraction = 0.5;  // ..._FRACTION

class TimerQueue {
 public:
  // Heaps smaller than this are never sorted into the run. Tests pass a small threshold to
  // exercise the run with few timers.
  static constexpr std::size_t kDefaultSortThreshold = 4096;

  explicit TimerQueue(std::size_t sort_threshold = kDefaultSortThreshold) noexcept
      : sort_threshold_(sort_threshold < 2 ? 2 : sort_threshold) {}
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  ~TimerQueue() { clear(); }

  bool empty() const noexcept { return heap_.empty() && run_head_ == run_.size(); }
  std::size_t size() const noexcept { return heap_.size() + (run_.size() - run_head_); }
  std::size_t cancelled_count() const noexcept { return cancelled_count_; }

  // Takes over one reference to `timer` and marks it scheduled; seq orders equal `when`s.
  void push(TimerState* timer, std::uint64_t seq);
  // A bijection of sequence numbers for each key (splitmix64's finaliser of seq ^ key):
  // distinct seqs stay distinct, and their order is scrambled differently for each key.
  static constexpr std::uint64_t permuted_seq(std::uint64_t seq, std::uint64_t key) noexcept {
    std::uint64_t z = seq ^ key;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // The head's `when` (-0.0 comes back as 0.0); the queue must not be empty.
  double top_when() noexcept {
    settle();
    return when_of(top().key);
  }
  // Removes the head, marks it unscheduled and hands its reference to the caller.
  TimerState* pop() noexcept;
  // A scheduled timer was cancelled (TimerHandle.cancel while _scheduled).
  void on_cancelled() noexcept { ++cancelled_count_; }
  // Phase 1 of _run_once: bulk rebuild or popping cancelled heads.
  void remove_cancelled() noexcept {
    if (!empty()) remove_cancelled_timers();
  }
  // Drops every timer without cancelling it (close(), CLS-03).
  void clear() noexcept;

 private:
  // `when` as an integer of the same order (see order_key), so that comparisons are cheap.
  struct Entry {
    std::uint64_t key;
    std::uint64_t seq;
    TimerState* timer;
  };
  // Maps `when` to an integer that orders as `<` on doubles does; -0.0 maps with +0.0, as `<`
  // and `==` see them equal. (NaN, which `<` does not order, sorts after +inf, or before -inf
  // with its sign bit set.)
  static std::uint64_t order_key(double when) noexcept {
    if (when == 0.0) when = 0.0;
    const auto bits = std::bit_cast<std::uint64_t>(when);
    return (bits & kSign) != 0 ? ~bits : (bits | kSign);
  }
  static double when_of(std::uint64_t key) noexcept {
    return std::bit_cast<double>((key & kSign) != 0 ? (key & ~kSign) : ~key);
  }
  static constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  // Leaves resized elements uninitialised: the sort and merge buffers are overwritten anyway.
  template <class T>
  struct UninitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
      using other = UninitAllocator<U>;
    };
    UninitAllocator() = default;
    template <class U>
    UninitAllocator(const UninitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept {
      ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  using Entries = std::vector<Entry, UninitAllocator<Entry>>;
  static bool before(const Entry& a, const Entry& b) noexcept {
    // Non-short-circuit: the outcome is data-dependent and mispredicts as a branch.
    return (a.key < b.key) | ((a.key == b.key) & (a.seq < b.seq));
  }
  bool run_empty() const noexcept { return run_head_ == run_.size(); }
  // True when the head is the run's front rather than the heap's root.
  bool head_in_run() const noexcept {
    return !run_empty() && (heap_.empty() || before(run_[run_head_], heap_.front()));
  }
  // Requires settle(): the heap part of heap_ is all of it.
  const Entry& top() const noexcept { return head_in_run() ? run_[run_head_] : heap_.front(); }
  // Puts the entries pushed since the last call in order: sorts everything into the run when
  // the heap is big enough for that, else heapifies (all at once when they are many).
  void settle() noexcept {
    if (heaped_ != heap_.size()) settle_pushed();
  }
  void settle_pushed() noexcept;
  void remove_cancelled_timers() noexcept;
  // Releases the cancelled timers of [first, last), moving the others down to `out`; returns
  // the end of what was kept.
  Entry* keep_live(Entry* first, Entry* last, Entry* out) noexcept;
  // Keeps only live timers in the heap, and leaves them all to be settled.
  void drop_cancelled_from_heap() noexcept;
  Entry pop_heap() noexcept;
  void sift_up(std::size_t pos) noexcept;
  void sift_down(std::size_t pos) noexcept;
  void make_heap() noexcept;
  // Sorts the heap and merges it into the run, leaving the heap empty. False, with nothing
  // changed, if memory ran out (then the heap is popped as usual).
  bool sort_heap_into_run() noexcept;
  // Writes the heap's entries to `out` in (when, seq) order; uses the heap and keys_ as
  // scratch space.
  void sort_heap_to(Entry* out) noexcept;
  bool should_sort_heap() const noexcept {
    return heap_.size() >= sort_threshold_ && heap_.size() * 4 >= run_.size() - run_head_;
  }

  Entries heap_;  // [0, heaped_) a 4-ary min-heap; the rest pushed since, in any order
  std::size_t heaped_ = 0;
  Entries run_;   // in order; [0, run_head_) already popped
  std::size_t run_head_ = 0;
  // Buffers of the sort, kept (like the heap's) so that each burst does not fault them in.
  Entries scratch_;
  std::vector<std::uint64_t, UninitAllocator<std::uint64_t>> keys_;
  std::vector<std::size_t> counts_;
  std::size_t cancelled_count_ = 0;
  std::size_t sort_threshold_;
};

}  // namespace aio::detail
