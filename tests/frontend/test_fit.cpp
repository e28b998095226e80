// Checking fit blocks: model, inputs, targets, losses, free parameters, optimizers, counts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "frontend_test_support.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

std::vector<std::string> check_source(const std::string& text) {
  test::TempDir dir("cvm_test_fit");
  std::string file = dir / "fit.cvm";
  std::ofstream(file) << text;
  Compilation c;
  check_file(c, file);
  std::vector<std::string> out;
  for (const auto& d : c.sink.all()) out.push_back(d.code + " " + d.message);
  return out;
}

const char* kModel = R"(import std.convis
model Cell {
  input stimulus
  param gain: real = 1 in [0, 10]
  param unused: real = 1
  layer conv = Conv3d(kernel_size = [5, 3, 3])
  layer nl = NLRectifyScale(scale = gain)
  stimulus -> conv -> nl
  output response = nl
}
)";

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a fit block with every item checks cleanly", "[fit]") {
  auto msgs = check_source(std::string(kModel) + R"(
fit Cell as cell07 {
  data "cell07.h5"
  input stimulus = "/stimulus"
  target response = "/spikes" loss poisson weight 1.5
  free gain, conv.weight
  fixed conv.bias
  optimizer Adam(lr = 0.01)
  chunk 500
  skip 50
  epochs 100
  seed 1
  validate "val.h5" -> "pred.h5" every 10 epoch
  early_stop patience 5
  export "fitted.npz"
})");
  CHECK(msgs.empty());
}

TEST_CASE("every loss keyword is accepted", "[fit]") {
  for (const char* loss : {"mse", "sse", "poisson", "corr"}) {
    auto msgs = check_source(std::string(kModel) + "fit Cell { input stimulus = \"/s\"; target response = \"/r\" loss " +
                             loss + " }");
    INFO(loss);
    CHECK(msgs.empty());
  }
}

TEST_CASE("fit errors", "[fit]") {
  auto msgs = check_source(std::string(kModel) + R"(
fit Cell {
  input stim = "/s"
  target respons = "/r"
  target response = "/r" loss mae weight -1
  free unused, nope
  optimizer Adamm(0.1)
  chunk 0
  epochs 2.5
})");
  CHECK(msgs == Strings{
      "E0301 model 'Cell' has no input 'stim'",
      "E0701 the fit gives no data for input 'stimulus'",
      "E0301 model 'Cell' has no output 'respons'",
      "E0702 unknown loss 'mae'",
      "E0701 a target's weight must be a non-negative plain number",
      "E0306 model 'Cell' has no parameter 'nope'",
      "E0704 unknown optimizer 'Adamm'",
      "E0704 optimizer settings must be named, e.g. 'lr = 0.01'",
      "E0701 'chunk' must be an integer of at least 1",
      "E0701 'epochs' must be an integer of at least 1",
  });
}

TEST_CASE("a fit needs a target and a known model", "[fit]") {
  auto msgs = check_source(std::string(kModel) + "fit Cell { input stimulus = \"/s\" }\nfit Cel { }");
  CHECK(msgs == Strings{"E0701 a fit needs at least one target", "E0301 unknown model 'Cel'"});
}

// A fit of a model imported from another file (here LN from std.convis) is checked too.
TEST_CASE("a fit of an imported model is checked", "[fit]") {
  auto msgs = check_source("import std.convis\nfit LN {\n  input nosuch = \"/x\"\n  target bogus = \"/y\" loss nope\n}\n");
  CHECK_FALSE(msgs.empty());
}
