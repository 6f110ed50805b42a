// The heapq port against orders CPython's heapq gives (computed with /usr/bin/python3 on
// objects whose __lt__ compares a key only, as TimerHandle's does).
#include "heapq.h"

#include <gtest/gtest.h>

#include <vector>

namespace loopcheck::refmodel {
namespace {

struct Item {
  int key;
  int id;
};

bool less(const Item& a, const Item& b) {
  return a.key < b.key;
}

std::vector<int> push_then_pop(const std::vector<int>& keys) {
  std::vector<Item> heap;
  for (int i = 0; i < static_cast<int>(keys.size()); ++i)
    heapq::heappush(heap, Item{keys[i], i}, less);
  std::vector<int> out;
  while (!heap.empty()) out.push_back(heapq::heappop(heap, less).id);
  return out;
}

TEST(Heapq, ORD08_EqualKeysComeOutInHeapOrderNotFifo) {
  // heapq.heappush x6 of equal keys, then heappop x6: [0, 2, 5, 4, 1, 3].
  EXPECT_EQ(push_then_pop({1, 1, 1, 1, 1, 1}), (std::vector<int>{0, 2, 5, 4, 1, 3}));
  EXPECT_EQ(push_then_pop(std::vector<int>(10, 1)),
            (std::vector<int>{0, 2, 6, 9, 8, 5, 7, 4, 1, 3}));
}

TEST(Heapq, ORD07_DifferentKeysComeOutInKeyOrderTiesInHeapOrder) {
  // keys [3,1,2,1,3,2,1,2,3,1] -> ids [1, 6, 3, 9, 2, 5, 7, 4, 0, 8].
  EXPECT_EQ(push_then_pop({3, 1, 2, 1, 3, 2, 1, 2, 3, 1}),
            (std::vector<int>{1, 6, 3, 9, 2, 5, 7, 4, 0, 8}));
}

TEST(Heapq, CAN08_HeapifyOrderOfEqualKeysIsPythons) {
  std::vector<Item> items;
  for (int i = 0; i < 12; ++i) items.push_back(Item{1, i});
  heapq::heapify(items, less);
  std::vector<int> out;
  while (!items.empty()) out.push_back(heapq::heappop(items, less).id);
  EXPECT_EQ(out, (std::vector<int>{6, 2, 0, 5, 1, 9, 3, 11, 7, 4, 10, 8}));
}

TEST(Heapq, PopsInNonDecreasingKeyOrder) {
  std::vector<Item> heap;
  unsigned seed = 12345;
  for (int i = 0; i < 500; ++i) {
    seed = seed * 1103515245u + 12345u;
    heapq::heappush(heap, Item{static_cast<int>((seed >> 16) % 50), i}, less);
  }
  int last = -1;
  while (!heap.empty()) {
    Item item = heapq::heappop(heap, less);
    EXPECT_LE(last, item.key);
    last = item.key;
  }
}

}  // namespace
}  // namespace loopcheck::refmodel
