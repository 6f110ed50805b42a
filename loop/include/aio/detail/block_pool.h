#pragma once
// Fixed-size block pools for handle states, futures and tasks. Internal to aio (a header so that
// a handle's allocation inlines into call_soon).
//
// Why: a call_soon batch allocates and frees one handle per callback, and a loop with a
// million timers frees them in `when` order, which has nothing to do with the order they were
// made in. The general-purpose allocator was half the cost of call_soon, and a plain free list
// hands blocks back in the order they died: scattered, so every new handle was a cache and TLB
// miss. Here blocks come from 64 KiB slabs, each slab knows its free blocks by a bitmap, and
// a thread allocates the lowest free block of one slab before it moves to the next. Handles
// made in a row therefore sit next to each other, in address order, however they were freed.
//
// Threads: each slab belongs to one thread, whose frees only set a bit (or, for the last few,
// go to a small last-in-first-out magazine that the next allocations take from first). A block freed on
// another thread goes to its slab's atomic `remote` bitmap; the owner collects those when it
// runs out of free blocks. When a thread exits, its slabs go to a process-wide orphanage,
// where other threads adopt the ones with free blocks (and a thread that allocates while it
// exits uses the orphanage itself). Slabs are never returned to the system (as CPython keeps
// its free lists), so memory is bounded by the peak number of live handles, per thread.
//
// A slab that is wholly free when a thread turns to it is handed out by bumping a pointer
// (its bitmap says "all taken" meanwhile; frees set bits as usual), which is the common case of
// a batch: the blocks a batch freed are all free again when the next batch comes.
//
// Under AddressSanitizer every block is a plain heap allocation instead, so that ASan sees use
// after free.

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define AIO_POOL_BYPASS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIO_POOL_BYPASS 1
#endif
#endif

namespace aio::detail {

template <std::size_t BlockSize>
class BlockPool {
 public:
#ifdef AIO_POOL_BYPASS
  static void* allocate() { return ::operator new(BlockSize); }
  static void deallocate(void* p) noexcept { ::operator delete(p); }
#else
  [[gnu::always_inline]] static void* allocate() {
    Cache* c = tls_cache;
    if (c == nullptr) {
      if (tls_exiting) return allocate_while_exiting();
      c = attach_thread();
    }
    if (c->magazine_size != 0) return c->magazine[--c->magazine_size];
    if (c->bump != c->bump_end) {
      unsigned char* p = c->bump;
      c->bump += BlockSize;
      __builtin_prefetch(p + kPrefetchAhead * BlockSize, 1);
      return p;
    }
    return take(c);
  }

  [[gnu::always_inline]] static void deallocate(void* p) noexcept {
    Slab* s = slab_of(p);
    Cache* c = tls_cache;
    if (c != nullptr && s->owner.load(std::memory_order_relaxed) == c) {
      if (c->magazine_size < kMagazine) {
        c->magazine[c->magazine_size++] = p;
        return;
      }
      give_back(c, s, s->index_of(p));
    } else {
      give_back_remote(s, s->index_of(p));
    }
  }
#endif

 private:
  static_assert(BlockSize % alignof(std::max_align_t) == 0);
  static constexpr std::size_t kSlabBytes = 64 * 1024;
  // Blocks start on a cache line, after a header that holds the two bitmaps.
  static constexpr std::size_t kHeaderBytes = BlockSize < 48 ? 1024 : 512;
  static constexpr std::size_t kBlocks = (kSlabBytes - kHeaderBytes) / BlockSize;
  static constexpr std::size_t kWords = (kBlocks + 63) / 64;
  static constexpr std::size_t kAdoptScan = 8;    // orphans looked at per adoption
  static constexpr std::size_t kChunkSlabs = 16;  // slabs per allocation from the system
  static constexpr std::size_t kPrefetchAhead = 32;  // blocks
  // The last blocks a thread freed, handed out again first (last in, first out): a block freed
  // and soon needed again (a future per hand-off between two tasks) costs a few instructions
  // and is still in cache. Beyond these, frees go back to their slab's bitmap.
  static constexpr std::uint32_t kMagazine = 32;

  struct Cache;

  struct Slab {
    std::atomic<Cache*> owner{nullptr};
    Slab* next_owned = nullptr;    // the owner's list of all its slabs
    Slab* next_partial = nullptr;  // the owner's stack of slabs with free blocks
    bool in_partial = false;
    std::size_t free_count = 0;  // set bits in `local`
    std::size_t cursor = 0;      // no free block below word `cursor`
    std::uint64_t local[kWords] = {};  // 1 = free; the owner's, or under the orphanage lock
    std::atomic<bool> has_remote{false};
    std::atomic<std::uint64_t> remote[kWords] = {};  // freed by other threads

