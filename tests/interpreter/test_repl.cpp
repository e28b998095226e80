// The REPL without a terminal: command parsing, completion candidates for line prefixes,
// and sessions driven line by line (settings with units, runs whose state carries over,
// :push/:pop/:reset, derived tensors, :reload, :save and :export, errors).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/repl/command.h"
#include "interpreter/repl/command_error.h"
#include "interpreter/repl/completion.h"
#include "interpreter/repl/dispatch.h"
#include "interpreter/repl/session.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
using namespace cvm::repl;

namespace {

const std::string kLn = std::string(CVM_TEST_DATA_DIR) + "/../examples/ln.cvm";

/// A session on examples/ln.cvm and the output of its lines.
struct Repl {
  Session session{1, "cpu"};
  std::ostringstream out;
  Repl(const std::string& file = kLn) { REQUIRE(session.load(file, "")); }

  /// Runs a line; returns its exit code. Its output is in `out` (cleared first).
  int line(const std::string& text) {
    out.str("");
    return execute_line(session, text, LinePlace{"<test>", 1}, out, [] { return false; }).code;
  }
  std::string text() const { return out.str(); }
};

std::vector<std::string> candidates(const Session& s, const std::string& before_cursor) {
  return complete(s, before_cursor).candidates;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("lines parse into commands", "[repl][parse]") {
  Command c = parse_command("  ");
  CHECK(c.kind == Command::Kind::Empty);
  CHECK(parse_command("# a comment").kind == Command::Kind::Empty);

  c = parse_command("lowpass.tau = 30 ms");
  CHECK(c.kind == Command::Kind::Set);
  CHECK(c.path == "lowpass.tau");
  CHECK(c.text == "30 ms");
  CHECK(c.text_offset == 14);

  c = parse_command("p.gain = 3");
  CHECK(c.kind == Command::Kind::Set);
  CHECK(c.path == "gain");
  CHECK(c.path_offset == 2);

  c = parse_command("conv.weight = gaussian(sigma = 1 deg)");
  CHECK(c.path == "conv.weight");
  CHECK(c.text == "gaussian(sigma = 1 deg)");

  c = parse_command("p");
  CHECK((c.kind == Command::Kind::View && c.tree == Tree::Params && c.path.empty()));
  c = parse_command("p.conv");
  CHECK((c.tree == Tree::Params && c.path == "conv" && c.params_view == ParamsView::Tree));
  c = parse_command("lowpass.tau");
  CHECK((c.kind == Command::Kind::View && c.tree == Tree::Params && c.path == "lowpass.tau" && !c.describe));
  c = parse_command("p._all");
  CHECK((c.params_view == ParamsView::All && c.path.empty()));
  c = parse_command("p._all.lowpass_tau");
  CHECK((c.params_view == ParamsView::All && c.path == "lowpass_tau"));
  c = parse_command("p._search.tau");
  CHECK((c.params_view == ParamsView::Search && c.path == "tau"));
  c = parse_command("m.conv");
  CHECK((c.tree == Tree::Layers && c.path == "conv"));
  c = parse_command("s");
  CHECK((c.tree == Tree::States && c.path.empty()));
  c = parse_command(":describe conv");
  CHECK((c.kind == Command::Kind::View && c.path == "conv" && c.describe));

  c = parse_command(":run moving_grating(t = 200, x = 20, y = 20) chunk 50");
  CHECK(c.kind == Command::Kind::Run);
  CHECK(c.text == "moving_grating(t = 200, x = 20, y = 20)");
  CHECK(c.text_offset == 5);
  CHECK(c.chunk == 50);
  c = parse_command(":run data.h5:/stimulus");
  CHECK(c.text == "data.h5:/stimulus");
  CHECK(c.chunk == 0);

  c = parse_command(":impulse 200,10,12 at 5 chunk 20 plot out.png");
  CHECK(c.kind == Command::Kind::Impulse);
  CHECK(c.impulse_size == std::array<int64_t, 3>{200, 10, 12});
  CHECK(c.impulse_at == 5);
  CHECK(c.chunk == 20);
  CHECK(c.plot == "out.png");
  c = parse_command(":impulse");
  CHECK(c.impulse_size == std::array<int64_t, 3>{500, 10, 10});

  c = parse_command(":load \"my models/ln.cvm\" LNGain");
  CHECK(c.args == Strings{"my models/ln.cvm", "LNGain"});
  CHECK(parse_command(":quit").kind == Command::Kind::Quit);
}

TEST_CASE("mistyped lines are errors that say what to do", "[repl][parse]") {
  CHECK_THROWS_WITH(parse_command(":lod x.cvm"), Catch::Contains("unknown command ':lod'") && Catch::Contains("':load'"));
  CHECK_THROWS_WITH(parse_command("foo bar"), Catch::Contains("is no command"));
  CHECK_THROWS_WITH(parse_command(":run"), Catch::Contains(":run needs a stimulus"));
  CHECK_THROWS_WITH(parse_command(":run impulse(t = 10) chunk 0"), Catch::Contains("positive whole number"));
  CHECK_THROWS_WITH(parse_command("m.conv = 3"), Catch::Contains("only parameters can be set"));
  CHECK_THROWS_WITH(parse_command("1x = 3"), Catch::Contains("not a parameter path"));
  CHECK_THROWS_WITH(parse_command("gain ="), Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(parse_command(":impulse 10,10"), Catch::Contains("T,X,Y"));
  CHECK_THROWS_WITH(parse_command(":load"), Catch::Contains("usage: :load FILE [MODEL]"));
  CHECK_THROWS_WITH(parse_command(":reset now"), Catch::Contains(":reset takes no arguments"));
  CHECK_THROWS_WITH(parse_command("p._search."), Catch::Contains("give the text"));
}

TEST_CASE("completion: commands, paths one part at a time, flat names, searches", "[repl][completion]") {
  Repl r;
  const Session& s = r.session;
  CHECK(candidates(s, ":lo") == Strings{":load"});
  CHECK(candidates(s, ":re") == Strings{":reload", ":reset"});
  CHECK(candidates(s, "low") == Strings{"lowpass."});
  CHECK(candidates(s, "lowpass.t") == Strings{"lowpass.tau"});
  CHECK(candidates(s, "p.lowpass.t") == Strings{"p.lowpass.tau"});
  CHECK(candidates(s, "p.co") == Strings{"p.conv."});
  CHECK(candidates(s, "p.conv.") == Strings{"p.conv.bias", "p.conv.weight"});
  CHECK(candidates(s, "p._a") == Strings{"p._all", "p._all."});
  CHECK(candidates(s, "p._all.low") == Strings{"p._all.lowpass_tau"});
  CHECK(candidates(s, "p._search.ta") == Strings{"p._search.tau"});
  CHECK(candidates(s, "m.l") == Strings{"m.lowpass"});
  CHECK(candidates(s, "s.low") == Strings{"s.lowpass."});
  CHECK(candidates(s, "s.lowpass.") == Strings{"s.lowpass.last_y"});
  CHECK(candidates(s, "g") == Strings{"gain"});
  CHECK(candidates(s, ":describe lowpass.") == Strings{"lowpass.tau"});
  Completion c = complete(s, ":describe p.n");
  CHECK(c.start == 10);
  CHECK(c.candidates == Strings{"p.nl."});
}

TEST_CASE("completion: units after a number, stimuli, initialisers, models, files", "[repl][completion]") {
  Repl r;
  const Session& s = r.session;
  Completion c = complete(s, "lowpass.tau = 30 m");
  CHECK(c.start == 17);
  CHECK(c.candidates == Strings{"ms"});
  CHECK(candidates(s, "lowpass.tau=30 ") == Strings{"Hz", "arcmin", "deg", "ms", "px", "s", "steps", "us"});
  CHECK(candidates(s, "conv.weight = gau") == Strings{"gaussian("});
  CHECK(candidates(s, ":run moving_g") == Strings{"moving_grating("});
  Strings args = candidates(s, ":run moving_grating(t = 100, ");
  CHECK(std::find(args.begin(), args.end(), "x") != args.end());
  CHECK(candidates(s, ":run moving_grating(t = 100, x = 2 de") == Strings{"deg"});
  CHECK(candidates(s, ":run moving_grating(t = 100) ch") == Strings{"chunk"});
  CHECK(candidates(s, ":use ") == Strings{"LNGain"});
  CHECK(candidates(s, ":impulse 100,10,10 p") == Strings{"plot"});

  test::TempDir dir("cvm_repl_completion");
  std::ofstream(dir / "a.cvm") << "";
  std::ofstream(dir / "b.txt") << "";
  std::ofstream(dir / "out.h5") << "";
  std::filesystem::create_directory(dir.path / "sub");
  CHECK(candidates(s, ":load " + dir.path.string() + "/") == Strings{dir / "a.cvm", dir / "sub/"});
  CHECK(candidates(s, ":save " + dir.path.string() + "/o") == Strings{dir / "out.h5"});
  CHECK(candidates(s, ":run " + dir.path.string() + "/ou") == Strings{dir / "out.h5"});

  CHECK(is_complete_word("lowpass.tau"));
  CHECK_FALSE(is_complete_word("lowpass."));
  CHECK_FALSE(is_complete_word("data/"));
  CHECK_FALSE(is_complete_word("moving_grating("));
}

TEST_CASE("a setting with units is checked and changes the value", "[repl][session]") {
  Repl r;
  CHECK(r.line("lowpass.tau = 30 ms") == 0);
  CHECK(r.text() == "lowpass.tau = 0.03 s (30 ms)  (set)\n");
  CHECK(r.line("lowpass.tau") == 0);
  CHECK_THAT(r.text(), Catch::Contains("set        in this session to 30 ms (the file says 0.02 s)"));
  CHECK(r.line("lowpass.tau = 3 deg") == 1);  // a length for a time
  CHECK(r.line("gain = 30") == 1);            // outside its bounds
  CHECK(r.line("nl.scale = 3") == 1);         // tied to gain
  CHECK(r.line("lowpass.tau") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("lowpass.tau = 0.03 s (30 ms)"));
  // A parameter tied to another follows it.
  CHECK(r.line("gain = 4") == 0);
  CHECK(r.line("nl.scale") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("nl.scale = 4  (= gain)"));
}

TEST_CASE("views show the trees, flat names, searches and descriptions", "[repl][views]") {
  Repl r;
  REQUIRE(r.line("p") == 0);
  CHECK(r.text() ==
        "gain = 2\n"
        "conv\n"
        "  weight = tensor[1, 1, 20, 10, 10] min 0 max 0.09608\n"
        "  bias = tensor[1] min 0 max 0\n"
        "lowpass\n"
        "  tau = 0.02 s (20 ms)\n"
        "nl\n"
        "  scale = 2  (= gain)\n"
        "  bias = 0\n");
  REQUIRE(r.line("p._all") == 0);
  CHECK_THAT(r.text(), Catch::Contains("\nlowpass_tau = 0.02 s (20 ms)\n") && Catch::Contains("\nconv_weight = tensor"));
  REQUIRE(r.line("p._search.BIAS") == 0);
  CHECK(r.text() == "conv.bias = tensor[1] min 0 max 0\nnl.bias = 0\n");
  REQUIRE(r.line("gain") == 0);
  CHECK_THAT(r.text(), Catch::Contains("bounds     [0, 10]") && Catch::Contains("prior      lognormal(mu = 0, sigma = 1)") &&
                           Catch::Contains("doc        output gain"));
  REQUIRE(r.line("p._all.conv_weight") == 0);
  CHECK_THAT(r.text(), Catch::Contains("shape      [1, 1, 20, 10, 10]"));
  REQUIRE(r.line("m") == 0);
  CHECK_THAT(r.text(), Catch::Contains("  lowpass: TemporalLowPassFilterRecursive  x <- conv; y [1 ch]\n") &&
                           Catch::Contains("  output response <- nl [1 ch]"));
  REQUIRE(r.line(":describe conv") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("conv: Conv3d") && Catch::Contains("params  conv.weight, conv.bias"));
  REQUIRE(r.line("s") == 0);
  CHECK_THAT(r.text(), Catch::Contains("lowpass: TemporalLowPassFilterRecursive\n  last_y  (lowpass_last_y)"));
  CHECK(r.line("s.nl") == 0);
  CHECK(r.text() == "layer nl has no state\n");
  CHECK(r.line("lowpas.tau") == 1);
  CHECK(r.line("m.nope") == 1);
}

TEST_CASE("runs carry the state over; :push/:pop and :reset control it", "[repl][session]") {
  Repl r;
  const std::string stimulus = ":run moving_grating(t = 60, x = 12, y = 12)";
  auto last = [&] { return r.session.last_run()->outputs[0].clone(); };
  REQUIRE(r.line(stimulus + " chunk 7") == 0);
  CHECK_THAT(r.text(), Catch::Contains("model LNGain: 60 frames of 12x12") &&
                           Catch::Contains("  response [1, 1, 60, 12, 12]  min "));
  at::Tensor first = last();
  // Any chunking gives the same result.
  REQUIRE(r.line(":reset") == 0);
  REQUIRE(r.line(stimulus) == 0);
  CHECK(at::allclose(last(), first, 1e-5, 1e-6));
  // The state carries over: a second run differs from the first; after :pop it repeats.
  REQUIRE(r.line(":push") == 0);
  CHECK(r.text() == "state pushed (1 on the stack)\n");
  REQUIRE(r.line(stimulus + " chunk 13") == 0);
  at::Tensor continued = last();
  CHECK_FALSE(at::allclose(continued, first, 1e-5, 1e-6));
  REQUIRE(r.line(":pop") == 0);
  REQUIRE(r.line(stimulus) == 0);
  CHECK(at::allclose(last(), continued, 1e-5, 1e-6));
  CHECK(r.line(":pop") == 1);  // nothing pushed
  // Another input size cannot continue the state: it starts afresh, and says so.
  REQUIRE(r.line(":run moving_grating(t = 60, x = 8, y = 8)") == 0);
  CHECK_THAT(r.text(), Catch::Contains("the state started afresh"));
  CHECK(r.line(":run moving_gratin(t = 10)") == 1);
  CHECK(r.line(":run nothing.h5:/x") == 1);
}

TEST_CASE("a setting rebuilds the tensors built from it", "[repl][session]") {
  test::TempDir dir("cvm_repl_derived");
  std::ofstream(dir / "blur.cvm") << "import std.convis\nmodel Blur {\n  input x\n  param sigma: length = 0.2 deg\n"
                                     "  layer c = Conv3d(kernel_size = [1, 13, 13]) { weight = gaussian(sigma = sigma) }\n"
                                     "  x -> c\n  output output = c\n}\n";
  Repl r(dir / "blur.cvm");
  REQUIRE(r.line("c.weight") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("c.weight = tensor[1, 1, 1, 13, 13] min 4.91e-06 max 0.03979  (= gaussian(sigma = sigma))"));
  REQUIRE(r.line("sigma = 1 px") == 0);
  REQUIRE(r.line("c.weight") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("c.weight = tensor[1, 1, 1, 13, 13] min 0 max 0.1592"));
}

TEST_CASE(":reload keeps the values set in the session and reports the file's changes", "[repl][session]") {
  test::TempDir dir("cvm_repl_reload");
  const std::string file = dir / "m.cvm";
  std::ofstream(file) << "import std.convis\nmodel M {\n  input x\n  param g: real = 1\n  param old: time = 5 ms\n"
                         "  layer lp = TemporalLowPassFilterRecursive(tau = 20 ms)\n  layer nl = NLRectifyScale(scale = g)\n"
                         "  x -> lp -> nl\n  output y = nl\n}\n";
  Repl r(file);
  REQUIRE(r.line("lp.tau = 30 ms") == 0);
  REQUIRE(r.line("old = 7 ms") == 0);
  std::ofstream(file) << "import std.convis\nmodel M {\n  input x\n  param g: real = 3\n  param extra: real = 1\n"
                         "  layer lp = TemporalLowPassFilterRecursive(tau = 20 ms)\n  layer nl = NLRectifyScale(scale = g)\n"
                         "  x -> lp -> nl\n  output y = nl\n}\n";
  REQUIRE(r.line(":reload") == 0);
  CHECK_THAT(r.text(), Catch::Contains("  kept lp.tau = 30 ms (the file says 0.02 s)\n") &&
                           Catch::Contains("  changed in the file: g: 1 -> 3\n") &&
                           Catch::Contains("  dropped old = 7 ms: model 'M' has no parameter 'old'\n") &&
                           Catch::Contains("  new extra = 1\n") && Catch::Contains("  removed old\n"));
  REQUIRE(r.line("lp.tau") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("lp.tau = 0.03 s (30 ms)  (set)"));
  // A file that no longer compiles leaves the session as it was.
  std::ofstream(file) << "model M {";
  CHECK(r.line(":reload") == 1);
  REQUIRE(r.line("g") == 0);
  CHECK_THAT(r.text(), Catch::StartsWith("g = 3"));
}

TEST_CASE(":save, :export, :models and the commands without a model", "[repl][session]") {
  test::TempDir dir("cvm_repl_files");
  Repl r;
  CHECK(r.line(":save " + (dir / "early.h5")) == 1);  // nothing run yet
  REQUIRE(r.line(":run moving_grating(t = 30, x = 10, y = 10) chunk 8") == 0);
  REQUIRE(r.line(":save " + (dir / "out.h5")) == 0);
  CHECK(r.text() == "wrote " + (dir / "out.h5") + ": /outputs/response [1, 1, 30, 10, 10]\n");
  CHECK(io::read_hdf5_dataset(dir / "out.h5", "/outputs/response").shape == std::vector<int64_t>{1, 1, 30, 10, 10});
  CHECK(r.line(":save " + (dir / "out.npz")) == 1);
  REQUIRE(r.line(":export " + (dir / "p.npz")) == 0);
  CHECK(r.text() == "wrote " + (dir / "p.npz") + ": 5 parameters\n");
  CHECK(std::filesystem::exists(dir / "p.npz"));
  REQUIRE(r.line(":models") == 0);
  CHECK(r.text() == "* LNGain\n");
  CHECK(r.line(":fit") == 1);
  CHECK(r.line(":quit") == 0);

  Session empty(1, "cpu");
  std::ostringstream out;
  auto stop = [] { return false; };
  CHECK(execute_line(empty, "p", LinePlace{}, out, stop).code == 1);
  CHECK(execute_line(empty, ":models", LinePlace{}, out, stop).code == 1);
  CHECK(execute_line(empty, ":help", LinePlace{}, out, stop).code == 0);
  CHECK_THAT(out.str(), Catch::Contains(":run STIMULUS"));
  CHECK(execute_line(empty, ":quit", LinePlace{}, out, stop).quit);
}
