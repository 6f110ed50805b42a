#pragma once
// Helpers for the tests of the real backend: fds that close themselves, a fixture base that
// fails any test leaving an fd open (the clean-close check every test ends with), and a
// stopwatch. Tests only; real kernel calls are fine here.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "aio/posix_os.h"

namespace aio::testing {

// Owns one fd; closes it on destruction unless release()d or already closed via reset().
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct FdPair {
  UniqueFd a;  // pipe: read end
  UniqueFd b;  // pipe: write end
};

inline FdPair make_pipe(Os& os) {
  auto [r, w] = os.pipe();
  return {UniqueFd(r), UniqueFd(w)};
}

inline FdPair make_socketpair(Os& os) {
  auto [a, b] = os.socketpair();
  return {UniqueFd(a), UniqueFd(b)};
}

inline IoResult write_text(Os& os, int fd, std::string_view text) {
  return os.write(fd, std::as_bytes(std::span(text.data(), text.size())));
}

// The what() of the E that f() throws, or "<no exception>". Any other exception propagates and
// fails the test.
template <class E, class F>
std::string thrown_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

// Seconds since construction, on the steady clock.
class Stopwatch {
 public:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Fixture base: records the process's open fds in SetUp and checks the count is back in
// TearDown. Derived fixtures release what they own in their own TearDown before calling this.
class FdLeakTest : public ::testing::Test {
 protected:
  void SetUp() override { fds_before_ = os_.open_fd_count(); }
  void TearDown() override {
    EXPECT_EQ(os_.open_fd_count(), fds_before_) << "the test left fds open";
  }

  // The process's open fds when the test started.
  std::size_t fds_at_start() const { return fds_before_; }

  PosixOs os_;

 private:
  std::size_t fds_before_ = 0;
};

}  // namespace aio::testing
