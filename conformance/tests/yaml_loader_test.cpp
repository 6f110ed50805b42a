// The YAML subset loader: values as PyYAML's SafeLoader reads them, the forbidden
// constructs rejected with file:line:column, and positions of nodes.
#include <gtest/gtest.h>

#include "loopcheck/yaml_loader.h"

namespace loopcheck {
namespace {

Json load(const std::string& text) { return load_yaml_text(text, "t.yaml").data; }

std::string error_of(const std::string& text) {
  try {
    load_yaml_text(text, "t.yaml");
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(YamlLoader, ScalarsResolveAsPyYamlSafeLoader) {
  Json v = load("a: 1\nb: 1.5\nc: ~\nd: null\ne: true\nf: False\ng: 0x10\nh: 010\ni: 1_000\n"
                "j: .5\nk: 1e3\nl: '1'\nm: \"true\"\nn: -2\no: +3\np: 1:30\nq:\nr: .inf\n");
  EXPECT_EQ(v["a"], 1);
  EXPECT_TRUE(v["a"].is_number_integer());
  EXPECT_EQ(v["b"], 1.5);
  EXPECT_TRUE(v["c"].is_null());
  EXPECT_TRUE(v["d"].is_null());
  EXPECT_EQ(v["e"], true);
  EXPECT_EQ(v["f"], false);
  EXPECT_EQ(v["g"], 16);
  EXPECT_EQ(v["h"], 8);  // YAML 1.1 octal, as PyYAML
  EXPECT_EQ(v["i"], 1000);
  EXPECT_EQ(v["j"], 0.5);
  EXPECT_EQ(v["k"], "1e3");  // PyYAML's float needs a dot
  EXPECT_EQ(v["l"], "1");
  EXPECT_EQ(v["m"], "true");
  EXPECT_EQ(v["n"], -2);
  EXPECT_EQ(v["o"], 3);
  EXPECT_EQ(v["p"], 90);  // sexagesimal
  EXPECT_TRUE(v["q"].is_null());
  EXPECT_TRUE(std::isinf(v["r"].get<double>()));
}

TEST(YamlLoader, KeepsKeyOrder) {
  Json v = load("z: 1\na: 2\nm: 3\n");
  std::vector<std::string> keys;
  for (const auto& [k, x] : v.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
}

TEST(YamlLoader, RejectsWhatTheSubsetForbids) {
  EXPECT_EQ(error_of("a: &x 1\nb: *x\n"), "t.yaml:1:4: anchors and aliases are not allowed in scenarios");
  EXPECT_EQ(error_of("a: !!str 1\n"), "t.yaml:1:4: tags are not allowed in scenarios");
  EXPECT_EQ(error_of("a: 1\nb: 2\na: 3\n"), "t.yaml:3:1: duplicate key 'a'");
  EXPECT_EQ(error_of("a: yes\n"), "t.yaml:1:4: 'yes' is a boolean in YAML 1.1 only: write true or false, or quote it");
  EXPECT_EQ(error_of("a:\n  b: off\n"), "t.yaml:2:6: 'off' is a boolean in YAML 1.1 only: write true or false, or quote it");
  EXPECT_EQ(error_of("a: 2024-01-02\n"), "t.yaml:1:4: YAML type timestamp is not allowed: quote the value");
  EXPECT_EQ(error_of("m:\n  <<: {a: 1}\n"), "t.yaml:2:3: merge keys (<<) are not allowed");
  EXPECT_EQ(error_of("? [a]\n: 1\n"), "t.yaml:1:1: mapping keys are plain strings");
  EXPECT_EQ(error_of(""), "t.yaml:1:1: the file is empty");
  EXPECT_EQ(error_of("# only a comment\n"), "t.yaml:1:1: the file is empty");
  EXPECT_EQ(error_of("a: 1\n---\nb: 2\n"), "t.yaml:2:1: YAML syntax error: expected a single document in the stream");
  EXPECT_NE(error_of("a: [1, 2\n").find("t.yaml:"), std::string::npos);
  EXPECT_NE(error_of("a: [1, 2\n").find("YAML syntax error"), std::string::npos);
  EXPECT_EQ(error_of("a: 'yes'\nb: \"no\"\n"), "(loaded)");
}

TEST(YamlLoader, PositionsOfNodesAndEmptyValues) {
  LoadedYaml y = load_yaml_text("id: x\nprogram:\n  - call_later:\n      delay:\n      do: [stop]\n", "t.yaml");
  auto at = [&](Path p) {
    Mark m = y.positions.at(std::move(p));
    return std::to_string(m.line) + ":" + std::to_string(m.column);
  };
  EXPECT_EQ(at({"id"}), "1:5");
  EXPECT_EQ(at({"program"}), "3:3");
  EXPECT_EQ(at({"program", "0", "call_later"}), "4:7");
  EXPECT_EQ(at({"program", "0", "call_later", "delay"}), "4:13");  // just after the colon
  EXPECT_EQ(at({"program", "0", "call_later", "do", "0"}), "5:12");
  EXPECT_EQ(at({"program", "0", "call_later", "nothere"}), "4:7");  // nearest enclosing node
}

TEST(YamlLoader, UnreadableFileNamesIt) {
  try {
    load_yaml_file("/nonexistent/x.yaml");
    FAIL();
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/x.yaml: cannot read the file");
  }
}

// Found by fuzz/scenario_yaml: yaml-cpp passes bytes that are not UTF-8 through, and a
// scenario holding them loaded, validated, and then could not be sent to an adapter (its
// JSON does not serialise). The loader now rejects them with their position.
TEST(YamlLoader, TextThatIsNotUtf8IsRejectedWithItsPosition) {
  EXPECT_EQ(error_of("id: a\ntitle: \"b\xff\"\n"), "t.yaml:2:10: the file is not UTF-8 text (byte 0xFF at offset 15)");
  EXPECT_EQ(error_of("a: \xc3"), "t.yaml:1:4: the file is not UTF-8 text (byte 0xC3 at offset 3)");
  EXPECT_EQ(error_of("a: \xc0\xaf"), "t.yaml:1:4: the file is not UTF-8 text (byte 0xC0 at offset 3)");  // overlong
  EXPECT_EQ(error_of("a: \xed\xa0\x80"), "t.yaml:1:4: the file is not UTF-8 text (byte 0xED at offset 3)");  // surrogate
  EXPECT_EQ(error_of("a: \xf4\x90\x80\x80"), "t.yaml:1:4: the file is not UTF-8 text (byte 0xF4 at offset 3)");
  EXPECT_EQ(load("a: \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"")["a"], "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(load("\xef\xbb\xbf" "a: 1")["a"], 1);  // a UTF-8 byte order mark is fine
}

// Found by fuzz/scenario_yaml (10-minute campaign): a NUL and a control character in a plain
// scalar loaded, validated, and came out as a byte sequence that is not UTF-8, so the scenario
// could not be sent to an adapter. YAML allows only printable characters in a file
// (c-printable); escapes in double-quoted strings still give any character.
TEST(YamlLoader, ControlCharactersAreRejectedWithTheirPosition) {
  const std::string tail = ", a control character YAML does not allow (write it as an escape in a "
                           "double-quoted string)";
  EXPECT_EQ(error_of(std::string("id: a\ntitle: remo\x10\0_x\n", 22)), "t.yaml:2:12: the file holds U+0010" + tail);
  EXPECT_EQ(error_of(std::string("a: b\0", 5)), "t.yaml:1:5: the file holds U+0000" + tail);
  EXPECT_EQ(error_of("a: \x7f"), "t.yaml:1:4: the file holds U+007F" + tail);
  EXPECT_EQ(error_of("a: \xc2\x9b"), "t.yaml:1:4: the file holds U+009B" + tail);  // a C1 control
  EXPECT_EQ(error_of("a: \xef\xbf\xbf"), "t.yaml:1:4: the file holds U+FFFF" + tail);
  EXPECT_EQ(load("a: \"x\\ty\\x10\\0\"\r\n")["a"], std::string("x\ty\x10\0", 5));  // escapes are fine
  EXPECT_EQ(load("a: \"\xc2\x85\xc2\xa0\"")["a"], "\xc2\x85\xc2\xa0");  // NEL and NBSP are printable
  EXPECT_EQ(load("a: \"tab\tok\"\r\nb: 1\r\n")["b"], 1);  // tab, CR and LF are printable
}

// Found by fuzz/scenario_yaml: an integer beyond a double's range made std::stod throw out of
// load_scenario. It loads as infinity now, as Python's float("1e999").
TEST(YamlLoader, NumbersBeyondADoubleLoadAsInfinity) {
  EXPECT_NO_THROW(load("a: " + std::string(400, '9')));
  EXPECT_NO_THROW(load("a: 1e999"));
  EXPECT_NO_THROW(load("a: -" + std::string(400, '9') + ".5"));
}

// Found by fuzz/scenario_yaml (UBSan): a sexagesimal int beyond 64 bits was cast to long long.
// Ints beyond 64 bits load as the nearest float, in their own base (PyYAML keeps them exact).
TEST(YamlLoader, IntsBeyond64BitsLoadAsTheNearestFloat) {
  EXPECT_DOUBLE_EQ(load("a: -" + std::string(30, '7') + ":0")["a"].get<double>(), -4.666666666666667e+31);
  EXPECT_DOUBLE_EQ(load("a: 0777777777777777777777777")["a"].get<double>(), 4.722366482869645e+21);
  EXPECT_DOUBLE_EQ(load("a: 0b" + std::string(70, '1'))["a"].get<double>(), 1.1805916207174113e+21);
  EXPECT_DOUBLE_EQ(load("a: 0x" + std::string(20, 'f'))["a"].get<double>(), 1.2089258196146292e+24);
  EXPECT_DOUBLE_EQ(load("a: " + std::string(25, '9'))["a"].get<double>(), 1e25);
  EXPECT_EQ(load("a: -1:30")["a"], -90);
  EXPECT_TRUE(load("a: 1:2:3")["a"].is_number_integer());
  EXPECT_EQ(load("a: 0x7fffffffffffffff")["a"], 0x7fffffffffffffffLL);
}

// Found by fuzz/scenario_yaml: a plain scalar of a few thousand digits overflowed the stack,
// because std::regex's matcher recursed once per character. The resolver now matches PyYAML's
// patterns by hand, in one pass; the value is what PyYAML gives.
TEST(YamlLoader, LongPlainScalarsResolveWithoutExhaustingTheStack) {
  const std::string digits(300000, '9');
  EXPECT_TRUE(std::isinf(load("a: " + digits)["a"].get<double>()));
  EXPECT_TRUE(std::isinf(load("a: " + digits + "_" + digits + ".5e+3")["a"].get<double>()));
  EXPECT_EQ(load("a: 1" + std::string(300000, '_'))["a"], 1);
  EXPECT_EQ(load("a: 0x" + std::string(300000, '0') + "1f")["a"], 31);
  EXPECT_EQ(load("a: 1:" + std::string(300000, '5'))["a"], "1:" + std::string(300000, '5'));  // a string
  EXPECT_EQ(error_of("a: 2001-12-14 21:59:43." + std::string(300000, '1')),
            "t.yaml:1:4: YAML type timestamp is not allowed: quote the value");
}

// PyYAML resolves "0b_" and "0x_" as ints and then cannot build them (int('', 2)); the loader
// names the scalar rather than letting std::stoll's exception out (as the old code did).
TEST(YamlLoader, IntsWithoutDigitsAfterTheirPrefixAreErrors) {
  EXPECT_EQ(error_of("a: 0b_\n"), "t.yaml:1:4: '0b_' has no digits after its 0b prefix: PyYAML cannot "
                                  "read it either: quote it");
  EXPECT_EQ(error_of("a: [-0x__]"), "t.yaml:1:5: '-0x__' has no digits after its 0x prefix: PyYAML "
                                   "cannot read it either: quote it");
  EXPECT_EQ(load("a: 0b_1")["a"], 1);
  EXPECT_EQ(load("a: '0b_'")["a"], "0b_");
}

}  // namespace
}  // namespace loopcheck
