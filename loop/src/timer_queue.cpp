// The timer heap with lazy cancellation (base_events.py: _scheduled, _run_once phase 1).
#include "aio/detail/timer_queue.h"

#include <algorithm>

namespace aio::detail {

void TimerQueue::push(TimerState* timer, std::uint64_t seq) {
  timer->scheduled = true;
  heap_.push_back(Entry{timer->when, seq, timer});
  sift_up(heap_.size() - 1);
}

TimerState* TimerQueue::pop() noexcept {
  TimerState* top = heap_.front().timer;
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
  top->scheduled = false;
  return top;
}

void TimerQueue::remove_cancelled() noexcept {
  const std::size_t count = heap_.size();
  if (count > kMinScheduledTimerHandles &&
      static_cast<double>(cancelled_count_) / static_cast<double>(count) >
          kMinCancelledTimerHandlesFraction) {
    // Rebuild without the cancelled timers (CAN-07).
    std::size_t kept = 0;
    for (Entry& e : heap_) {
      if (e.timer->cancelled.load(std::memory_order_relaxed)) {
        e.timer->scheduled = false;
        release(e.timer);
      } else {
        heap_[kept++] = e;
      }
    }
    heap_.resize(kept);
    for (std::size_t i = kept / 2; i-- > 0;) sift_down(i);
    cancelled_count_ = 0;
    return;
  }
  // Pop cancelled timers off the head (CAN-06).
  while (!heap_.empty() && heap_.front().timer->cancelled.load(std::memory_order_relaxed)) {
    --cancelled_count_;
    release(pop());
  }
}

void TimerQueue::clear() noexcept {
  for (Entry& e : heap_) {
    e.timer->scheduled = false;
    release(e.timer);
  }
  heap_.clear();
  cancelled_count_ = 0;
}

void TimerQueue::sift_up(std::size_t pos) noexcept {
  Entry item = heap_[pos];
  while (pos > 0) {
    std::size_t parent = (pos - 1) / 2;
    if (!before(item, heap_[parent])) break;
    heap_[pos] = heap_[parent];
    pos = parent;
  }
  heap_[pos] = item;
}

void TimerQueue::sift_down(std::size_t pos) noexcept {
  const std::size_t n = heap_.size();
  Entry item = heap_[pos];
  for (;;) {
    std::size_t child = 2 * pos + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], item)) break;
    heap_[pos] = heap_[child];
    pos = child;
  }
  heap_[pos] = item;
}

}  // namespace aio::detail
