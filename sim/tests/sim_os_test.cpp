// SimOs: pipe and socket-pair semantics as Linux with O_NONBLOCK, fd numbering, readiness
// stamps and the simulated environment.
#include "aio/sim/sim_os.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "aio/errors.h"
#include "sim_test_support.h"

namespace aio::sim {
namespace {

using testing::read_text;
using testing::write_text;

class SimOsTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(os.open_fd_count(), 0u) << "fds left open"; }
  SimOs os;
};

TEST_F(SimOsTest, PipeFdsStartAtThree) {
  auto [r, w] = os.pipe();
  EXPECT_EQ(r, 3);
  EXPECT_EQ(w, 4);
  EXPECT_EQ(os.open_fd_count(), 2u);
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, LowestFreeFdIsReused) {
  auto [r1, w1] = os.pipe();      // 3, 4
  auto [a, b] = os.socketpair();  // 5, 6
  os.close(w1);
  os.close(r1);
  auto [r2, w2] = os.pipe();
  EXPECT_EQ(r2, 3);
  EXPECT_EQ(w2, 4);
  auto [r3, w3] = os.pipe();
  EXPECT_EQ(r3, 7);
  EXPECT_EQ(w3, 8);
  EXPECT_EQ(os.open_fds(), (std::vector<int>{3, 4, 5, 6, 7, 8}));
  for (int fd : {r2, w2, a, b, r3, w3}) os.close(fd);
}

TEST_F(SimOsTest, ReadMovesWrittenBytes) {
  auto [r, w] = os.pipe();
  IoResult result = write_text(os, w, "hello");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.n, 5u);
  EXPECT_EQ(os.pending_bytes(r), 5u);
  EXPECT_EQ(read_text(os, r, 3), "hel");
  EXPECT_EQ(read_text(os, r, 100), "lo");
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, ReadEmptyPipeWithWriterOpenIsEagain) {
  auto [r, w] = os.pipe();
  IoResult result;
  EXPECT_EQ(read_text(os, r, 10, &result), "");
  EXPECT_EQ(result.err, EAGAIN);
  EXPECT_TRUE(result.would_block());
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, ReadAfterWriterClosedDrainsThenEof) {
  auto [r, w] = os.pipe();
  write_text(os, w, "bye");
  os.close(w);
  EXPECT_EQ(read_text(os, r, 10), "bye");
  IoResult result;
  read_text(os, r, 10, &result);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.n, 0u);  // EOF
  os.close(r);
}

TEST_F(SimOsTest, WriteWithReaderClosedIsEpipe) {
  auto [r, w] = os.pipe();
  os.close(r);
  IoResult result = write_text(os, w, "x");
  EXPECT_EQ(result.err, EPIPE);
  EXPECT_EQ(result.n, 0u);
  os.close(w);
}