    void* block(std::size_t i) noexcept {
      return reinterpret_cast<unsigned char*>(this) + kHeaderBytes + i * BlockSize;
    }
    std::size_t index_of(void* p) const noexcept {
      return static_cast<std::size_t>(static_cast<unsigned char*>(p) -
                                      reinterpret_cast<const unsigned char*>(this) - kHeaderBytes) /
             BlockSize;
    }
    // Moves the remote frees into `local`.
    void collect_remote() noexcept {
      for (std::size_t w = 0; w < kWords; ++w) {
        const std::uint64_t bits = remote[w].exchange(0, std::memory_order_acq_rel);
        if (bits == 0) continue;
        local[w] |= bits;
        free_count += static_cast<std::size_t>(std::popcount(bits));
        if (w < cursor) cursor = w;
      }
    }
  };
  static_assert(sizeof(Slab) <= kHeaderBytes);

  struct Cache {
    Slab* current = nullptr;  // allocations come from here
    Slab* partial = nullptr;  // other slabs with free blocks
    Slab* owned = nullptr;
    std::atomic<bool> has_remote{false};  // some owned slab has remote frees
    unsigned char* carve = nullptr;       // the next slab of the last chunk
    std::size_t carve_left = 0;
    unsigned char* bump = nullptr;      // the rest of `current`, when it was wholly free
    unsigned char* bump_end = nullptr;  // (allocated as far as its bitmap knows)
    std::uint32_t magazine_size = 0;
    void* magazine[kMagazine];  // blocks of owned slabs, allocated as far as the slabs know
  };

  // The orphanage: slabs of exited threads, owned by `orphans` and used under `mutex`. Caches
  // are never destroyed (a thread freeing a block may still read its slab's old owner) but
  // reused; `all` keeps every one reachable.
  struct Orphanage {
    std::mutex mutex;
    Cache orphans;
    std::vector<Cache*> idle;
    std::vector<Cache*> all;
  };
  static Orphanage& orphanage() {
    static Orphanage* o = new Orphanage();  // never destroyed: handles may outlive statics
    return *o;
  }

  static inline thread_local Cache* tls_cache = nullptr;
  static inline thread_local bool tls_exiting = false;

  // Hands the thread's slabs to the orphanage when the thread exits.
  struct ThreadGuard {
    ~ThreadGuard() {
      Cache* c = tls_cache;
      tls_cache = nullptr;
      tls_exiting = true;
      if (c == nullptr) return;
      // The magazine's blocks, and the bump range, go back to their slabs before the slabs
      // change hands.
      while (c->magazine_size != 0) {
        void* p = c->magazine[--c->magazine_size];
        Slab* s = slab_of(p);
        give_back(c, s, s->index_of(p));
      }
      give_back_bump(c);
      Orphanage& o = orphanage();
      std::lock_guard<std::mutex> lock(o.mutex);
      // The rest of its last chunk, then its slabs, which adopters thus fill first.
      while (c->carve_left != 0) carve_slab(c, &o.orphans);
      while (Slab* s = c->owned) {
        c->owned = s->next_owned;
        s->in_partial = false;
        s->owner.store(&o.orphans, std::memory_order_seq_cst);
        s->next_owned = o.orphans.owned;
        o.orphans.owned = s;
      }
      c->current = nullptr;
      c->partial = nullptr;
      c->carve = nullptr;
      c->has_remote.store(false, std::memory_order_relaxed);
      o.idle.push_back(c);  // reserved in attach_thread: cannot throw
    }
  };

  static Cache* attach_thread() {
    thread_local ThreadGuard guard;
    Orphanage& o = orphanage();
    std::lock_guard<std::mutex> lock(o.mutex);
    Cache* c;
    if (!o.idle.empty()) {
      c = o.idle.back();
      o.idle.pop_back();
    } else {
      o.all.reserve(o.all.size() + 1);
      o.idle.reserve(o.all.size() + 1);
      c = new Cache();
      o.all.push_back(c);
    }
    (void)guard;
    tls_cache = c;
    return c;
  }

  [[gnu::noinline]] static void* take(Cache* c) {
    Slab* s = c->current;
    if (s == nullptr || s->free_count == 0) {
      s = c->current = next_slab(c);
      if (s->free_count == kBlocks) {
        // Wholly free: hand it out in address order by bumping (see the top of the file).
        for (std::size_t w = 0; w < kWords; ++w) s->local[w] = 0;
        s->free_count = 0;
        s->cursor = kWords;  // a free block lowers it again (give_back, collect_remote)
        c->bump = static_cast<unsigned char*>(s->block(1));
        c->bump_end = static_cast<unsigned char*>(s->block(kBlocks));
        return s->block(0);
      }
    }
    std::size_t w = s->cursor;
    while (s->local[w] == 0) ++w;
    s->cursor = w;
    const auto b = static_cast<std::size_t>(std::countr_zero(s->local[w]));
    s->local[w] &= s->local[w] - 1;
    --s->free_count;
    auto* p = static_cast<unsigned char*>(s->block(w * 64 + b));
    // The next blocks handed out most likely follow this one: start fetching them for writing.
    // (A prefetch never faults, even past the slab.)
    __builtin_prefetch(p + kPrefetchAhead * BlockSize, 1);
    return p;
  }

