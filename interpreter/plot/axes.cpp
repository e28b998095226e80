#include "interpreter/plot/axes.h"

#include <algorithm>
#include <cmath>

namespace cvm::plot {
namespace {

constexpr double kLeft = 78, kBottom = 48, kTop = 30, kRight = 16;  // room around the frame
constexpr Color kBlack{0, 0, 0}, kGrid{0.88, 0.88, 0.88}, kFrameColor{0.15, 0.15, 0.15};

Ticks ticks_of(const AxisSpec& a) {
  if (a.scale == Scale::Log) return log_ticks(a.lo, a.hi);
  return linear_ticks(a.lo, a.hi, 6, !a.exact);
}

double position(const AxisSpec& a, const Ticks& t, double v, double from, double length) {
  if (a.scale == Scale::Log) {
    return from + length * (std::log10(v) - std::log10(t.lo)) / (std::log10(t.hi) - std::log10(t.lo));
  }
  return from + length * (v - t.lo) / (t.hi - t.lo);
}

}  // namespace

Axes::Axes(Canvas& canvas, Rect area, AxisSpec x, AxisSpec y, std::string title, bool equal_aspect)
    : canvas_(canvas), x_(std::move(x)), y_(std::move(y)), title_(std::move(title)) {
  xt_ = ticks_of(x_);
  yt_ = ticks_of(y_);
  frame_ = {area.x + kLeft, area.y + kTop, area.width - kLeft - kRight, area.height - kTop - kBottom};
  if (equal_aspect && x_.scale == Scale::Linear && y_.scale == Scale::Linear) {
    const double units_x = xt_.hi - xt_.lo, units_y = yt_.hi - yt_.lo;
    const double per_unit = std::min(frame_.width / units_x, frame_.height / units_y);
    const double w = per_unit * units_x, h = per_unit * units_y;
    frame_.x += (frame_.width - w) / 2;
    frame_.y += (frame_.height - h) / 2;
    frame_.width = w;
    frame_.height = h;
  }
}

double Axes::px(double x) const { return position(x_, xt_, x, frame_.x, frame_.width); }
double Axes::py(double y) const { return position(y_, yt_, y, frame_.y + frame_.height, -frame_.height); }

void Axes::draw_grid() {
  cairo_t* cr = canvas_.cr();
  set_color(cr, kGrid);
  cairo_set_line_width(cr, 1);
  for (double v : xt_.values) {
    const double x = std::round(px(v)) + 0.5;
    cairo_move_to(cr, x, frame_.y);
    cairo_line_to(cr, x, frame_.y + frame_.height);
  }
  for (double v : yt_.values) {
    const double y = std::round(py(v)) + 0.5;
    cairo_move_to(cr, frame_.x, y);
    cairo_line_to(cr, frame_.x + frame_.width, y);
  }
  cairo_stroke(cr);
}

void Axes::draw_decorations() {
  cairo_t* cr = canvas_.cr();
  set_color(cr, kFrameColor);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, std::round(frame_.x) + 0.5, std::round(frame_.y) + 0.5, std::round(frame_.width),
                  std::round(frame_.height));
  cairo_stroke(cr);
  const double bottom = frame_.y + frame_.height;
  for (double v : xt_.values) {
    const double x = std::round(px(v)) + 0.5;
    cairo_move_to(cr, x, bottom);
    cairo_line_to(cr, x, bottom + 5);
    cairo_stroke(cr);
    canvas_.text(tick_label(v, x_.scale == Scale::Log ? v : xt_.step), x, bottom + 8, Align::Middle, Align::Start, 12);
  }
  double widest = 0;
  for (double v : yt_.values) {
    const double y = std::round(py(v)) + 0.5;
    cairo_move_to(cr, frame_.x - 5, y);
    cairo_line_to(cr, frame_.x, y);
    cairo_stroke(cr);
    const std::string text = tick_label(v, y_.scale == Scale::Log ? v : yt_.step);
    canvas_.text(text, frame_.x - 8, y, Align::End, Align::Middle, 12);
    widest = std::max(widest, canvas_.text_width(text, 12));
  }
  canvas_.text(x_.label, frame_.x + frame_.width / 2, bottom + 27, Align::Middle, Align::Start, 13);
  canvas_.text(y_.label, frame_.x - 14 - widest, frame_.y + frame_.height / 2, Align::Middle, Align::End, 13, false,
               90);
  canvas_.text(title_, frame_.x + frame_.width / 2, frame_.y - 9, Align::Middle, Align::End, 14, true);
}

