#include "interpreter/plot/plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "interpreter/io/array.h"
#include "interpreter/plot/axes.h"
#include "interpreter/plot/canvas.h"
#include "interpreter/plot/colormap.h"

namespace cvm::plot {
namespace {

constexpr double kRowHeight = 460;
constexpr Color kBlack{0, 0, 0}, kGrey{0.45, 0.45, 0.45};
constexpr int64_t kMaxLines = 8;       // channels drawn as lines in one panel
constexpr int64_t kMaxTiles = 30;      // frames of a kernel drawn as tiles
constexpr int64_t kMaxPairGrids = 4;   // (out, in) pairs of a kernel drawn as grids

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// "1 x 8 x 5 x 5": sizes as a plot title shows them.
std::string sizes_text(at::IntArrayRef s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? " x " : "") + std::to_string(s[i]);
  return out;
}

/// "response" or "response (mV)": dimensionless values show no unit.
std::string value_label(const std::string& what, const std::string& unit) {
  return unit.empty() || unit == "1" ? what : what + " (" + unit + ")";
}

/// Batch 0 of a signal as float [channel, time, x, y]; throws DataError for another shape.
at::Tensor first_batch(const NamedSignal& s) {
  if (!s.data.defined() || s.data.dim() != 5 || s.data.numel() == 0) {
    throw io::DataError("cannot plot '" + s.name + "': expected a non-empty [batch, channel, time, x, y] signal" +
                        (s.data.defined() ? ", found shape " + sizes_text(s.data.sizes()) : ""));
  }
  return s.data[0].detach().to(at::kFloat).contiguous();
}

std::vector<double> to_doubles(const at::Tensor& t) {
  at::Tensor d = t.to(at::kDouble).contiguous().reshape({-1});
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

std::vector<float> to_floats(const at::Tensor& t) {
  at::Tensor f = t.to(at::kFloat).contiguous().reshape({-1});
  return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

/// The smallest and largest finite value (0 and 0 when there is none).
std::pair<double, double> finite_range(const std::vector<float>& v) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (float x : v) {
    if (std::isfinite(x)) lo = std::min(lo, static_cast<double>(x)), hi = std::max(hi, static_cast<double>(x));
  }
  return lo <= hi ? std::make_pair(lo, hi) : std::make_pair(0.0, 0.0);
}

/// The range of every line, including 0 so the baseline shows, with room above the
/// highest value for the panel's note and legend (and a little below a negative lowest).
std::pair<double, double> line_range(const std::vector<std::vector<double>>& lines) {
  double lo = 0, hi = 0;
  for (const auto& l : lines) {
    for (double v : l) {
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  const double span = hi - lo;
  return {lo < 0 ? lo - 0.04 * span : lo, hi + 0.12 * span};
}

/// Frame times in ms, frame `origin` at 0.
std::vector<double> frame_times(int64_t frames, int64_t origin, const Resolution& r) {
  std::vector<double> t(static_cast<size_t>(frames));
  for (int64_t k = 0; k < frames; ++k) t[static_cast<size_t>(k)] = static_cast<double>(k - origin) * 1000 / r.steps_per_second;
  return t;
}

/// The extent in degrees of `n` pixels with pixel n / 2 centred on 0.
std::pair<double, double> pixel_extent(int64_t n, const Resolution& r) {
  const double c = static_cast<double>(n / 2);
  return {(-c - 0.5) / r.pixels_per_degree, (static_cast<double>(n - 1) - c + 0.5) / r.pixels_per_degree};
}

/// The frame of [channel, time, x, y] holding the largest |value|.
int64_t peak_frame(const at::Tensor& ctxy) {
  at::Tensor per_frame = ctxy.abs().nan_to_num(0).amax({0, 2, 3});
  return per_frame.argmax().item<int64_t>();
}

/// An image of `frame` [x, y] over x and y in degrees, with a colour bar right of it.
void spatial_panel(Canvas& canvas, Rect area, const std::string& title, const at::Tensor& frame,
                   const Resolution& r, const std::string& bar_label) {
  const int64_t nx = frame.size(0), ny = frame.size(1);
  const std::vector<float> values = to_floats(frame);
  const auto [lo, hi] = finite_range(values);
  const ColorScale scale(lo, hi);
  const auto [x0, x1] = pixel_extent(nx, r);
  const auto [y0, y1] = pixel_extent(ny, r);
  Axes ax(canvas, {area.x, area.y, area.width - 96, area.height}, {x0, x1, "x (deg)", Scale::Linear, true},
          {y0, y1, "y (deg)", Scale::Linear, true}, title, true);
  ax.image(values, nx, ny, scale);
  ax.draw_decorations();
  const Rect& f = ax.frame();
  draw_colorbar(canvas, {f.x + f.width + 14, f.y, 14, f.height}, scale, bar_label);
}

/// The response of the centre pixel against time from the impulse, one line per channel.
void impulse_time_panel(Canvas& canvas, Rect area, const NamedSignal& s, const at::Tensor& ctxy,
                        const Resolution& r, int64_t impulse_frame) {
  const int64_t channels = std::min(ctxy.size(0), kMaxLines), frames = ctxy.size(1);
  const int64_t cx = ctxy.size(2) / 2, cy = ctxy.size(3) / 2;
  const std::vector<double> t = frame_times(frames, impulse_frame, r);
  std::vector<std::vector<double>> lines;
  for (int64_t c = 0; c < channels; ++c) lines.push_back(to_doubles(ctxy[c].select(1, cx).select(1, cy)));
  const auto [lo, hi] = line_range(lines);
  Axes ax(canvas, area, {t.front(), t.back(), "time from impulse (ms)", Scale::Linear, true}, {lo, hi, value_label("response", s.unit)},
          s.name + ": centre pixel (" + std::to_string(cx) + ", " + std::to_string(cy) + ")");
  ax.draw_grid();
  ax.horizontal_line(0, kGrey, false);
  ax.vertical_line(0, kGrey, true);
  std::vector<std::pair<std::string, Color>> legend;
  double peak = 0, peak_t = 0;
  for (size_t c = 0; c < lines.size(); ++c) {
    const Color color = lines.size() == 1 ? line_color(0) : line_color(static_cast<int>(c));
    ax.line(t, lines[c], color, 2);
    legend.emplace_back("channel " + std::to_string(c), color);
    for (size_t k = 0; k < lines[c].size(); ++k) {
      if (std::abs(lines[c][k]) > std::abs(peak)) peak = lines[c][k], peak_t = t[k];
    }
  }
  if (peak != 0) {
    ax.point(peak_t, peak, kBlack);
    ax.note("peak " + number(peak) + " at " + number(peak_t) + " ms", lines.size() == 1);
  } else {
    ax.note("no response at the centre pixel", lines.size() == 1);
  }
  if (lines.size() > 1) ax.legend(legend);
  ax.draw_decorations();
}

/// The mean over pixels and a few sample pixels of channel 0 against time.
void traces_panel(Canvas& canvas, Rect area, const NamedSignal& s, const at::Tensor& ctxy, const Resolution& r) {
  const int64_t frames = ctxy.size(1), nx = ctxy.size(2), ny = ctxy.size(3);
  const at::Tensor c0 = ctxy[0];
  const std::vector<double> t = frame_times(frames, 0, r);
  std::vector<std::pair<int64_t, int64_t>> pixels{{nx / 2, ny / 2}, {nx / 4, ny / 4}, {(3 * nx) / 4, ny / 4},
                                                  {nx / 4, (3 * ny) / 4}, {(3 * nx) / 4, (3 * ny) / 4}};
  std::vector<std::pair<int64_t, int64_t>> unique;
  for (const auto& p : pixels) {
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  }
  std::vector<std::vector<double>> lines{to_doubles(c0.mean({1, 2}))};
  for (const auto& [x, y] : unique) lines.push_back(to_doubles(c0.select(1, x).select(1, y)));
  const auto [lo, hi] = line_range(lines);
  std::string title = s.name;
  if (ctxy.size(0) > 1) title += " (channel 0 of " + std::to_string(ctxy.size(0)) + ")";
  constexpr double kLegendRoom = 190;
  Axes ax(canvas, {area.x, area.y, area.width - kLegendRoom, area.height}, {t.front(), t.back(), "time (ms)", Scale::Linear, true},
          {lo, hi, value_label("value", s.unit)}, title);
  ax.draw_grid();
  ax.horizontal_line(0, kGrey, false);
  std::vector<std::pair<std::string, Color>> legend;
  for (size_t k = 1; k < lines.size(); ++k) {
    const Color color = line_color(static_cast<int>(k - 1));
    ax.line(t, lines[k], color, 1.2);
    legend.emplace_back("pixel (" + std::to_string(unique[k - 1].first) + ", " + std::to_string(unique[k - 1].second) + ")",
                        color);
  }
  ax.line(t, lines[0], kBlack, 2.4);
  legend.insert(legend.begin(), {"mean over " + std::to_string(nx * ny) + " pixels", kBlack});
  ax.legend(legend, true);
  ax.draw_decorations();
}

std::vector<at::Tensor> first_batches(const std::vector<NamedSignal>& outputs) {
  if (outputs.empty()) throw io::DataError("nothing to plot: no signals");
  std::vector<at::Tensor> data;
  for (const auto& s : outputs) data.push_back(first_batch(s));
  return data;
}

/// A kernel as [out, in, T, X, Y] (see plot_kernel for the shapes read).
at::Tensor as_five_d(const std::string& name, const at::Tensor& k) {
  const auto s = k.sizes();
  switch (k.dim()) {
    case 0: return k.reshape({1, 1, 1, 1, 1});
    case 1: return k.reshape({1, 1, s[0], 1, 1});
    case 2: return k.reshape({1, 1, 1, s[0], s[1]});
    case 3: return s[0] == 1 && s[1] == 1 ? k.reshape({1, 1, s[2], 1, 1}) : k.reshape({1, 1, s[0], s[1], s[2]});
    case 4: return k.reshape({s[0], s[1], 1, s[2], s[3]});
    case 5: return k;
    default:
      throw io::DataError("cannot plot kernel '" + name + "' of shape " + sizes_text(s) +
                          ": expected 1 to 5 dimensions ([T, X, Y] or [out, in, T, X, Y])");
  }
}

/// A temporal kernel (one pixel): one line per channel pair against the stored frames.
/// `title` names the kernel and its shape as stored.
void temporal_kernel(const std::string& path, const std::string& title, const at::Tensor& k5, const Resolution& r) {
  Canvas canvas(path, 800, static_cast<int>(kRowHeight));
  const int64_t frames = k5.size(2), pairs = std::min(k5.size(0) * k5.size(1), kMaxLines);
  std::vector<double> index(static_cast<size_t>(frames));
  for (int64_t f = 0; f < frames; ++f) index[static_cast<size_t>(f)] = static_cast<double>(f);
  std::vector<std::vector<double>> lines;
  const at::Tensor flat = k5.reshape({-1, frames});
  for (int64_t p = 0; p < pairs; ++p) lines.push_back(to_doubles(flat[p]));
  const auto [lo, hi] = line_range(lines);
  Axes ax(canvas, {0, 0, 800, kRowHeight},
          {0, static_cast<double>(std::max<int64_t>(frames - 1, 1)),
           "kernel frame, in stored order (1 frame = " + number(1000 / r.steps_per_second) + " ms)", Scale::Linear,
           frames > 1},
          {lo, hi, "weight"}, title);
  ax.draw_grid();
  ax.horizontal_line(0, kGrey, false);
  std::vector<std::pair<std::string, Color>> legend;
  for (int64_t p = 0; p < pairs; ++p) {
    const Color color = line_color(static_cast<int>(p));
    ax.line(index, lines[static_cast<size_t>(p)], color, 2);
    if (frames == 1) ax.point(0, lines[static_cast<size_t>(p)][0], color);
    legend.emplace_back("out " + std::to_string(p / k5.size(1)) + ", in " + std::to_string(p % k5.size(1)), color);
  }
  if (pairs > 1) ax.legend(legend);
  ax.draw_decorations();
  canvas.save();
}

/// A spatial kernel: a grid of tiles (one per frame) per channel pair, one colour scale.
void kernel_grid(const std::string& path, const std::string& title, const at::Tensor& k5, const Resolution& r) {
  const int64_t outs = k5.size(0), ins = k5.size(1), frames = k5.size(2), nx = k5.size(3), ny = k5.size(4);
  const bool all_pairs = outs * ins <= kMaxPairGrids;
  const int64_t pairs = all_pairs ? outs * ins : 1;
  const int64_t every = (frames + kMaxTiles - 1) / kMaxTiles;
  const int64_t tiles = (frames + every - 1) / every;
  const int64_t columns = std::min<int64_t>(tiles, 10), rows = (tiles + columns - 1) / columns;
  constexpr double kWidth = 860, kLeft = 30, kRight = 130, kTop = 56, kBottom = 52, kCaption = 17, kGap = 10;
  const double cell = (kWidth - kLeft - kRight) / static_cast<double>(columns);
  double tile_w = std::min(cell - kGap, 150.0);
  double tile_h = tile_w * static_cast<double>(ny) / static_cast<double>(nx);
  if (tile_h > 150) tile_h = 150, tile_w = tile_h * static_cast<double>(nx) / static_cast<double>(ny);
  const double heading = pairs > 1 ? 24 : 0;
  const double grid_h = heading + static_cast<double>(rows) * (kCaption + tile_h + kGap);
  const double height = std::max(230.0, kTop + static_cast<double>(pairs) * grid_h + kBottom);
  Canvas canvas(path, static_cast<int>(kWidth), static_cast<int>(std::ceil(height)));

  const at::Tensor shown = all_pairs ? k5 : k5.narrow(0, 0, 1).narrow(1, 0, 1);
  const auto [lo, hi] = finite_range(to_floats(shown));
  const ColorScale scale(lo, hi);
  canvas.text(title, kWidth / 2, 18, Align::Middle, Align::Start, 14, true);
  std::string subtitle = "one tile per frame in stored order";
  if (every > 1) subtitle += " (one in " + std::to_string(every) + ")";
  if (!all_pairs) subtitle += "; out 0, in 0 of " + std::to_string(outs) + " x " + std::to_string(ins) + " channels";
  canvas.text(subtitle, kWidth / 2, 38, Align::Middle, Align::Start, 11, false, 0, kGrey);
  cairo_t* cr = canvas.cr();
  double y = kTop;
  for (int64_t p = 0; p < pairs; ++p) {
    const int64_t o = p / ins, i = p % ins;
    if (pairs > 1) {
      canvas.text("out " + std::to_string(o) + ", in " + std::to_string(i), kLeft, y + 4, Align::Start, Align::Start,
                  12, true);
      y += heading;
    }
    for (int64_t k = 0; k < tiles; ++k) {
      const int64_t f = k * every;
      const double x0 = kLeft + static_cast<double>(k % columns) * cell + (cell - tile_w) / 2;
      const double y0 = y + static_cast<double>(k / columns) * (kCaption + tile_h + kGap);
      canvas.text("frame " + std::to_string(f), x0 + tile_w / 2, y0 + kCaption - 3, Align::Middle, Align::End, 11);
      const Rect tile{x0, y0 + kCaption, tile_w, tile_h};
      draw_image(canvas, tile, to_floats(k5[o][i][f]), nx, ny, scale);
      set_color(cr, {0.6, 0.6, 0.6});
      cairo_set_line_width(cr, 1);
      cairo_rectangle(cr, tile.x - 0.5, tile.y - 0.5, tile.width + 1, tile.height + 1);
      cairo_stroke(cr);
    }
    y += static_cast<double>(rows) * (kCaption + tile_h + kGap);
  }
  const double bar_h = std::min(300.0, height - kTop - kBottom - 10);
  draw_colorbar(canvas, {kWidth - kRight + 30, kTop + 10, 14, bar_h}, scale, "weight");
  canvas.text("each tile: x to the right, y up; " + std::to_string(nx) + " x " + std::to_string(ny) + " pixels = " +
                  number(static_cast<double>(nx) / r.pixels_per_degree) + " x " +
                  number(static_cast<double>(ny) / r.pixels_per_degree) + " deg; 1 frame = " +
                  number(1000 / r.steps_per_second) + " ms",
              kWidth / 2, height - 20, Align::Middle, Align::Middle, 12, false, 0, kGrey);
  canvas.save();
}

}  // namespace

void plot_impulse(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution,
                  int64_t impulse_frame) {
  const auto data = first_batches(outputs);
  constexpr double kWidth = 1040, kSplit = 580;
  Canvas canvas(path, static_cast<int>(kWidth), static_cast<int>(kRowHeight * static_cast<double>(outputs.size())));
  for (size_t k = 0; k < outputs.size(); ++k) {
    const double y = kRowHeight * static_cast<double>(k);
    impulse_time_panel(canvas, {0, y, kSplit, kRowHeight}, outputs[k], data[k], resolution, impulse_frame);
    const int64_t f = peak_frame(data[k]);
    const double t = static_cast<double>(f - impulse_frame) * 1000 / resolution.steps_per_second;
    spatial_panel(canvas, {kSplit, y, kWidth - kSplit, kRowHeight},
                  outputs[k].name + " at " + number(t) + " ms (largest |response|)", data[k][0][f], resolution,
                  value_label("response", outputs[k].unit));
  }
  canvas.save();
}

void plot_spatial(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution) {
  const auto data = first_batches(outputs);
  constexpr double kWidth = 560;
  Canvas canvas(path, static_cast<int>(kWidth), static_cast<int>(kRowHeight * static_cast<double>(outputs.size())));
  for (size_t k = 0; k < outputs.size(); ++k) {
    const int64_t f = peak_frame(data[k]);
    const double t = static_cast<double>(f) * 1000 / resolution.steps_per_second;
    spatial_panel(canvas, {0, kRowHeight * static_cast<double>(k), kWidth, kRowHeight},
                  outputs[k].name + " at " + number(t) + " ms (largest |value|)", data[k][0][f], resolution,
                  value_label("value", outputs[k].unit));
  }
  canvas.save();
}

void plot_traces(const std::string& path, const std::vector<NamedSignal>& outputs, const Resolution& resolution) {
  const auto data = first_batches(outputs);
  constexpr double kWidth = 860;
  Canvas canvas(path, static_cast<int>(kWidth), static_cast<int>(kRowHeight * static_cast<double>(outputs.size())));
  for (size_t k = 0; k < outputs.size(); ++k) {
    traces_panel(canvas, {0, kRowHeight * static_cast<double>(k), kWidth, kRowHeight}, outputs[k], data[k],
                 resolution);
  }
  canvas.save();
}

void plot_kernel(const std::string& path, const std::string& name, const at::Tensor& kernel,
                 const Resolution& resolution) {
  if (!kernel.defined() || kernel.numel() == 0) throw io::DataError("cannot plot kernel '" + name + "': it is empty");
  const at::Tensor k5 = as_five_d(name, kernel.detach().to(at::kFloat).contiguous());
  const std::string title = name + " (" + sizes_text(kernel.sizes()) + ")";
  if (k5.size(3) * k5.size(4) == 1) {
    temporal_kernel(path, title, k5, resolution);
  } else if (k5.size(2) == 1 && k5.size(0) * k5.size(1) == 1) {
    Canvas canvas(path, 560, static_cast<int>(kRowHeight));
    spatial_panel(canvas, {0, 0, 560, kRowHeight}, title, k5[0][0][0], resolution, "weight");
    canvas.save();
  } else {
    kernel_grid(path, title, k5, resolution);
  }
}

void plot_loss(const std::string& path, const std::vector<double>& loss, const std::vector<double>& validation) {
  if (loss.empty()) throw io::DataError("cannot plot the loss: it has no values");
  const double n = static_cast<double>(loss.size());
  std::vector<double> steps(loss.size()), validation_steps(validation.size());
  for (size_t k = 0; k < loss.size(); ++k) steps[k] = static_cast<double>(k + 1);
  for (size_t k = 0; k < validation.size(); ++k) {
    validation_steps[k] = static_cast<double>(k + 1) * n / static_cast<double>(validation.size());
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, positive_lo = lo;
  for (const auto* v : {&loss, &validation}) {
    for (double x : *v) {
      if (!std::isfinite(x)) continue;
      lo = std::min(lo, x), hi = std::max(hi, x);
      if (x > 0) positive_lo = std::min(positive_lo, x);
    }
  }
  if (!(lo <= hi)) lo = 0, hi = 1;
  const bool log = lo > 0 && hi / positive_lo > 100;
  // Room above the curves for the note and the legend.
  const double top = log ? hi * std::pow(hi / positive_lo, 0.12) : hi + 0.12 * (hi - std::min(lo, 0.0));
  Canvas canvas(path, 800, 500);
  Axes ax(canvas, {0, 0, 800, 500}, {1, std::max(n, 2.0), "step", Scale::Linear, true},
          {log ? positive_lo : std::min(lo, 0.0), top, log ? "loss (log scale)" : "loss", log ? Scale::Log : Scale::Linear},
          validation.empty() ? "loss" : "loss and validation loss");
  ax.draw_grid();
  ax.line(steps, loss, line_color(0), 1.8);
  if (loss.size() == 1) ax.point(steps[0], loss[0], line_color(0));
  if (!validation.empty()) {
    ax.line(validation_steps, validation, line_color(1), 1.8);
    for (size_t k = 0; k < validation.size() && validation.size() <= 50; ++k) {
      if (std::isfinite(validation[k]) && (!log || validation[k] > 0)) ax.point(validation_steps[k], validation[k], line_color(1), 3);
    }
    ax.legend({{"loss", line_color(0)}, {"validation", line_color(1)}});
  }
  ax.note("final loss " + number(loss.back()) + " after " + std::to_string(loss.size()) + " steps");
  ax.draw_decorations();
  canvas.save();
}

}  // namespace cvm::plot