TEST_F(SimOsTest, WritesArePartialAtCapacityThenEagain) {
  auto [r, w] = os.pipe();
  const std::string big(SimOs::PIPE_CAPACITY - 100, 'a');
  EXPECT_EQ(write_text(os, w, big).n, big.size());
  IoResult partial = write_text(os, w, std::string(250, 'b'));
  EXPECT_TRUE(partial.ok());
  EXPECT_EQ(partial.n, 100u);
  IoResult full = write_text(os, w, "c");
  EXPECT_EQ(full.err, EAGAIN);
  EXPECT_EQ(os.pending_bytes(r), SimOs::PIPE_CAPACITY);
  // Reading frees room for exactly as many bytes.
  EXPECT_EQ(read_text(os, r, 10).size(), 10u);
  EXPECT_EQ(write_text(os, w, std::string(50, 'd')).n, 10u);
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, OneLargeWriteTakesExactlyTheCapacity) {
  auto [r, w] = os.pipe();
  EXPECT_EQ(write_text(os, w, std::string(100000, 'z')).n, SimOs::PIPE_CAPACITY);
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, DataSurvivesInterleavedReadsAndWrites) {
  auto [r, w] = os.pipe();
  std::string sent;
  std::string got;
  for (int i = 0; i < 200; ++i) {
    std::string chunk(static_cast<std::size_t>(700 + i), static_cast<char>('a' + i % 26));
    sent += chunk.substr(0, write_text(os, w, chunk).n);
    got += read_text(os, r, static_cast<std::size_t>(500 + 3 * i));
  }
  for (;;) {
    std::string more = read_text(os, r, 4096);
    if (more.empty()) break;
    got += more;
  }
  EXPECT_EQ(got, sent);
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, WrongDirectionOnPipeIsEbadf) {
  auto [r, w] = os.pipe();
  IoResult result;
  read_text(os, w, 1, &result);
  EXPECT_EQ(result.err, EBADF);
  EXPECT_EQ(write_text(os, r, "x").err, EBADF);
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, UnknownFdIsEbadf) {
  IoResult result;
  read_text(os, 3, 1, &result);
  EXPECT_EQ(result.err, EBADF);
  EXPECT_EQ(write_text(os, 99, "x").err, EBADF);
  EXPECT_EQ(write_text(os, -1, "x").err, EBADF);
  EXPECT_EQ(write_text(os, 1, "x").err, EBADF);  // stdio is not simulated
  try {
    os.close(7);
    FAIL() << "no exception";
  } catch (const OSError& e) {
    EXPECT_EQ(e.error_number(), EBADF);
    EXPECT_STREQ(e.what(), "[Errno 9] Bad file descriptor");
  }
  EXPECT_THROW(os.close(-1), OSError);
}

TEST_F(SimOsTest, DoubleCloseIsEbadf) {
  auto [r, w] = os.pipe();
  os.close(r);
  EXPECT_THROW(os.close(r), OSError);
  os.close(w);
}

TEST_F(SimOsTest, SocketPairIsBidirectional) {
  auto [a, b] = os.socketpair();
  EXPECT_EQ(write_text(os, a, "ping").n, 4u);
  EXPECT_EQ(write_text(os, b, "pong").n, 4u);
  EXPECT_EQ(read_text(os, b, 10), "ping");
  EXPECT_EQ(read_text(os, a, 10), "pong");
  IoResult result;
  read_text(os, a, 10, &result);
  EXPECT_EQ(result.err, EAGAIN);
  os.close(a);
  os.close(b);
}

TEST_F(SimOsTest, ClosingOneSocketEndClosesBothDirections) {
  auto [a, b] = os.socketpair();
  write_text(os, a, "last words");
  os.close(a);
  EXPECT_EQ(read_text(os, b, 100), "last words");
  IoResult result;
  read_text(os, b, 100, &result);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.n, 0u);  // EOF
  EXPECT_EQ(write_text(os, b, "anyone?").err, EPIPE);
  os.close(b);
}

TEST_F(SimOsTest, ClosingSocketWithUnreadDataResetsPeerOnce) {
  auto [a, b] = os.socketpair();
  write_text(os, a, "to b");
  write_text(os, b, "never read by a");
  os.close(a);
  EXPECT_EQ(read_text(os, b, 100), "to b");  // data first, as Linux
  IoResult result;
  read_text(os, b, 100, &result);
  EXPECT_EQ(result.err, ECONNRESET);
  read_text(os, b, 100, &result);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.n, 0u);  // then EOF
  EXPECT_EQ(write_text(os, b, "x").err, EPIPE);
  os.close(b);
}

TEST_F(SimOsTest, ClosingPipeReadEndWithDataDoesNotReset) {
  auto [r, w] = os.pipe();
  write_text(os, w, "unread");
  os.close(r);
  EXPECT_EQ(write_text(os, w, "x").err, EPIPE);
  os.close(w);
}

