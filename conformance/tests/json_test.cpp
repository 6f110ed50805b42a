// Python-compatible text of JSON values: the C++ and Python tools must print the same
// messages.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "loopcheck/json.h"

namespace loopcheck {
namespace {

TEST(PyText, FloatReprMatchesPython) {
  EXPECT_EQ(py_float_repr(1.0), "1.0");
  EXPECT_EQ(py_float_repr(0.5), "0.5");
  EXPECT_EQ(py_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(py_float_repr(1e-05), "1e-05");
  EXPECT_EQ(py_float_repr(0.0001), "0.0001");
  EXPECT_EQ(py_float_repr(1.5e-07), "1.5e-07");
  EXPECT_EQ(py_float_repr(1e16), "1e+16");
  EXPECT_EQ(py_float_repr(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(py_float_repr(-2.0), "-2.0");
  EXPECT_EQ(py_float_repr(100.0), "100.0");
  EXPECT_EQ(py_float_repr(86400.5), "86400.5");
  EXPECT_EQ(py_float_repr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(py_float_repr(0.0), "0.0");
}

TEST(PyText, ReprOfValues) {
  EXPECT_EQ(py_repr(Json()), "None");
  EXPECT_EQ(py_repr(Json(true)), "True");
  EXPECT_EQ(py_repr(Json(3)), "3");
  EXPECT_EQ(py_repr(Json(3.0)), "3.0");
  EXPECT_EQ(py_repr(Json("a")), "'a'");
  EXPECT_EQ(py_repr(Json("it's")), "\"it's\"");
  EXPECT_EQ(py_repr(Json("a\nb")), "'a\\nb'");
  EXPECT_EQ(py_repr(Json::parse(R"([1, "x", null])")), "[1, 'x', None]");
  EXPECT_EQ(py_repr(Json::parse(R"({"b": 1, "a": [true]})")), "{'b': 1, 'a': [True]}");
}

TEST(PyText, DumpsLikeJsonDumps) {
  EXPECT_EQ(py_dumps(Json::parse(R"({"b": 1, "a": 0.5})")), R"({"b": 1, "a": 0.5})");
  EXPECT_EQ(py_dumps(Json::parse(R"({"b": 1, "a": 0.5})"), true), R"({"a": 0.5, "b": 1})");
  EXPECT_EQ(py_dumps(Json("caf\xc3\xa9 \"q\"")), R"("caf\u00e9 \"q\"")");
  EXPECT_EQ(py_dumps(Json(1.0)), "1.0");
  EXPECT_EQ(py_dumps(Json::parse("[]")), "[]");
}

TEST(PyText, PathsPrintAsPointers) {
  EXPECT_EQ(path_str({}), "/");
  EXPECT_EQ(path_str({"program", "3", "call_later", "delay"}), "/program/3/call_later/delay");
}

TEST(Json, NestingDepthOfTextCountsBracketsOutsideStrings) {
  EXPECT_FALSE(json_nested_deeper_than("[[1]]", 2));
  EXPECT_TRUE(json_nested_deeper_than("[{\"a\": [1]}]", 2));
  EXPECT_FALSE(json_nested_deeper_than(R"(["[[[[", {"k": "\"[[["}])", 2));  // in strings, escaped quote
  EXPECT_TRUE(json_nested_deeper_than(std::string(kMaxJsonDepth + 1, '[')));
  EXPECT_FALSE(json_nested_deeper_than(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']')));
}

}  // namespace
}  // namespace loopcheck
