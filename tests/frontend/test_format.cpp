// `cvm fmt`'s layout (frontend/syntax/format.h): exact output for small inputs, and over
// every .cvm file of the repository the same syntax tree after formatting and nothing
// more to change in formatted text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "frontend/syntax/ast_dump.h"
#include "frontend/syntax/format.h"
#include "frontend_test_support.h"

using namespace cvm;

namespace {

namespace fs = std::filesystem;

/// The text formatted; fails the test when it does not parse.
std::string fmt(const std::string& text) {
  SourceManager sources;
  DiagnosticSink sink;
  FileId id = sources.add("test.cvm", "test.cvm", text);
  auto out = format_file(sources, id, sink);
  INFO(test::all_messages(sink));
  REQUIRE(out.has_value());
  return *out;
}

/// The syntax tree as text without positions, with the doc comment of every item.
std::string structure(const SourceManager& sources, const ast::File& file) {
  std::ostringstream dump;
  dump_ast(dump, sources, file);
  std::string out = std::regex_replace(dump.str(), std::regex("  @[0-9]+:[0-9]+"), "");
  for (const auto& m : file.models) {
    auto doc = [&](const std::string& item, const std::string& text) {
      out += "doc " + m.name.name + "." + item + " \"" + text + "\"\n";
    };
    doc("", m.doc);
    for (const auto& i : m.inputs) doc(i.name.name, i.doc);
    for (const auto& p : m.params) doc(p.name.name, p.doc);
    for (const auto& l : m.layers) doc(l.name.name, l.doc);
    for (const auto& o : m.outputs) doc(o.name.name, o.doc);
  }
  return out;
}

std::vector<fs::path> cvm_files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".cvm") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A .cvm file of the repository; golden cases include files with syntax errors on purpose.
struct CorpusFile {
  fs::path path;
  bool must_parse;
};

/// Every .cvm file under examples/, stdlib/, tests/golden, tests/reference/convis and
/// tests/data; fails the test when one of these folders has none.
std::vector<CorpusFile> corpus() {
  fs::path tests = CVM_TEST_DATA_DIR;
  fs::path root = tests.parent_path();
  const std::pair<fs::path, bool> folders[] = {{root / "examples", true},
                                               {root / "stdlib", true},
                                               {tests / "golden", false},
                                               {tests / "reference" / "convis", true},
                                               {tests / "data", true}};
  std::vector<CorpusFile> out;
  for (const auto& [dir, must_parse] : folders) {
    std::vector<fs::path> files = cvm_files_under(dir);
    INFO(dir.string());
    REQUIRE_FALSE(files.empty());
    for (const auto& f : files) out.push_back({f, must_parse});
  }
  return out;
}