TEST_F(SimOsTest, EmptyReadsAndWritesMoveNothing) {
  auto [r, w] = os.pipe();
  EXPECT_TRUE(os.write(w, {}).ok());
  std::vector<std::byte> none;
  EXPECT_TRUE(os.read(r, none).ok());
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, ReadinessOfAFreshPipe) {
  auto [r, w] = os.pipe();
  auto rr = os.readiness(r);
  auto wr = os.readiness(w);
  ASSERT_TRUE(rr && wr);
  EXPECT_FALSE(rr->readable);
  EXPECT_FALSE(rr->writable);
  EXPECT_FALSE(wr->readable);
  EXPECT_TRUE(wr->writable);
  EXPECT_NE(rr->open_id, wr->open_id);
  EXPECT_FALSE(os.readiness(99));
  os.close(r);
  os.close(w);
}

TEST_F(SimOsTest, ReadinessFollowsDataAndPeers) {
  auto [r, w] = os.pipe();
  write_text(os, w, std::string(SimOs::PIPE_CAPACITY, 'x'));
  EXPECT_TRUE(os.readiness(r)->readable);
  EXPECT_FALSE(os.readiness(w)->writable);  // full
  read_text(os, r, 1);
  EXPECT_TRUE(os.readiness(w)->writable);
  os.close(r);
  // Reader gone: a write would fail with EPIPE, so the kernel reports POLLOUT|POLLERR, which
  // CPython's EpollSelector turns into both read and write readiness.
  EXPECT_TRUE(os.readiness(w)->writable);
  EXPECT_TRUE(os.readiness(w)->readable);
  os.close(w);
}

TEST_F(SimOsTest, ReadEndReportsHangupWhenWriterCloses) {
  auto [r, w] = os.pipe();
  os.close(w);
  EXPECT_TRUE(os.readiness(r)->readable);  // EOF
  EXPECT_TRUE(os.readiness(r)->writable);  // EPOLLHUP
  os.close(r);
}

TEST_F(SimOsTest, ReadinessStampsRecordTransitionOrder) {
  auto [r1, w1] = os.pipe();
  auto [r2, w2] = os.pipe();
  write_text(os, w2, "b");
  write_text(os, w1, "a");
  const auto since2 = os.readiness(r2)->readable_since;
  const auto since1 = os.readiness(r1)->readable_since;
  EXPECT_LT(since2, since1);
  // More data while already readable does not restamp.
  write_text(os, w2, "more");
  EXPECT_EQ(os.readiness(r2)->readable_since, since2);
  // Draining and refilling does.
  read_text(os, r2, 100);
  EXPECT_FALSE(os.readiness(r2)->readable);
  write_text(os, w2, "again");
  EXPECT_GT(os.readiness(r2)->readable_since, since1);
  for (int fd : {r1, w1, r2, w2}) os.close(fd);
}

TEST_F(SimOsTest, ReusedFdGetsANewIdentity) {
  auto [r, w] = os.pipe();
  const auto id = os.readiness(r)->open_id;
  os.close(r);
  os.close(w);
  auto [r2, w2] = os.pipe();
  EXPECT_EQ(r2, r);
  EXPECT_NE(os.readiness(r2)->open_id, id);
  os.close(r2);
  os.close(w2);
}

TEST_F(SimOsTest, EnvironmentIsSimulatedAndStartsEmpty) {
  EXPECT_EQ(os.getenv("PATH"), std::nullopt);
  os.setenv("PYTHONASYNCIODEBUG", "1");
  EXPECT_EQ(os.getenv("PYTHONASYNCIODEBUG"), "1");
  os.setenv("PYTHONASYNCIODEBUG", "");
  EXPECT_EQ(os.getenv("PYTHONASYNCIODEBUG"), "");
  os.unsetenv("PYTHONASYNCIODEBUG");
  EXPECT_EQ(os.getenv("PYTHONASYNCIODEBUG"), std::nullopt);
  os.unsetenv("NEVER_SET");
}

}  // namespace
}  // namespace aio::sim