void Axes::line(const std::vector<double>& xs, const std::vector<double>& ys, Color color, double width, bool dashed) {
  cairo_t* cr = canvas_.cr();
  cairo_save(cr);
  cairo_rectangle(cr, frame_.x, frame_.y, frame_.width, frame_.height);
  cairo_clip(cr);
  set_color(cr, color);
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  if (dashed) {
    const double dash[] = {6, 4};
    cairo_set_dash(cr, dash, 2, 0);
  }
  // Runs of finite points are joined; a point alone between gaps (a one-frame signal) is
  // drawn as a dot, so it does not vanish.
  size_t run = 0;
  double last_x = 0, last_y = 0;
  auto end_run = [&] {
    if (run == 1) cairo_arc(cr, last_x, last_y, width, 0, 2 * M_PI);
    run = 0;
  };
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    const bool ok = std::isfinite(xs[i]) && std::isfinite(ys[i]) && (y_.scale == Scale::Linear || ys[i] > 0);
    if (!ok) {
      end_run();
      continue;
    }
    last_x = px(xs[i]);
    last_y = py(ys[i]);
    if (run > 0) {
      cairo_line_to(cr, last_x, last_y);
    } else {
      cairo_move_to(cr, last_x, last_y);
    }
    ++run;
  }
  end_run();
  cairo_stroke(cr);
  cairo_restore(cr);
}

void Axes::point(double x, double y, Color color, double radius) {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  cairo_t* cr = canvas_.cr();
  set_color(cr, color);
  cairo_arc(cr, px(x), py(y), radius, 0, 2 * M_PI);
  cairo_fill(cr);
}

void Axes::vertical_line(double x, Color color, bool dashed) {
  line({x, x}, {yt_.lo, yt_.hi}, color, 1, dashed);
}

void Axes::horizontal_line(double y, Color color, bool dashed) { line({xt_.lo, xt_.hi}, {y, y}, color, 1, dashed); }

void Axes::legend(const std::vector<std::pair<std::string, Color>>& entries, bool outside) {
  if (entries.empty()) return;
  cairo_t* cr = canvas_.cr();
  double widest = 0;
  for (const auto& e : entries) widest = std::max(widest, canvas_.text_width(e.first, 11));
  const double row = 17, w = widest + 44, h = row * static_cast<double>(entries.size()) + 8;
  const double x0 = outside ? frame_.x + frame_.width + 14 : frame_.x + frame_.width - w - 8, y0 = frame_.y + 8;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_fill_preserve(cr);
  set_color(cr, {0.75, 0.75, 0.75});
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  for (size_t k = 0; k < entries.size(); ++k) {
    const double y = y0 + 4 + row * (static_cast<double>(k) + 0.5);
    set_color(cr, entries[k].second);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x0 + 8, y);
    cairo_line_to(cr, x0 + 30, y);
    cairo_stroke(cr);
    canvas_.text(entries[k].first, x0 + 36, y, Align::Start, Align::Middle, 11);
  }
}

void Axes::image(const std::vector<float>& values, int64_t nx, int64_t ny, const ColorScale& scale) {
  draw_image(canvas_, frame_, values, nx, ny, scale);
}

void Axes::note(const std::string& text, bool right) {
  canvas_.text(text, right ? frame_.x + frame_.width - 8 : frame_.x + 8, frame_.y + 8, right ? Align::End : Align::Start,
               Align::Start, 11, false, 0, {0.3, 0.3, 0.3});
}

}  // namespace cvm::plot
