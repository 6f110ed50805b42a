// Python-style reprs of values and exceptions.
#include <gtest/gtest.h>

#include "aio/errors.h"
#include "aio/exception_context.h"
#include "aio/repr.h"

namespace aio {
namespace {

TEST(Repr, ValuesReadAsPython) {
  EXPECT_EQ(repr(1), "1");
  EXPECT_EQ(repr(true), "True");
  EXPECT_EQ(repr(1.0), "1.0");
  EXPECT_EQ(repr(0.1), "0.1");
  EXPECT_EQ(repr(1e16), "1e+16");
  EXPECT_EQ(repr(1e-5), "1e-05");
  EXPECT_EQ(repr(6054.837267489), "6054.837267489");
  EXPECT_EQ(repr(std::string("x")), "'x'");
  EXPECT_EQ(repr("it's"), "\"it's\"");
  EXPECT_EQ(repr("a\nb"), "'a\\nb'");
  struct Opaque {};
  EXPECT_EQ(repr(Opaque{}).rfind("<", 0), 0u);
}

TEST(Repr, ExceptionsReadAsPython) {
  EXPECT_EQ(exception_repr(std::make_exception_ptr(RuntimeError("boom"))), "RuntimeError('boom')");
  EXPECT_EQ(exception_repr(std::make_exception_ptr(KeyboardInterrupt())), "KeyboardInterrupt()");
  EXPECT_EQ(describe_exception(std::make_exception_ptr(OSError(9))), "OSError: [Errno 9] Bad file descriptor");
  EXPECT_EQ(describe_exception(std::make_exception_ptr(42)), "int");
  EXPECT_EQ(OSError(9).error_number(), 9);
}

TEST(ExceptionContextKeys, SortedLikePython) {
  ExceptionContext c;
  c.message = "m";
  c.extra["zeta"] = "1";
  c.extra["alpha"] = "'a'";
  c.exception = std::make_exception_ptr(ValueError("v"));
  EXPECT_EQ(c.keys(), (std::vector<std::string>{"alpha", "exception", "message", "zeta"}));
  EXPECT_TRUE(c.contains("zeta"));
  EXPECT_FALSE(c.contains("handle"));
  EXPECT_EQ(c.repr(), "{'message': 'm', 'exception': ValueError('v'), 'alpha': 'a', 'zeta': 1}");
}

}  // namespace
}  // namespace aio
