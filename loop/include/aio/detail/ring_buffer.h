#pragma once
// A growable FIFO of pointers on a power-of-two ring: the loop's ready queue (`_ready`).
// Internal; single-threaded.

#include <cstddef>
#include <memory>
#include <utility>

namespace aio::detail {

template <class T>
class RingBuffer {
 public:
  RingBuffer() = default;
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;

  bool empty() const noexcept { return head_ == tail_; }
  std::size_t size() const noexcept { return tail_ - head_; }

  void push_back(T value) {
    if (size() == capacity_) grow();
    slots_[tail_++ & (capacity_ - 1)] = value;
  }
  T pop_front() noexcept { return slots_[head_++ & (capacity_ - 1)]; }
  T& front() noexcept { return slots_[head_ & (capacity_ - 1)]; }
  // The element `offset` places behind the front; offset < size().
  T peek(std::size_t offset) const noexcept { return slots_[(head_ + offset) & (capacity_ - 1)]; }

 private:
  void grow() {
    std::size_t capacity = capacity_ ? capacity_ * 2 : 64;
    auto slots = std::make_unique_for_overwrite<T[]>(capacity);
    std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) slots[i] = slots_[(head_ + i) & (capacity_ - 1)];
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
    tail_ = n;
  }

  std::unique_ptr<T[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;  // both only grow; the difference is the size
  std::size_t tail_ = 0;
};

}  // namespace aio::detail
