#pragma once
// Helpers shared by the simulator's tests: byte/string conversion for SimOs reads and writes,
// and a fixture that owns a World and checks that each test leaves no fd open. Test-only:
// must not be used by the library.

#include <gtest/gtest.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aio/sim/world.h"

namespace aio::sim::testing {

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

inline IoResult write_text(Os& os, int fd, std::string_view text) {
  return os.write(fd, as_bytes(text));
}

// Reads up to `max` bytes; returns the text read and stores the result in *out if given.
inline std::string read_text(Os& os, int fd, std::size_t max, IoResult* out = nullptr) {
  std::vector<std::byte> buf(max);
  IoResult result = os.read(fd, buf);
  if (out != nullptr) *out = result;
  std::string text;
  for (std::size_t i = 0; i < result.n; ++i) text.push_back(static_cast<char>(buf[i]));
  return text;
}

// A World per test; TearDown checks the clean-close rule: no fd left open in its SimOs.
class WorldTest : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_EQ(world.os().open_fd_count(), 0u) << "fds left open by the test";
  }
  World world{42};
};

}  // namespace aio::sim::testing
