// The timer queue with lazy cancellation (base_events.py: _scheduled, _run_once phase 1).
#include "aio/detail/timer_queue.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace aio::detail {

namespace {

// Timers touched in queue order sit at random addresses: fetch them this far ahead.
constexpr std::size_t kPrefetchAhead = 16;

}  // namespace

void TimerQueue::push(TimerState* timer, std::uint64_t seq) {
  heap_.push_back(Entry{order_key(timer->when), seq, timer});  // settle() orders it
  timer->h.scheduled = true;
}

void TimerQueue::settle_pushed() noexcept {
  if (should_sort_heap()) {
    // Sorting a cancelled timer, and popping it later, costs more than looking at it now.
    // (Fewer timers stay queued than CPython would keep: only len(_scheduled) can tell.)
    if (cancelled_count_ * 4 >= size()) drop_cancelled_from_heap();
    if (should_sort_heap() && sort_heap_into_run()) return;
  }
  const std::size_t pushed = heap_.size() - heaped_;
  if (pushed >= heaped_) {
    make_heap();  // O(n), against up to O(log n) a push
  } else {
    for (std::size_t i = heaped_; i < heap_.size(); ++i) sift_up(i);
  }
  heaped_ = heap_.size();
}

TimerState* TimerQueue::pop() noexcept {
  settle();
  TimerState* top;
  if (head_in_run() || (should_sort_heap() && sort_heap_into_run())) {
    if (run_head_ + kPrefetchAhead < run_.size())
      __builtin_prefetch(run_[run_head_ + kPrefetchAhead].timer, 1);
    top = run_[run_head_++].timer;
    if (run_head_ == run_.size()) {
      run_.clear();
      run_head_ = 0;
    }
  } else {
    top = pop_heap().timer;
  }
  top->h.scheduled = false;
  // Leaving the queue, a cancelled timer stops counting: CPython only decrements in phase 1,
  // so its count drifts up when cancelled timers come due behind a live one.
  if (top->h.cancelled.load(std::memory_order_relaxed)) --cancelled_count_;
  return top;
}

TimerQueue::Entry TimerQueue::pop_heap() noexcept {
  Entry top = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  heaped_ = heap_.size();
  if (!heap_.empty()) sift_down(0);
  return top;
}

void TimerQueue::remove_cancelled_timers() noexcept {
  const std::size_t count = size();
  if (count > kMinScheduledTimerHandles &&
      static_cast<double>(cancelled_count_) / static_cast<double>(count) >
          kMinCancelledTimerHandlesFraction) {
    // Rebuild without the cancelled timers (CAN-07). Keeps the run's order; the heap's
    // survivors count as pushed, for settle() to sort or heapify.
    drop_cancelled_from_heap();
    Entry* run_end = keep_live(run_.data() + run_head_, run_.data() + run_.size(), run_.data());
    run_.resize(static_cast<std::size_t>(run_end - run_.data()));
    run_head_ = 0;
    cancelled_count_ = 0;
    return;
  }
  // Pop cancelled timers off the head (CAN-06).
  settle();
  while (!empty() && top().timer->h.cancelled.load(std::memory_order_relaxed)) release(&pop()->h);
}

TimerQueue::Entry* TimerQueue::keep_live(Entry* first, Entry* last, Entry* out) noexcept {
  for (Entry* e = first; e != last; ++e) {
    if (last - e > static_cast<std::ptrdiff_t>(kPrefetchAhead))
      __builtin_prefetch(e[kPrefetchAhead].timer, 1);
    TimerState* t = e->timer;
    if (t->h.cancelled.load(std::memory_order_relaxed)) {
      t->h.scheduled = false;
      --cancelled_count_;
      release(&t->h);
    } else {
      *out++ = *e;
    }
  }
  return out;
}

void TimerQueue::drop_cancelled_from_heap() noexcept {
  Entry* end = keep_live(heap_.data(), heap_.data() + heap_.size(), heap_.data());
  heap_.resize(static_cast<std::size_t>(end - heap_.data()));
  heaped_ = 0;
}

void TimerQueue::clear() noexcept {
  for (Entry& e : heap_) {
    e.timer->h.scheduled = false;
    release(&e.timer->h);
  }
  for (std::size_t i = run_head_; i < run_.size(); ++i) {
    run_[i].timer->h.scheduled = false;
    release(&run_[i].timer->h);
  }
  heap_.clear();
  heaped_ = 0;
  run_.clear();
  run_head_ = 0;
  cancelled_count_ = 0;
}

// ---- the 4-ary heap: children of i are 4i+1 .. 4i+4 ----

