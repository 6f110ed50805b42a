#pragma once
// A port of Python's heapq (Lib/heapq.py; the C module _heapq does the same moves): the
// timer queue's order for equal keys depends on these exact moves, so they are copied line
// by line (catalogue, Appendix A). `less` is the only comparison, as heapq uses only `<`.
//
// heapify: CPython's C heapify switches to a "cache friendly" visiting order above 2500
// items. It sifts the same nodes, each after both of its children, and a sift at node i
// reads and writes only i's subtree, so the result is the same heap; the plain loop is kept.
// Must not: compare anything but with `less`.

#include <cstddef>
#include <utility>
#include <vector>

namespace loopcheck::refmodel::heapq {

// heap[pos] moves up towards startpos while it is less than its parent.
template <class T, class Less>
void siftdown(std::vector<T>& heap, std::size_t startpos, std::size_t pos, Less less) {
  T newitem = std::move(heap[pos]);
  // Follow the path to the root, moving parents down until finding a place newitem fits.
  while (pos > startpos) {
    const std::size_t parentpos = (pos - 1) >> 1;
    if (less(newitem, heap[parentpos])) {
      heap[pos] = std::move(heap[parentpos]);
      pos = parentpos;
      continue;
    }
    break;
  }
  heap[pos] = std::move(newitem);
}

// Bubbles the smaller child of pos up until hitting a leaf, then sifts the item that was at
// pos into place from there (heapq._siftup).
template <class T, class Less>
void siftup(std::vector<T>& heap, std::size_t pos, Less less) {
  const std::size_t endpos = heap.size();
  const std::size_t startpos = pos;
  T newitem = std::move(heap[pos]);
  std::size_t childpos = 2 * pos + 1;  // leftmost child position
  while (childpos < endpos) {
    // Set childpos to index of smaller child.
    const std::size_t rightpos = childpos + 1;
    if (rightpos < endpos && !less(heap[childpos], heap[rightpos])) childpos = rightpos;
    // Move the smaller child up.
    heap[pos] = std::move(heap[childpos]);
    pos = childpos;
    childpos = 2 * pos + 1;
  }
  // The leaf at pos is empty now. Put newitem there, and bubble it up to its final resting
  // place (by sifting its parents down).
  heap[pos] = std::move(newitem);
  siftdown(heap, startpos, pos, less);
}

template <class T, class Less>
void heappush(std::vector<T>& heap, T item, Less less) {
  heap.push_back(std::move(item));
  siftdown(heap, 0, heap.size() - 1, less);
}

// Pops the smallest item. The heap must not be empty.
template <class T, class Less>
T heappop(std::vector<T>& heap, Less less) {
  T lastelt = std::move(heap.back());
  heap.pop_back();
  if (!heap.empty()) {
    T returnitem = std::move(heap[0]);
    heap[0] = std::move(lastelt);
    siftup(heap, 0, less);
    return returnitem;
  }
  return lastelt;
}

template <class T, class Less>
void heapify(std::vector<T>& x, Less less) {
  // Transform bottom-up: for i in reversed(range(n//2)).
  for (std::size_t i = x.size() / 2; i-- > 0;) siftup(x, i, less);
}

}  // namespace loopcheck::refmodel::heapq
