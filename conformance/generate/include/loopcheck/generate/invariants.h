// The seven loop invariants, each a check of one probed run (generate.h, "Probes") on the
// trace the adapter returned: empty when it holds, else what broke, naming the callback.
// They read only the trace; they do not run anything.
//
//   ORD-01 exactly_once      every callback not cancelled runs exactly once (once its due
//                            iteration has passed)
//   ORD-01 call_soon_fifo    call_soon callbacks run in the order they were scheduled
//   ORD-09 no_early_timer    no timer runs before its `when`
//   ORD-03 batch_closed      callbacks scheduled during a batch never join it (a call_soon
//                            callback runs in exactly the next iteration)
//   RUN-02 stop_batch        stop() finishes the batch and runs no more
//   EXC-01 handler_once      the handler is called once per raising callback, right after
//                            it, and the loop carries on
//   CAN-03 cancelled_never   a cancelled handle never runs
#pragma once

#include <string>

#include "loopcheck/json.h"

namespace loopcheck::props {

using Invariant = std::string (*)(const Json& result);

std::string exactly_once(const Json& result);
std::string call_soon_fifo(const Json& result);
std::string no_early_timer(const Json& result);
std::string batch_closed(const Json& result);
std::string stop_batch(const Json& result);
std::string handler_once(const Json& result);
std::string cancelled_never(const Json& result);

}  // namespace loopcheck::props
