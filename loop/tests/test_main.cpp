// Test entry point: turns on live-handle accounting before any test runs.
#include <gtest/gtest.h>

#include "aio/detail/handle_state.h"

int main(int argc, char** argv) {
  aio::detail::set_handle_accounting(true);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
