// The handle block pool on its own: address-ordered reuse, frees from other threads, slabs of
// exited threads. Each test uses a block size of its own, so that it starts from an empty pool.
#include "aio/detail/block_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace aio::detail {
namespace {

#ifdef AIO_POOL_BYPASS
#define SKIP_IF_BYPASSED() GTEST_SKIP() << "the pool is plain new/delete under AddressSanitizer"
#else
#define SKIP_IF_BYPASSED() (void)0
#endif

// The 64 KiB slabs that hold `blocks`.
template <class Blocks>
std::set<std::uintptr_t> slabs_of(const Blocks& blocks) {
  std::set<std::uintptr_t> slabs;
  for (void* p : blocks) slabs.insert(reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{0xffff});
  return slabs;
}

template <class Pool>
std::vector<void*> take_n(std::size_t n) {
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < n; ++i) blocks.push_back(Pool::allocate());
  return blocks;
}

TEST(BlockPool, HandsOutBlocksInAddressOrderWhateverOrderTheyWereFreedIn) {
  SKIP_IF_BYPASSED();
  using Pool = BlockPool<96>;
  constexpr std::size_t n = 5000;  // several slabs
  std::vector<void*> first = take_n<Pool>(n);
  std::shuffle(first.begin(), first.end(), std::mt19937(1));
  for (void* p : first) Pool::deallocate(p);
  std::vector<void*> second = take_n<Pool>(n);
  // The same slabs again, no more...
  EXPECT_EQ(slabs_of(second), slabs_of(first));
  // ...and, after the first 32 (the magazine of the last blocks freed, reused first), within
  // each slab in ascending order: the address drops only when the pool moves to another slab
  // (64 KiB holds 677 blocks of 96 bytes).
  constexpr std::size_t kMagazine = 32;
  std::size_t drops = 0;
  for (std::size_t i = kMagazine + 1; i < n; ++i) drops += second[i] < second[i - 1];
  EXPECT_LE(drops, n / 677 + 1);
  for (void* p : second) Pool::deallocate(p);
}

TEST(BlockPool, BlocksFreedOnAnotherThreadComeBack) {
  SKIP_IF_BYPASSED();
  using Pool = BlockPool<112>;
  constexpr std::size_t n = 3000;
  std::vector<void*> first = take_n<Pool>(n);
  std::thread([&first] {
    for (void* p : first) Pool::deallocate(p);
  }).join();
  std::vector<void*> second = take_n<Pool>(n);
  EXPECT_EQ(slabs_of(second), slabs_of(first));  // no new memory
  for (void* p : second) Pool::deallocate(p);
}

TEST(BlockPool, SlabsOfAnExitedThreadAreAdoptedWithTheirFreeBlocks) {
  SKIP_IF_BYPASSED();
  using Pool = BlockPool<128>;
  constexpr std::size_t n = 2000;
  std::vector<void*> kept;
  std::set<void*> made;
  std::thread([&] {
    std::vector<void*> blocks = take_n<Pool>(n);
    made.insert(blocks.begin(), blocks.end());
    for (std::size_t i = 0; i < n; ++i) {
      if (i % 2 == 0)
        Pool::deallocate(blocks[i]);  // freed before the thread exits
      else
        kept.push_back(blocks[i]);
    }
  }).join();
  for (void* p : kept) Pool::deallocate(p);  // freed after: the orphanage owns them now
  std::set<void*> again;
  std::thread([&again] {
    std::vector<void*> blocks = take_n<Pool>(n);
    again.insert(blocks.begin(), blocks.end());
    for (void* p : blocks) Pool::deallocate(p);
  }).join();
  // The exited thread's slabs, with both halves of their blocks, before any fresh memory.
  EXPECT_EQ(slabs_of(again), slabs_of(made));
}

// Destroyed after the pool's own per-thread state (made later, so destroyed earlier).
struct AllocatesAtThreadExit {
  void* block = nullptr;
  bool* done = nullptr;
  ~AllocatesAtThreadExit() {
    void* p = BlockPool<144>::allocate();
    std::memset(p, 0xab, 144);
    BlockPool<144>::deallocate(p);
    if (block != nullptr) BlockPool<144>::deallocate(block);
    *done = true;
  }
};

TEST(BlockPool, AThreadCanAllocateAndFreeWhileItExits) {
  bool done = false;
  std::thread([&done] {
    thread_local AllocatesAtThreadExit late;
    late.done = &done;
    late.block = BlockPool<144>::allocate();  // after `late` exists: the pool's state is newer
  }).join();
  EXPECT_TRUE(done);
}

TEST(BlockPool, ThreadsPassingBlocksToEachOtherNeverShareOne) {
  using Pool = BlockPool<160>;
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  // Each thread allocates, stamps the block with its id, and hands it to the next thread,
  // which checks the stamp and frees it: frees are remote, and blocks come back concurrently.
  std::vector<std::atomic<void*>> mailbox(kThreads);
  for (auto& m : mailbox) m.store(nullptr);
  std::atomic<int> bad{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::atomic<void*>& mine = mailbox[static_cast<std::size_t>(t)];
      std::atomic<void*>& next = mailbox[static_cast<std::size_t>((t + 1) % kThreads)];
      for (int r = 0; r < kRounds; ++r) {
        auto* p = static_cast<std::uint64_t*>(Pool::allocate());
        p[0] = static_cast<std::uint64_t>(t);
        p[1] = static_cast<std::uint64_t>(r);
        void* expected = nullptr;
        while (!next.compare_exchange_weak(expected, p, std::memory_order_release,
                                           std::memory_order_relaxed)) {
          expected = nullptr;
          std::this_thread::yield();  // four threads on two loaded cores: let the others run
          if (void* got = mine.exchange(nullptr, std::memory_order_acquire)) {
            const auto* q = static_cast<std::uint64_t*>(got);
            if (q[0] != static_cast<std::uint64_t>((t + kThreads - 1) % kThreads)) ++bad;
            Pool::deallocate(got);
          }
        }
        if (void* got = mine.exchange(nullptr, std::memory_order_acquire)) {
          const auto* q = static_cast<std::uint64_t*>(got);
          if (q[0] != static_cast<std::uint64_t>((t + kThreads - 1) % kThreads)) ++bad;
          Pool::deallocate(got);
        }
      }
      // Keep emptying the mailbox until everyone is done, so that no sender waits forever.
      finished.fetch_add(1);
      while (finished.load() < kThreads) {
        if (void* got = mine.exchange(nullptr, std::memory_order_acquire)) Pool::deallocate(got);
        std::this_thread::yield();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (auto& m : mailbox)
    if (void* p = m.exchange(nullptr)) Pool::deallocate(p);
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace aio::detail