/// The text with the spaces between tokens changed at random: each run of spaces within a
/// line becomes one to three spaces or tabs, indentation and trailing spaces random, blank
/// lines kept blank. Strings and comments are left alone.
std::string respace(const std::string& text, std::mt19937& random) {
  std::string out;
  auto blanks = [&](int lo, int hi) {
    std::string b;
    for (int n = std::uniform_int_distribution<int>(lo, hi)(random); n > 0; --n) b += random() % 3 ? ' ' : '\t';
    return b;
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"') {
      size_t end = i + 1;
      while (end < text.size() && text[end] != '"' && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, text.size());
      out += text.substr(i, end - i);
      i = end;
    } else if (text.compare(i, 2, "//") == 0) {
      size_t end = std::min(text.find('\n', i), text.size());
      out += text.substr(i, end - i);
      i = end;
    } else if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      end = end == std::string::npos ? text.size() : end + 2;
      out += text.substr(i, end - i);
      i = end;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      size_t end = i;
      int newlines = 0;
      for (; end < text.size() && (text[end] == ' ' || text[end] == '\t' || text[end] == '\n'); ++end) {
        newlines += text[end] == '\n';
      }
      if (newlines == 0) {
        out += blanks(1, 3);
      } else {
        for (int n = 0; n < newlines; ++n) out += blanks(0, 2) + "\n";
        if (end < text.size()) out += blanks(0, 8);
      }
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("spaces around operators, after commas and colons, none inside brackets", "[format]") {
  CHECK(fmt("import   std.convis\n"
            "model   M(n:int=1,k :  real = - 2){\n"
            "input x\n"
            "param tau:time=10ms in[0 ms,1 s]~lognormal( 0,1 )\"time\"\n"
            "layer c=Conv3d ( kernel_size=[ n,1,1 ] ){weight=exponential(tau=tau)}\n"
            "x->c\n"
            "output y=c\n"
            "}\n") ==
        "import std.convis\n"
        "model M(n: int = 1, k: real = -2) {\n"
        "  input x\n"
        "  param tau: time = 10 ms in [0 ms, 1 s] ~ lognormal(0, 1) \"time\"\n"
        "  layer c = Conv3d(kernel_size = [n, 1, 1]) { weight = exponential(tau = tau) }\n"
        "  x -> c\n"
        "  output y = c\n"
        "}\n");
}

TEST_CASE("expressions: unary signs, indexing, comparisons, units", "[format]") {
  CHECK(fmt("primitive P(kernel_size:int[3]=[1,1,1]) {\n"
            "param a:real=-(1+2)*3/ 4 - -1\n\n"
            "param b:int=kernel_size [0]-1 if kernel_size[1]>=2\n\n"
            "param f:frequency=5 s ^ - 1\n\n"
            "param v:real=2 deg / s+1 deg * ms\n\n"
            "param w:tensor [ 2,kernel_size [2] ]=zeros( )\n"
            "}\n") ==
        "primitive P(kernel_size: int[3] = [1, 1, 1]) {\n"
        "  param a: real = -(1 + 2) * 3 / 4 - -1\n\n"
        "  param b: int = kernel_size[0] - 1 if kernel_size[1] >= 2\n\n"
        "  param f: frequency = 5 s^-1\n\n"
        "  param v: real = 2 deg/s + 1 deg*ms\n\n"
        "  param w: tensor[2, kernel_size[2]] = zeros()\n"
        "}\n");
}

TEST_CASE("boolean operators are spaced like words", "[format][boolean]") {
  CHECK(fmt("model M(a: bool = true  and not(false)or not   b) {}\n") ==
        "model M(a: bool = true and not (false) or not b) {}\n");
}

TEST_CASE("a number divided by a number keeps its spaces, a unit divided by a unit has none", "[format]") {
  CHECK(fmt("model M(t: time = 10 ms/0) {}\n") == "model M(t: time = 10 ms / 0) {}\n");
  CHECK(fmt("model M(t: time = 10 ms / s) {}\n") == "model M(t: time = 10 ms/s) {}\n");
}

TEST_CASE("settings, empty braces and semicolons", "[format]") {
  CHECK(fmt("resolution{steps_per_second=2000;pixels_per_degree=20}\nmodel M{ }\n") ==
        "resolution { steps_per_second = 2000; pixels_per_degree = 20 }\nmodel M {}\n");
}

TEST_CASE("two spaces per open brace, continuation lines four more", "[format]") {
  CHECK(fmt("model M {\n"
            "input x\n"
            "layer a = NLRectify()\n"
            "param g: real = 1\n"
            "\"gain\" fixed\n"
            "        x\n"
            "-> a\n"
            "output y = a\n"
            "}\n") ==
        "model M {\n"
        "  input x\n"
        "  layer a = NLRectify()\n"
        "  param g: real = 1\n"
        "      \"gain\" fixed\n"
        "  x\n"
        "      -> a\n"
        "  output y = a\n"
        "}\n");
}

TEST_CASE("inside parentheses and brackets lines align after the opening one, or get four more when it ends its line",
          "[format]") {
  CHECK(fmt("primitive P(a: int = 1,\n"
            "b: int = 2) {\n"
            "input x\n"
            "}\n") ==
        "primitive P(a: int = 1,\n"
        "            b: int = 2) {\n"
        "  input x\n"
        "}\n");
  CHECK(fmt("model M {\n"
            "layer c = Conv3d(\n"
            "kernel_size = [1,\n"
            "2, 3],\n"
            "time_pad = false\n"
            ") {\n"
            "weight = zeros()\n"
            "}\n"
            "}\n") ==
        "model M {\n"
        "  layer c = Conv3d(\n"
        "      kernel_size = [1,\n"
        "                     2, 3],\n"
        "      time_pad = false\n"
        "  ) {\n"
        "    weight = zeros()\n"
        "  }\n"
        "}\n");
}

TEST_CASE("blank lines: at most one, none at the start, after { or before }", "[format]") {
  CHECK(fmt("\n\n// head\n\n\nimport std.convis\n\n\n\nmodel M {\n\n  input x\n\n\n  output y = x\n\n}\n\n\n") ==
        "// head\n\nimport std.convis\n\nmodel M {\n  input x\n\n  output y = x\n}\n");
  CHECK(fmt("model M { input x\n  output y = x }") == "model M { input x\n  output y = x }\n");
  CHECK(fmt("") == "");
  CHECK(fmt("\n\n  \n") == "");
}

TEST_CASE("comments and doc comments are kept", "[format]") {
  CHECK(fmt("// header comment   \n"
            "model M { // opens\n"
            "/// The input.\n"
            "    input x    // trailing\n"
            "/* block\n"
            "     kept   as is */\n"
            "output y = x /* inline */ // end\n"
            "    // before the brace\n"
            "}\n"
            "// the end\n") ==
        "// header comment\n"
        "model M {  // opens\n"
        "  /// The input.\n"
        "  input x  // trailing\n"
        "  /* block\n"
        "     kept   as is */\n"
        "  output y = x /* inline */  // end\n"
        "  // before the brace\n"
        "}\n"
        "// the end\n");
  CHECK(fmt("/// doc\r\nmodel M {}\r\n") == "/// doc\nmodel M {}\n");
}

TEST_CASE("the type and value columns of consecutive param lines align", "[format]") {
  CHECK(fmt("primitive P {\n"
            "  param tau: time = 10 ms \"a\"\n"
            "  param k: real = 0.5\n"
            "  param weight: tensor[1, 1] = zeros() ~ normal(mean = 0, std = 1)\n"
            "  param n: int \"no value\"\n"
            "  param b: real=1\n"
            "\n"
            "  param long_name: real = 1\n"
            "  param x: real = 1\n"
            "  // a comment ends a run\n"
            "  param yy: real = 1\n"
            "  param z: real = 1\n"
            "      if true\n"
            "  param zz: real = 1\n"
            "}\n") ==
        "primitive P {\n"
        "  param tau:    time         = 10 ms \"a\"\n"
        "  param k:      real         = 0.5\n"
        "  param weight: tensor[1, 1] = zeros() ~ normal(mean = 0, std = 1)\n"
        "  param n:      int \"no value\"\n"
        "  param b:      real         = 1\n"
        "\n"
        "  param long_name: real = 1\n"
        "  param x:         real = 1\n"
        "  // a comment ends a run\n"
        "  param yy: real = 1\n"
        "  param z:  real = 1\n"
        "      if true\n"
        "  param zz: real = 1\n"
        "}\n");
  // Values whose alignment would need more than ten extra spaces are not aligned.
  CHECK(fmt("primitive Q {\n"
            "  param weight: tensor[out_channels, in_channels, kernel_size] = zeros()\n"
            "  param bias: tensor[out_channels] = zeros()\n"
            "}\n") ==
        "primitive Q {\n"
        "  param weight: tensor[out_channels, in_channels, kernel_size] = zeros()\n"
        "  param bias:   tensor[out_channels] = zeros()\n"
        "}\n");
}

TEST_CASE("formatting formatted text changes nothing", "[format]") {
  std::string once = fmt("model M(a:int=1,\n b:int=2){\n\n\n input x // c\n param p:real=1\n param long_p:real=2\n"
                         "layer l=NLRectify(\n){}\n x->l\n output y=l}\n");
  CHECK(fmt(once) == once);
}

TEST_CASE("a file that does not parse is not formatted", "[format]") {
  SourceManager sources;
  DiagnosticSink sink;
  FileId id = sources.add("bad.cvm", "bad.cvm", "model M {\n  input x\n");
  CHECK_FALSE(format_file(sources, id, sink).has_value());
  CHECK(test::has_code(sink, "E0101"));
}

TEST_CASE("every .cvm file of the repository keeps its syntax tree and formats to a fixed point",
          "[format]") {
  size_t formatted_files = 0;
  for (const auto& file : corpus()) {
    INFO(file.path.string());
    SourceManager sources;
    DiagnosticSink sink, format_sink;  // a sink reports each error once: one per pass
    FileId original = sources.add("f.cvm", file.path.string(), read_text(file.path));
    auto before = parse_file(sources, original, sink);
    auto formatted = format_file(sources, original, format_sink);
    if (!before) {
      CHECK_FALSE(file.must_parse);
      CHECK_FALSE(formatted.has_value());
      continue;
    }
    REQUIRE(formatted.has_value());
    FileId again = sources.add("f.cvm", "formatted", *formatted);
    DiagnosticSink again_sink;
    auto after = parse_file(sources, again, again_sink);
    INFO(test::all_messages(again_sink));
    REQUIRE(after.has_value());
    CHECK(structure(sources, *after) == structure(sources, *before));
    CHECK(format_file(sources, again, again_sink) == formatted);
    ++formatted_files;
  }
  CHECK(formatted_files > 50);
}

TEST_CASE("the layout does not depend on the spaces and indentation of the input", "[format]") {
  std::mt19937 random(7);
  size_t compared = 0, respaced_differently = 0;
  for (const auto& file : corpus()) {
    INFO(file.path.string());
    SourceManager sources;
    DiagnosticSink sink;
    std::string text = read_text(file.path);
    auto formatted = format_file(sources, sources.add("f.cvm", "original", text), sink);
    if (!formatted) continue;
    for (int round = 0; round < 3; ++round) {
      std::string respaced = respace(text, random);
      INFO(respaced);
      CHECK(format_file(sources, sources.add("f.cvm", "respaced", respaced), sink) == formatted);
      ++compared;
      respaced_differently += respaced != text;
    }
  }
  CHECK(compared > 150);
  CHECK(respaced_differently > compared * 9 / 10);
}