void TimerQueue::sift_up(std::size_t pos) noexcept {
  Entry* h = heap_.data();
  const Entry item = h[pos];
  while (pos > 0) {
    const std::size_t parent = (pos - 1) / 4;
    if (!before(item, h[parent])) break;
    h[pos] = h[parent];
    pos = parent;
  }
  h[pos] = item;
}

void TimerQueue::sift_down(std::size_t pos) noexcept {
  Entry* h = heap_.data();
  const std::size_t n = heap_.size();
  const Entry item = h[pos];
  for (;;) {
    const std::size_t c = 4 * pos + 1;
    if (c >= n) break;
    std::size_t best;
    if (c + 4 <= n) {
      // A small tournament, without branches on the keys.
      const std::size_t a = before(h[c + 1], h[c]) ? c + 1 : c;
      const std::size_t b = before(h[c + 3], h[c + 2]) ? c + 3 : c + 2;
      best = before(h[b], h[a]) ? b : a;
    } else {
      best = c;
      for (std::size_t j = c + 1; j < n; ++j) best = before(h[j], h[best]) ? j : best;
    }
    if (!before(h[best], item)) break;
    h[pos] = h[best];
    pos = best;
  }
  h[pos] = item;
}

void TimerQueue::make_heap() noexcept {
  const std::size_t n = heap_.size();
  if (n < 2) return;
  for (std::size_t i = (n - 2) / 4 + 1; i-- > 0;) sift_down(i);
}

// ---- sorting the heap into the run ----

namespace {

// LSD radix sort plan for keys in [0, span]: the bits in which keys may differ, in `passes`
// digits of `digit` bits each (at most kMaxDigit).
struct RadixPlan {
  int passes = 0;
  int digit = 0;
  std::size_t buckets = 0;
  std::uint64_t mask = 0;
};

template <int kMaxDigit>
RadixPlan plan_for(std::uint64_t span) noexcept {
  RadixPlan plan;
  const int bits = static_cast<int>(std::bit_width(span));
  if (bits == 0) return plan;
  plan.passes = (bits + kMaxDigit - 1) / kMaxDigit;
  plan.digit = (bits + plan.passes - 1) / plan.passes;
  plan.buckets = std::size_t{1} << plan.digit;
  plan.mask = plan.buckets - 1;
  return plan;
}

// Adds the digits of key `k` to the histograms (one per pass, `buckets` apart).
inline void count_digits(const RadixPlan& plan, std::size_t* counts, std::uint64_t k) noexcept {
  for (int p = 0; p < plan.passes; ++p)
    ++counts[static_cast<std::size_t>(p) * plan.buckets + ((k >> (p * plan.digit)) & plan.mask)];
}

// The passes of an LSD radix sort of [data, data + n) by key(x), whose histograms `counts`
// already holds: stable, with tmp (n elements) as the other buffer. A pass whose digit is the
// same everywhere is skipped. Returns the buffer that holds the result (data or tmp).
template <class T, class Key>
T* radix_passes(const RadixPlan& plan, std::size_t* counts, T* data, T* tmp, std::size_t n,
                Key key) noexcept {
  T* src = data;
  T* dst = tmp;
  for (int p = 0; p < plan.passes; ++p) {
    std::size_t* count = counts + static_cast<std::size_t>(p) * plan.buckets;
    if (std::find(count, count + plan.buckets, n) != count + plan.buckets) continue;
    std::size_t offset = 0;
    for (std::size_t b = 0; b < plan.buckets; ++b) {
      const std::size_t c = count[b];
      count[b] = offset;
      offset += c;
    }
    const int shift = p * plan.digit;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t b = (key(src[i]) >> shift) & plan.mask;
      dst[count[b]++] = src[i];
    }
    std::swap(src, dst);
  }
  return src;
}

// LSD radix sort of [data, data + n) by key(x): stable; returns data or tmp, as radix_passes.
template <class T, class Key>
T* radix_sort(T* data, T* tmp, std::size_t n, std::vector<std::size_t>& counts, Key key) noexcept {
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = key(data[i]);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  if (n < 2 || lo == hi) return data;
  const RadixPlan plan = plan_for<11>(hi - lo);
  counts.assign(static_cast<std::size_t>(plan.passes) * plan.buckets, 0);  // within capacity
  for (std::size_t i = 0; i < n; ++i) count_digits(plan, counts.data(), key(data[i]) - lo);
  return radix_passes(plan, counts.data(), data, tmp, n,
                      [&key, lo](const T& x) noexcept { return key(x) - lo; });
}

}  // namespace

