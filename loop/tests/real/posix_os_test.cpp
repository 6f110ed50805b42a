// PosixOs: pipes and socket pairs, read/write results (EAGAIN, EOF, EPIPE, EBADF), close,
// open_fd_count and getenv, on the real kernel.
#include "aio/posix_os.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <string>

#include "aio/errors.h"
#include "real_test_support.h"

namespace aio::testing {
namespace {

class PosixOsTest : public FdLeakTest {
 protected:
  std::string read_text(int fd, std::size_t max = 64) {
    std::string buf(max, '\0');
    IoResult r = os_.read(fd, std::as_writable_bytes(std::span(buf.data(), buf.size())));
    EXPECT_TRUE(r.ok()) << r.err;
    buf.resize(r.n);
    return buf;
  }
  IoResult read_some(int fd) {
    std::array<std::byte, 16> buf{};
    return os_.read(fd, buf);
  }
};

void expect_nonblocking_cloexec(int fd) {
  EXPECT_NE(::fcntl(fd, F_GETFL) & O_NONBLOCK, 0) << fd;
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0) << fd;
}

TEST_F(PosixOsTest, PipeRoundTrip) {
  FdPair p = make_pipe(os_);
  expect_nonblocking_cloexec(p.a.get());
  expect_nonblocking_cloexec(p.b.get());
  IoResult w = write_text(os_, p.b.get(), "hello");
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.n, 5u);
  EXPECT_EQ(read_text(p.a.get()), "hello");
}

TEST_F(PosixOsTest, SocketpairRoundTripsBothWays) {
  FdPair s = make_socketpair(os_);
  expect_nonblocking_cloexec(s.a.get());
  expect_nonblocking_cloexec(s.b.get());
  EXPECT_EQ(write_text(os_, s.a.get(), "ping").n, 4u);
  EXPECT_EQ(read_text(s.b.get()), "ping");
  EXPECT_EQ(write_text(os_, s.b.get(), "pong").n, 4u);
  EXPECT_EQ(read_text(s.a.get()), "pong");
}

TEST_F(PosixOsTest, ReadOfAnEmptyPipeWouldBlock) {
  FdPair p = make_pipe(os_);
  IoResult r = read_some(p.a.get());
  EXPECT_EQ(r.err, EAGAIN);
  EXPECT_TRUE(r.would_block());
  EXPECT_EQ(r.n, 0u);
}

TEST_F(PosixOsTest, WriteToAFullPipeWouldBlock) {
  FdPair p = make_pipe(os_);
  const std::string chunk(65536, 'x');
  IoResult w;
  std::size_t total = 0;
  for (int i = 0; i < 1000; ++i) {
    w = write_text(os_, p.b.get(), chunk);
    if (!w.ok()) break;
    total += w.n;
  }
  EXPECT_TRUE(w.would_block()) << w.err;
  EXPECT_GT(total, 0u);
}

TEST_F(PosixOsTest, ReadAfterTheWriterClosedIsEndOfFile) {
  FdPair p = make_pipe(os_);
  ASSERT_TRUE(write_text(os_, p.b.get(), "last").ok());
  os_.close(p.b.release());
  EXPECT_EQ(read_text(p.a.get()), "last");
  IoResult r = read_some(p.a.get());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 0u);
}

TEST_F(PosixOsTest, WriteAfterTheReaderClosedIsEpipeNotSigpipe) {
  FdPair p = make_pipe(os_);
  os_.close(p.a.release());
  EXPECT_EQ(write_text(os_, p.b.get(), "lost").err, EPIPE);
  FdPair s = make_socketpair(os_);
  os_.close(s.b.release());
  EXPECT_EQ(write_text(os_, s.a.get(), "lost").err, EPIPE);
}

TEST_F(PosixOsTest, ConstructionIgnoresSigpipeIfItWasDefault) {
  struct sigaction current {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &current), 0);
  EXPECT_TRUE(current.sa_handler == SIG_IGN);  // gtest leaves SIGPIPE at SIG_DFL
}

TEST_F(PosixOsTest, ReadAndWriteOfABadFdReportEbadfWithoutThrowing) {
  FdPair p = make_pipe(os_);
  const int r = p.a.get();
  os_.close(p.a.release());
  EXPECT_EQ(read_some(r).err, EBADF);
  EXPECT_EQ(write_text(os_, r, "x").err, EBADF);
}

TEST_F(PosixOsTest, CloseOfAClosedFdIsOSErrorEbadf) {
  FdPair p = make_pipe(os_);
  const int r = p.a.release();
  os_.close(r);
  try {
    os_.close(r);
    FAIL() << "no OSError";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EBADF);
    EXPECT_STREQ(e.what(), "[Errno 9] Bad file descriptor");
  }
}

TEST_F(PosixOsTest, OpenFdCountFollowsOpensAndCloses) {
  const std::size_t start = os_.open_fd_count();
  auto [r, w] = os_.pipe();
  EXPECT_EQ(os_.open_fd_count(), start + 2);
  auto [a, b] = os_.socketpair();
  EXPECT_EQ(os_.open_fd_count(), start + 4);
  os_.close(r);
  os_.close(a);
  EXPECT_EQ(os_.open_fd_count(), start + 2);
  os_.close(w);
  os_.close(b);
  EXPECT_EQ(os_.open_fd_count(), start);
}

TEST_F(PosixOsTest, GetenvReadsTheProcessEnvironment) {
  ASSERT_EQ(::setenv("AIO_POSIX_OS_TEST", "value 1", 1), 0);
  EXPECT_EQ(os_.getenv("AIO_POSIX_OS_TEST"), std::optional<std::string>("value 1"));
  ASSERT_EQ(::setenv("AIO_POSIX_OS_TEST", "", 1), 0);
  EXPECT_EQ(os_.getenv("AIO_POSIX_OS_TEST"), std::optional<std::string>(""));
  ASSERT_EQ(::unsetenv("AIO_POSIX_OS_TEST"), 0);
  EXPECT_EQ(os_.getenv("AIO_POSIX_OS_TEST"), std::nullopt);
}

}  // namespace
}  // namespace aio::testing
