#pragma once
// Size-class pools for the loop's small, short-lived objects: futures, tasks and coroutine
// frames (the handle pools of block_pool.h, in classes from 128 to 512 bytes; larger requests
// go to the general heap). Any thread may free a block. Internal to aio.
//
// Inline, so that a class's operator new/delete, which know the size at compile time, reduce
// to one pool's fast path (a future per task hand-off allocates and frees one block).

#include <cstddef>
#include <new>

#include "aio/detail/block_pool.h"

namespace aio::detail {

// Size classes: 128, 192, 256, 320, 384, 512 bytes (a TaskState is about 300 bytes, a plain
// future of a small result 128, a trivial coroutine frame under 128).
[[gnu::always_inline]] inline void* pool_allocate(std::size_t size) {
  if (size <= 128) return BlockPool<128>::allocate();
  if (size <= 192) return BlockPool<192>::allocate();
  if (size <= 256) return BlockPool<256>::allocate();
  if (size <= 320) return BlockPool<320>::allocate();
  if (size <= 384) return BlockPool<384>::allocate();
  if (size <= 512) return BlockPool<512>::allocate();
  return ::operator new(size);
}

[[gnu::always_inline]] inline void pool_deallocate(void* p, std::size_t size) noexcept {
  if (size <= 128)
    BlockPool<128>::deallocate(p);
  else if (size <= 192)
    BlockPool<192>::deallocate(p);
  else if (size <= 256)
    BlockPool<256>::deallocate(p);
  else if (size <= 320)
    BlockPool<320>::deallocate(p);
  else if (size <= 384)
    BlockPool<384>::deallocate(p);
  else if (size <= 512)
    BlockPool<512>::deallocate(p);
  else
    ::operator delete(p);
}

}  // namespace aio::detail