void TimerQueue::sort_heap_to(Entry* out) noexcept {
  const std::size_t n = heap_.size();
  const Entry* in = heap_.data();
  // The range of the keys.
  std::uint64_t* keys = keys_.data();
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = in[i].key;
    keys[i] = k;
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  // Sort 8-byte words (when - lo, index) rather than 24-byte entries, then gather the entries
  // in that order. The words keep only the high bits of `when - lo`: four more than the index
  // has, so that about one entry in sixteen shares its word with another (each bit less saves
  // a twelfth of a radix pass), and never more than the index leaves. The fix-up below orders
  // what the words could not.
  const int index_bits = static_cast<int>(std::bit_width(n - 1));
  const int key_bits = std::min(64 - index_bits, index_bits + 4);
  const int dropped = std::max(0, static_cast<int>(std::bit_width(hi - lo)) - key_bits);
  const RadixPlan plan = plan_for<12>((hi - lo) >> dropped);
  counts_.assign(static_cast<std::size_t>(plan.passes) * plan.buckets, 0);  // within capacity
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = (keys[i] - lo) >> dropped;
    keys[i] = (k << index_bits) | i;
    count_digits(plan, counts_.data(), k);
  }
  const std::uint64_t* order =
      radix_passes(plan, counts_.data(), keys, keys + n, n,
                   [index_bits](std::uint64_t word) noexcept { return word >> index_bits; });
  // Gather the entries in that order. Runs of entries whose words tie (equal `when`s, or
  // `when`s that differ in dropped bits only) are put in (when, seq) order on the way, by
  // insertion while they are in cache; runs longer than kInsertionMax are left to the pass
  // after.
  constexpr std::size_t kInsertionMax = 16;
  const std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1;
  bool long_ties = false;
  std::size_t group = 0;  // where the run of equal words that entry i joins starts
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) __builtin_prefetch(in + (order[i + kPrefetchAhead] & index_mask));
    const Entry e = in[order[i] & index_mask];
    if (i == 0 || ((order[i] ^ order[i - 1]) >> index_bits) != 0) {
      group = i;
      out[i] = e;
    } else if (i - group >= kInsertionMax) {
      out[i] = e;
      long_ties = true;
    } else {
      std::size_t m = i;
      for (; m > group && before(e, out[m - 1]); --m) out[m] = out[m - 1];
      out[m] = e;
    }
  }
  if (!long_ties) return;
  // The long runs: two stable radix passes, by seq, then by `when`.
  Entry* tmp = heap_.data();  // `in`, no longer needed
  std::size_t i = 0;
  while (i < n) {
    const std::uint64_t word = order[i] >> index_bits;
    std::size_t j = i + 1;
    while (j < n && (order[j] >> index_bits) == word) ++j;
    const std::size_t size = j - i;
    if (size > kInsertionMax) {
      Entry* by_seq = radix_sort(out + i, tmp + i, size, counts_,
                                 [](const Entry& e) noexcept { return e.seq; });
      Entry* other = by_seq == out + i ? tmp + i : out + i;
      Entry* sorted = radix_sort(by_seq, other, size, counts_,
                                 [](const Entry& e) noexcept { return e.key; });
      if (sorted != out + i) std::copy(sorted, sorted + size, out + i);
    }
    i = j;
  }
}

bool TimerQueue::sort_heap_into_run() noexcept {
  const std::size_t n = heap_.size();
  const std::size_t left = run_.size() - run_head_;
  try {
    scratch_.resize(n);
    keys_.resize(2 * n);
    counts_.reserve(std::size_t{6} << 12);   // the most any plan needs
    if (left != 0) heap_.reserve(n + left);  // the merge's output
  } catch (...) {
    return false;  // out of memory: keep popping the heap
  }
  sort_heap_to(scratch_.data());  // heap_'s contents are garbage from here
  if (left == 0) {
    run_.swap(scratch_);
  } else {
    heap_.resize(n + left);  // within the capacity reserved above: cannot throw
    const Entry* a = run_.data() + run_head_;
    const Entry* a_end = run_.data() + run_.size();
    const Entry* b = scratch_.data();
    const Entry* b_end = b + n;
    Entry* out = heap_.data();
    while (a != a_end && b != b_end) {
      const bool take_b = before(*b, *a);
      *out++ = take_b ? *b : *a;
      b += take_b;
      a += !take_b;
    }
    out = std::copy(a, a_end, out);
    std::copy(b, b_end, out);
    run_.swap(heap_);
  }
  run_head_ = 0;
  heap_.clear();
  heaped_ = 0;
  return true;
}

}  // namespace aio::detail
