// Plots: every kind is written as PNG and as SVG and read back. A PNG must have the
// expected size, more than one colour, and long dark lines where the axes' frame is. An
// SVG must be a whole document; cairo draws text as glyph outlines (<symbol> + <use>),
// not <text>, so instead of the label text the test counts the glyphs drawn (at least the
// letters of the axis labels with their units) and checks images are embedded. A wrong
// extension is an error and leaves no file. Also the tick numbers and their labels, and
// `cvm plot` on a fit bundle (/fit/loss), which no other verb writes yet.
#include <catch2/catch.hpp>
#include <cairo.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "interpreter/io/array.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/plot/plots.h"
#include "interpreter/plot/ticks.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
namespace plot = cvm::plot;

namespace {

/// A response with a centre-surround spatial profile and a delayed temporal peak.
at::Tensor synthetic_response(int64_t frames, int64_t nx, int64_t ny) {
  at::Tensor t = at::arange(frames, at::kFloat).view({frames, 1, 1});
  at::Tensor x = (at::arange(nx, at::kFloat) - nx / 2).view({1, nx, 1});
  at::Tensor y = (at::arange(ny, at::kFloat) - ny / 2).view({1, 1, ny});
  at::Tensor r2 = x * x + y * y;
  at::Tensor space = at::exp(-r2 / 4) - 0.4 * at::exp(-r2 / 16);
  at::Tensor time = (t - 5).clamp_min(0) * at::exp(-(t - 5).clamp_min(0) / 8);
  return (time * space).unsqueeze(0).unsqueeze(0);
}

struct Png {
  int width = 0, height = 0;
  std::set<uint32_t> colours;
  int first_line_pixels = 0;  // pixels exactly of line_color(0), the first data line
  int longest_dark_column = 0, longest_dark_row = 0;  // longest run of dark pixels
};

Png read_png(const std::string& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  Png png;
  png.width = cairo_image_surface_get_width(s);
  png.height = cairo_image_surface_get_height(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  auto pixel = [&](int x, int y) { return reinterpret_cast<const uint32_t*>(data + y * stride)[x]; };
  auto dark = [&](int x, int y) {
    const uint32_t p = pixel(x, y);
    return ((p >> 16) & 0xff) < 90 && ((p >> 8) & 0xff) < 90 && (p & 0xff) < 90;
  };
  for (int y = 0; y < png.height; ++y) {
    for (int x = 0; x < png.width; ++x) {
      png.colours.insert(pixel(x, y) & 0xffffff);
      png.first_line_pixels += (pixel(x, y) & 0xffffff) == 0x1f77b4;
    }
  }
  for (int x = 0; x < png.width; ++x) {
    for (int y = 0, run = 0; y < png.height; ++y) {
      run = dark(x, y) ? run + 1 : 0;
      png.longest_dark_column = std::max(png.longest_dark_column, run);
    }
  }
  for (int y = 0; y < png.height; ++y) {
    for (int x = 0, run = 0; x < png.width; ++x) {
      run = dark(x, y) ? run + 1 : 0;
      png.longest_dark_row = std::max(png.longest_dark_row, run);
    }
  }
  cairo_surface_destroy(s);
  return png;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

size_t letters(const std::vector<std::string>& labels) {
  size_t n = 0;
  for (const auto& l : labels) n += l.size() - static_cast<size_t>(std::count(l.begin(), l.end(), ' '));
  return n;
}

struct Expected {
  int width, height;
  bool axes_frame;                  // a plot with axes: long dark frame lines
  std::vector<std::string> labels;  // texts that must be drawn
  bool image;                       // an embedded image (heat map)
};

/// Draws with `draw` as PNG and SVG in `dir` and checks both files.
template <typename Draw>
void check_plot(const cvm::test::TempDir& dir, const std::string& stem, const Expected& e, Draw draw) {
  INFO("plot " << stem);
  const std::string png = dir / (stem + ".png"), svg = dir / (stem + ".svg");
  draw(png);
  draw(svg);
  const Png p = read_png(png);
  CHECK(p.width == e.width);
  CHECK(p.height == e.height);
  CHECK(p.colours.size() > 20);  // text antialiasing alone gives many greys; images more
  CHECK(fs::file_size(png) > 8000);
  if (e.axes_frame) {
    CHECK(p.longest_dark_column > 150);  // the frame's vertical sides
    CHECK(p.longest_dark_row > 200);     // the frame's top and bottom
  }
  const std::string text = read_text(svg);
  CHECK((text.rfind("<?xml", 0) == 0 || text.rfind("<svg", 0) == 0));
  const auto end = text.find_last_not_of(" \n\r\t");
  REQUIRE(end != std::string::npos);
  CHECK(text.substr(0, end + 1).size() >= 6);
  CHECK(text.compare(end + 1 - 6, 6, "</svg>") == 0);
  CHECK(text.find("width=\"" + std::to_string(e.width) + "px\"") != std::string::npos);
  CHECK(text.find("height=\"" + std::to_string(e.height) + "px\"") != std::string::npos);
  CHECK(count(text, "<symbol") >= 10);  // distinct glyphs
  CHECK(count(text, "xlink:href=\"#glyph") >= letters(e.labels));
  if (e.image) CHECK(count(text, "<image") >= 1);
  CHECK(count(text, "<path") >= 10);
  for (const auto& f : fs::directory_iterator(dir.path)) {
    CHECK(f.path().string().find("partial") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("tick positions are round numbers and their labels have the decimals they need", "[plot]") {
  const plot::Ticks a = plot::linear_ticks(0, 97, 6);
  CHECK(a.step == 20);
  CHECK(a.lo == 0);
  CHECK(a.hi == 100);
  CHECK(a.values.size() == 6);
  const plot::Ticks b = plot::linear_ticks(-0.013, 0.052, 6);
  CHECK(b.step == Approx(0.02));
  CHECK(b.values.front() == Approx(-0.02));
  CHECK(b.values.back() == Approx(0.06));
  CHECK(plot::tick_label(b.values[1], b.step) == "0");
  CHECK(plot::tick_label(b.values[2], b.step) == "0.02");
  const plot::Ticks c = plot::linear_ticks(-0.45, 0.45, 6, false);
  CHECK(c.lo == -0.45);
  CHECK(c.values.front() >= -0.45);
  CHECK(plot::tick_label(0.25, 0.25) == "0.25");
  CHECK(plot::tick_label(2.5, 0.5) == "2.5");
  CHECK(plot::tick_label(-40, 20) == "-40");
  CHECK(plot::tick_label(1e-6, 1e-6) == "1e-6");
  CHECK(plot::tick_label(25000, 5000) == "25000");
  CHECK(plot::tick_label(2.5e5, 5e4) == "2.5e5");
  const plot::Ticks d = plot::log_ticks(0.002, 30);
  CHECK(d.lo == Approx(0.001));
  CHECK(d.hi == Approx(100));
  CHECK(d.values.size() == 6);
  CHECK(plot::tick_label(0.01, 0.01) == "0.01");
  const plot::Ticks flat = plot::linear_ticks(3, 3, 6);
  CHECK(flat.lo < 3);
  CHECK(flat.hi > 3);
}

TEST_CASE("every plot kind is written as PNG and SVG", "[plot]") {
  cvm::test::TempDir dir("cvm_test_plot");
  const cvm::Resolution res;
  const at::Tensor response = synthetic_response(60, 9, 11);
  const std::vector<plot::NamedSignal> one{{"response", response, "1"}};
  const std::vector<plot::NamedSignal> two{{"on", response, "1"}, {"off", -response, "1"}};

  check_plot(dir, "impulse", {1040, 460, true, {"time from impulse (ms)", "x (deg)", "y (deg)", "response"}, true},
             [&](const std::string& p) { plot::plot_impulse(p, one, res, 5); });
  CHECK(read_png(dir / "impulse.png").first_line_pixels > 100);  // the response curve is drawn
  check_plot(dir, "impulse2", {1040, 920, true, {"time from impulse (ms)", "time from impulse (ms)", "x (deg)"}, true},
             [&](const std::string& p) { plot::plot_impulse(p, two, res, 5); });
  check_plot(dir, "spatial", {560, 460, true, {"x (deg)", "y (deg)"}, true},
             [&](const std::string& p) { plot::plot_spatial(p, one, res); });
  check_plot(dir, "traces", {860, 920, true, {"time (ms)", "time (ms)", "mean over 99 pixels"}, false},
             [&](const std::string& p) { plot::plot_traces(p, two, res); });
  const at::Tensor conv3d = synthetic_response(12, 5, 5).narrow(2, 2, 8);  // [1, 1, 8, 5, 5]
  check_plot(dir, "kernel_grid", {860, 230, false, {"frame 0", "frame 1", "weight"}, true},
             [&](const std::string& p) { plot::plot_kernel(p, "conv_weight", conv3d); });
  const at::Tensor pairs = at::randn({2, 2, 3, 5, 5});
  check_plot(dir, "kernel_pairs", {860, 912, false, {"out 0, in 0", "out 1, in 1"}, true}, [&](const std::string& p) {
    plot::plot_kernel(p, "weights", pairs);
  });
  check_plot(dir, "kernel_temporal", {800, 460, true, {"weight", "kernel frame, in stored order"}, false},
             [&](const std::string& p) { plot::plot_kernel(p, "weight", at::exp(-at::arange(47.0) / 10).view({1, 1, 47})); });
  check_plot(dir, "kernel_spatial", {560, 460, true, {"x (deg)", "y (deg)", "weight"}, true},
             [&](const std::string& p) { plot::plot_kernel(p, "gaussian", response[0][0][20]); });
  std::vector<double> loss, validation;
  for (int k = 0; k < 200; ++k) loss.push_back(10 * std::exp(-k / 20.0) + 0.001);
  for (int k = 0; k < 10; ++k) validation.push_back(12 * std::exp(-k));
  check_plot(dir, "loss_log", {800, 500, true, {"step", "loss (log scale)", "validation"}, false},
             [&](const std::string& p) { plot::plot_loss(p, loss, validation); });
  check_plot(dir, "loss", {800, 500, true, {"step", "loss"}, false},
             [&](const std::string& p) { plot::plot_loss(p, {3, 2.5, 2.2, 2.1, 2.05}, {}); });
}

TEST_CASE("a plot file must end in .png or .svg, and bad data is an error", "[plot]") {
  cvm::test::TempDir dir("cvm_test_plot_errors");
  const std::vector<plot::NamedSignal> one{{"response", synthetic_response(10, 3, 3), "1"}};
  for (const std::string name : {"plot.pdf", "plot", "plot.png.txt"}) {
    INFO(name);
    CHECK_THROWS_AS(plot::plot_traces(dir / name, one, {}), cvm::io::DataError);
    CHECK_FALSE(fs::exists(dir / name));
  }
  CHECK_NOTHROW(plot::plot_traces(dir / "upper.PNG", one, {}));
  CHECK_THROWS_AS(plot::plot_traces(dir / "x.png", {{"flat", at::zeros({3, 3}), "1"}}, {}), cvm::io::DataError);
  CHECK_THROWS_AS(plot::plot_loss(dir / "x.png", {}, {}), cvm::io::DataError);
  CHECK_THROWS_AS(plot::plot_kernel(dir / "x.png", "k", at::zeros({1, 1, 1, 1, 1, 2})), cvm::io::DataError);
  CHECK_FALSE(fs::exists(dir / "x.png"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir.path)) ++files;
  CHECK(files == 1);  // upper.PNG: nothing partial is left behind
}

TEST_CASE("odd data still gives a plot: a frame wider than an image, one frame, NaN and Inf", "[plot]") {
  cvm::test::TempDir dir("cvm_test_plot_odd");
  const cvm::Resolution res;
  // 40000 pixels along y: more than cairo's image limit; drawn reduced by blocks.
  at::Tensor wide = at::zeros({1, 1, 2, 1, 40000});
  wide[0][0][1][0][20000] = 1;
  CHECK_NOTHROW(plot::plot_spatial(dir / "wide.png", {{"wide", wide, "1"}}, res));
  CHECK_NOTHROW(plot::plot_impulse(dir / "wide.svg", {{"wide", wide, "1"}}, res, 0));
  // One frame (drawn as a dot).
  const at::Tensor one_frame = at::full({1, 1, 1, 1, 1}, 0.5);
  CHECK_NOTHROW(plot::plot_traces(dir / "one.png", {{"one", one_frame, "1"}}, res));
  // NaN and Inf values are left out, not drawn at infinity.
  at::Tensor odd = synthetic_response(20, 3, 3);
  odd[0][0][4][1][1] = std::numeric_limits<float>::quiet_NaN();
  odd[0][0][6][1][1] = std::numeric_limits<float>::infinity();
  CHECK_NOTHROW(plot::plot_impulse(dir / "odd.png", {{"odd", odd, "1"}}, res, 2));
}

TEST_CASE("cvm plot draws the loss curve of a fit bundle", "[plot][e2e]") {
  cvm::test::TempDir dir("cvm_test_plot_loss");
  const std::string bundle = dir / "fit.h5";
  cvm::io::Hdf5OutputFile out(bundle);
  cvm::io::Array loss{{100}, {}}, validation{{5}, {}};
  for (int k = 0; k < 100; ++k) loss.data.push_back(static_cast<float>(1 + 50 * std::exp(-k / 10.0)));
  for (int k = 0; k < 5; ++k) validation.data.push_back(static_cast<float>(2 + 40 * std::exp(-2.0 * k)));
  out.write_dataset("/fit/loss", loss);
  out.write_dataset("/fit/validation_loss", validation);
  out.write_dataset("/params/w", {{3, 4, 4}, std::vector<float>(48, 0.5f)});
  out.commit();
  auto run = [&](const std::string& args) {
    const int status = std::system((std::string(CVM_BINARY) + " plot " + bundle + " " + args + " > " +
                                    (dir / "stdout") + " 2> " + (dir / "stderr")).c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  REQUIRE(run("--output " + (dir / "loss.png")) == 0);
  CHECK(read_text(dir / "stdout").find("wrote loss plot") != std::string::npos);
  const Png png = read_png(dir / "loss.png");
  CHECK(png.width == 800);
  CHECK(png.height == 500);
  CHECK(png.longest_dark_column > 150);
  REQUIRE(run("--dataset /params/w --output " + (dir / "w.svg")) == 0);
  CHECK(read_text(dir / "stdout").find("wrote kernel plot") != std::string::npos);
  CHECK(run("--dataset /fit/nothing --output " + (dir / "x.png")) == 1);
  CHECK(read_text(dir / "stderr").find("/fit/validation_loss") != std::string::npos);  // what the file has
  CHECK(run("--output " + (dir / "x.gif")) == 2);
  CHECK_FALSE(fs::exists(dir / "x.png"));
}
