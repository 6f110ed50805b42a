#pragma once
// Everything aio: the event loop, futures, coroutines and tasks, executors, and the asyncio
// functions built on them. Include this, or the one header you need.

#include "aio/context.h"
#include "aio/coro.h"
#include "aio/errors.h"
#include "aio/event_loop.h"
#include "aio/executor.h"
#include "aio/future.h"
#include "aio/gather.h"
#include "aio/run_in_executor.h"
#include "aio/run_until_complete.h"
#include "aio/runners.h"
#include "aio/shield.h"
#include "aio/sleep.h"
#include "aio/task.h"
#include "aio/wait_for.h"
