#pragma once
// Fixed-size block pools for handle states: a per-thread free list in front of a process-wide
// depot. Internal to aio (handle.cpp).
//
// Why: a call_soon batch allocates and frees one handle per callback; the general-purpose
// allocator was half the cost of call_soon. Blocks come from 64 KiB slabs, so handles made
// in a row sit next to each other and run in memory order.
//
// Bounds: a thread keeps at most kMaxCached free blocks; past that, its whole stack goes to
// the depot, where any thread takes stacks before carving a new slab. Memory is therefore bounded by the
// peak number of live handles plus the caches. Slabs are never returned to the system (as
// CPython's free lists), and a thread that exits hands its blocks to the depot, so a handle
// may safely outlive the thread that made it.

#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace aio::detail {

template <std::size_t BlockSize>
class BlockPool {
 public:
  static void* allocate() {
    Cache& cache = local();
    if (cache.free.empty()) cache.refill();
    // Blocks come back in the order their handles died, so the next ones are often cold and
    // scattered: start fetching the block handed out kPrefetchAhead allocations from now,
    // for writing, so that building a handle does not wait for memory.
    const std::size_t n = cache.free.size();
    if (n > kPrefetchAhead) {
      auto* ahead = static_cast<char*>(cache.free[n - 1 - kPrefetchAhead]);
      __builtin_prefetch(ahead, 1);
      __builtin_prefetch(ahead + BlockSize - 1, 1);
    }
    void* b = cache.free.back();
    cache.free.pop_back();
    return b;
  }

  static void deallocate(void* p) noexcept {
    Cache& cache = local();
    if (cache.free.size() == cache.free.capacity()) cache.spill();
    try {
      cache.free.push_back(p);  // capacity is reserved unless spill() ran out of memory
    } catch (...) {
      // Out of memory: the block stays reachable through its slab and is not reused.
    }
  }

 private:
  static_assert(BlockSize % alignof(std::max_align_t) == 0);
  static constexpr std::size_t kSlabBytes = 64 * 1024;
  static constexpr std::size_t kBlocksPerSlab = kSlabBytes / BlockSize;
  static constexpr std::size_t kMaxCached = 64 * kBlocksPerSlab;
  static constexpr std::size_t kPrefetchAhead = 8;

  struct Depot {
    std::mutex mutex;
    std::vector<std::vector<void*>> stacks;  // full or partial free stacks from caches
    std::vector<void*> slabs;                // keeps every slab reachable (LeakSanitizer)
  };
  static Depot& depot() {
    static Depot* d = new Depot();  // never destroyed: handles may outlive static destructors
    return *d;
  }

  // The free blocks of one thread, as a stack of pointers: popping one never reads the
  // (possibly cold) block itself.
  struct Cache {
    std::vector<void*> free;

    Cache() { free.reserve(kMaxCached); }

    void refill() {
      Depot& d = depot();
      {
        std::lock_guard<std::mutex> lock(d.mutex);
        if (!d.stacks.empty()) {
          std::swap(free, d.stacks.back());
          d.stacks.pop_back();
          free.reserve(kMaxCached);
          return;
        }
      }
      auto* slab = static_cast<unsigned char*>(::operator new(kSlabBytes));
      {
        std::lock_guard<std::mutex> lock(d.mutex);
        d.slabs.push_back(slab);
      }
      // Pushed in reverse so that they are handed out in address order.
      for (std::size_t i = kBlocksPerSlab; i-- > 0;) free.push_back(slab + i * BlockSize);
    }

    // Hands the whole stack to the depot and starts an empty one.
    void spill() noexcept {
      std::vector<void*> fresh;
      try {
        fresh.reserve(kMaxCached);
        Depot& d = depot();
        std::lock_guard<std::mutex> lock(d.mutex);
        d.stacks.push_back(std::move(free));
      } catch (...) {
        return;  // out of memory: keep the blocks here; they stay reachable through the slabs
      }
      free = std::move(fresh);
    }

    ~Cache() {
      if (free.empty()) return;
      Depot& d = depot();
      std::lock_guard<std::mutex> lock(d.mutex);
      try {
        d.stacks.push_back(std::move(free));
      } catch (...) {
      }
    }
  };

  static Cache& local() {
    thread_local Cache cache;
    return cache;
  }
};

}  // namespace aio::detail
