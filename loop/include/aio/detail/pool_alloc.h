#pragma once
// Size-class pools for the loop's small, short-lived objects: futures, tasks and coroutine
// frames (the handle pools of block_pool.h, in classes from 128 to 512 bytes; larger requests
// go to the general heap). Any thread may free a block. Internal to aio.

#include <cstddef>

namespace aio::detail {

void* pool_allocate(std::size_t size);
void pool_deallocate(void* p, std::size_t size) noexcept;

}  // namespace aio::detail
