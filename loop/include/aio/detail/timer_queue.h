#pragma once
// The loop's timer heap (`_scheduled`), with CPython's lazy cancellation. Internal.
//
// Order: a total order on (when, seq), seq being the scheduling sequence, so timers with equal
// `when` run first-scheduled first. The docs leave that order undefined (U-01); FIFO is our
// choice. CPython's heapq order for ties (ORD-08) is not reproduced.
//
// Cancellation (CAN-05..07): a cancelled timer stays in the heap. Each iteration pops cancelled
// timers off the head; when more than 100 timers are scheduled and more than half of them are
// cancelled, the heap is rebuilt without them. So memory stays within twice the live timers
// (plus 100), however many timers are scheduled and cancelled.
//
// Entries keep (when, seq) inline so that sifting never touches the handles.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "aio/detail/handle_state.h"

namespace aio::detail {

inline constexpr std::size_t kMinScheduledTimerHandles = 100;    // _MIN_SCHEDULED_TIMER_HANDLES
inline constexpr double kMinCancelledTimerHandlesFraction = 0.5;  // ..._FRACTION

class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  ~TimerQueue() { clear(); }

  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  std::size_t cancelled_count() const noexcept { return cancelled_count_; }

  // Takes over one reference to `timer` and marks it scheduled; seq orders equal `when`s.
  void push(TimerState* timer, std::uint64_t seq);
  // The head's `when`; the queue must not be empty.
  double top_when() const noexcept { return heap_.front().when; }
  // Removes the head, marks it unscheduled and hands its reference to the caller.
  TimerState* pop() noexcept;
  // A scheduled timer was cancelled (TimerHandle.cancel while _scheduled).
  void on_cancelled() noexcept { ++cancelled_count_; }
  // Phase 1 of _run_once: bulk rebuild or popping cancelled heads.
  void remove_cancelled() noexcept;
  // Drops every timer without cancelling it (close(), CLS-03).
  void clear() noexcept;

 private:
  struct Entry {
    double when;
    std::uint64_t seq;
    TimerState* timer;
  };
  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.when < b.when || (a.when == b.when && a.seq < b.seq);
  }
  void sift_up(std::size_t pos) noexcept;
  void sift_down(std::size_t pos) noexcept;

  std::vector<Entry> heap_;
  std::size_t cancelled_count_ = 0;
};

}  // namespace aio::detail
