// Printing the checked graph: --dump-graph text, dot and json.
#include <catch2/catch.hpp>

#include <sstream>

#include "frontend/graph/graph_print.h"
#include "frontend_test_support.h"

using namespace cvm;

namespace {

graph::ModelGraph example() {
  Compilation c;
  auto g = compile_model(c, test::examples_dir() + "/ln.cvm", "");
  INFO(test::all_messages(c.sink));
  REQUIRE(g.has_value());
  return std::move(*g);
}

/// Whether braces and brackets outside strings balance and strings are closed.
bool balanced_json(const std::string& s) {
  std::vector<char> stack;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      else if (c == '\n') return false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') stack.push_back(c);
    else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != (c == '}' ? '{' : '[')) return false;
      stack.pop_back();
    }
  }
  return !in_string && stack.empty();
}

}  // namespace

TEST_CASE("json output balances and names every parameter", "[graph_print]") {
  auto g = example();
  std::ostringstream out;
  graph::print_json(out, g);
  std::string s = out.str();
  CHECK(balanced_json(s));
  CHECK(s.front() == '{');
  CHECK(s.find("\"model\": \"LNGain\"") != std::string::npos);
  for (const auto& p : g.params) CHECK(s.find("\"path\": \"" + p.path + "\"") != std::string::npos);
  CHECK(s.find("\"tied_to\": \"gain\"") != std::string::npos);
  CHECK(s.find("\"shape\": [1, 1, 20, 10, 10]") != std::string::npos);
  CHECK(s.find("\"steps_per_second\": 1000") != std::string::npos);
  CHECK(s.find("\"prior\": \"lognormal(mu = 0, sigma = 1)\"") != std::string::npos);
  CHECK(s.find("\"value\": \"0.02 s\"") != std::string::npos);
}

TEST_CASE("json strings are escaped", "[graph_print]") {
  CHECK(graph::json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(graph::json_string("line\nnext") == "\"line\\nnext\"");
  CHECK(graph::json_string("") == "\"\"");
  auto g = example();
  g.params[0].doc = "a \"quoted\" doc\nwith a newline {and braces}";
  std::ostringstream out;
  graph::print_json(out, g);
  CHECK(balanced_json(out.str()));
}

TEST_CASE("dot output is a digraph with one node per layer and input", "[graph_print]") {
  auto g = example();
  std::ostringstream out;
  graph::print_dot(out, g);
  std::string s = out.str();
  CHECK(s.rfind("digraph", 0) == 0);
  CHECK(s.rfind("digraph \"LNGain\" {", 0) == 0);
  CHECK(s.find("label=\"stimulus\"") != std::string::npos);
  CHECK(s.find("label=\"conv\\nConv3d\"") != std::string::npos);
  CHECK(s.find("label=\"nl\\nNLRectifyScale\"") != std::string::npos);
  CHECK(s.find("->") != std::string::npos);
  CHECK(balanced_json(s));  // braces balance too
  CHECK(s[s.find_last_not_of('\n')] == '}');
}

TEST_CASE("text output lists nodes and parameters", "[graph_print]") {
  auto g = example();
  std::ostringstream out;
  graph::print_text(out, g);
  std::string s = out.str();
  CHECK(s.rfind("model LNGain (1000 steps/s, 10 px/deg)", 0) == 0);
  CHECK(s.find("node conv = Conv3d(") != std::string::npos);
  CHECK(s.find("param conv.weight: tensor[1, 1, 20, 10, 10]") != std::string::npos);
  CHECK(s.find("nl.scale") != std::string::npos);
}

TEST_CASE("value text for dumps", "[graph_print]") {
  using graph::Value;
  CHECK(graph::to_string(Value::make_number(0.01, {1, 0})) == "0.01 s");
  CHECK(graph::to_string(Value::make_number(2, {}, true)) == "2");
  CHECK(graph::to_string(Value::make_bool(true)) == "true");
  Value l;
  l.kind = graph::ValueKind::List;
  for (int x : {10, 5, 5}) l.items.push_back(Value::make_number(x, {}, true));
  CHECK(graph::to_string(l) == "[10, 5, 5]");
}