  static void give_back(Cache* c, Slab* s, std::size_t i) noexcept {
    const std::size_t w = i / 64;
    s->local[w] |= std::uint64_t{1} << (i % 64);
    ++s->free_count;
    if (w < s->cursor) s->cursor = w;
    if (!s->in_partial && s != c->current) {
      s->in_partial = true;
      s->next_partial = c->partial;
      c->partial = s;
    }
  }

  // Returns the blocks of the bump range to their slab's bitmap (the thread is leaving it).
  static void give_back_bump(Cache* c) noexcept {
    for (; c->bump != c->bump_end; c->bump += BlockSize) {
      Slab* s = slab_of(c->bump);
      give_back(c, s, s->index_of(c->bump));
    }
    c->bump = c->bump_end = nullptr;
  }

  // Sequentially consistent, so that the owner (or an adopter) either collects the bit or is
  // told about it: see collect_owned and adopt.
  static void give_back_remote(Slab* s, std::size_t i) noexcept {
    s->remote[i / 64].fetch_or(std::uint64_t{1} << (i % 64), std::memory_order_seq_cst);
    s->has_remote.store(true, std::memory_order_seq_cst);
    if (Cache* owner = s->owner.load(std::memory_order_seq_cst))
      owner->has_remote.store(true, std::memory_order_seq_cst);
  }

  static Slab* pop_partial(Cache* c) noexcept {
    Slab* s = c->partial;
    if (s != nullptr) {
      c->partial = s->next_partial;
      s->in_partial = false;
    }
    return s;
  }

  // A slab with free blocks: one freed here, else one freed by other threads, else an orphan,
  // else a new one.
  static Slab* next_slab(Cache* c) {
    if (Slab* s = pop_partial(c)) return s;
    if (c->has_remote.exchange(false, std::memory_order_seq_cst)) {
      collect_owned(c);
      if (Slab* s = pop_partial(c)) return s;
    }
    if (Slab* s = adopt(c)) return s;
    return new_slab(c);
  }

  static void collect_owned(Cache* c) noexcept {
    for (Slab* s = c->owned; s != nullptr; s = s->next_owned) {
      if (!s->has_remote.exchange(false, std::memory_order_seq_cst)) continue;
      s->collect_remote();
      if (s->free_count != 0 && !s->in_partial && s != c->current) {
        s->in_partial = true;
        s->next_partial = c->partial;
        c->partial = s;
      }
    }
  }

  static Slab* adopt(Cache* c) {
    Orphanage& o = orphanage();
    std::lock_guard<std::mutex> lock(o.mutex);
    Slab** link = &o.orphans.owned;
    for (std::size_t n = 0; *link != nullptr && n < kAdoptScan; ++n) {
      Slab* s = *link;
      s->collect_remote();
      if (s->free_count == 0) {
        link = &s->next_owned;
        continue;
      }
      *link = s->next_owned;
      if (o.orphans.current == s) o.orphans.current = nullptr;
      s->owner.store(c, std::memory_order_seq_cst);
      s->collect_remote();  // what was freed while the orphanage still owned it
      s->next_owned = c->owned;
      c->owned = s;
      return s;
    }
    return nullptr;
  }

  static Slab* new_slab(Cache* c) {
    if (c->carve_left == 0) {
      // Slabs are carved from chunks of kChunkSlabs, aligned to their size by hand.
      auto* chunk = static_cast<unsigned char*>(::operator new((kChunkSlabs + 1) * kSlabBytes));
      const auto addr = reinterpret_cast<std::uintptr_t>(chunk);
      c->carve = chunk + ((kSlabBytes - addr % kSlabBytes) % kSlabBytes);
      c->carve_left = kChunkSlabs;
    }
    return carve_slab(c, c);
  }

  // Makes the next slab of `from`'s chunk, with every block free, and gives it to `to`.
  static Slab* carve_slab(Cache* from, Cache* to) noexcept {
    Slab* s = ::new (static_cast<void*>(from->carve)) Slab();
    from->carve += kSlabBytes;
    --from->carve_left;
    for (std::size_t w = 0; w < kWords; ++w) {
      const std::size_t bits = kBlocks - w * 64 < 64 ? kBlocks - w * 64 : 64;
      s->local[w] = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    }
    s->free_count = kBlocks;
    s->owner.store(to, std::memory_order_seq_cst);
    s->next_owned = to->owned;
    to->owned = s;
    return s;
  }

  // A thread past its ThreadGuard allocates from the orphanage, under its lock.
  static void* allocate_while_exiting() {
    Orphanage& o = orphanage();
    std::lock_guard<std::mutex> lock(o.mutex);
    Cache* c = &o.orphans;
    if (c->current == nullptr || c->current->free_count == 0) {
      c->current = nullptr;
      for (Slab* s = c->owned; s != nullptr; s = s->next_owned) {
        s->collect_remote();
        if (s->free_count != 0) {
          c->current = s;
          break;
        }
      }
      if (c->current == nullptr) c->current = new_slab(c);
    }
    return take(c);
  }

  static Slab* slab_of(void* p) noexcept {
    return reinterpret_cast<Slab*>(reinterpret_cast<std::uintptr_t>(p) &
                                   ~std::uintptr_t{kSlabBytes - 1});
  }
};

}  // namespace aio::detail
