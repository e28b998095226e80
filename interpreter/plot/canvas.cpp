#include "interpreter/plot/canvas.h"

#include <cairo-svg.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "interpreter/io/array.h"

namespace cvm::plot {
namespace {

constexpr const char* kFont = "DejaVu Sans";

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

void set_color(cairo_t* cr, Color c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

Canvas::Canvas(std::string path, int width, int height) : path_(std::move(path)), width_(width), height_(height) {
  const std::string ext = lower_extension(path_);
  if (ext != ".png" && ext != ".svg") {
    throw io::DataError("plot '" + path_ + "': the file name must end in .png or .svg");
  }
  svg_ = ext == ".svg";
  temporary_ = path_ + ".partial-" + std::to_string(::getpid()) + ext;
  surface_ = svg_ ? cairo_svg_surface_create(temporary_.c_str(), width, height)
                  : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface_);
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
    throw io::DataError("cannot create plot file '" + temporary_ + "'");
  }
  if (svg_) {
    cairo_svg_surface_restrict_to_version(surface_, CAIRO_SVG_VERSION_1_1);
    cairo_svg_surface_set_document_unit(surface_, CAIRO_SVG_UNIT_PX);  // as large as the PNG
  }
  cr_ = cairo_create(surface_);
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_paint(cr_);
}

Canvas::~Canvas() {
  if (cr_) cairo_destroy(cr_);
  if (surface_) {
    cairo_surface_finish(surface_);
    cairo_surface_destroy(surface_);
  }
  if (!saved_) {
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
  }
}

void Canvas::select_font(double size, bool bold) {
  cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr_, size);
}

double Canvas::text_width(const std::string& text, double size, bool bold) {
  select_font(size, bold);
  cairo_text_extents_t e;
  cairo_text_extents(cr_, text.c_str(), &e);
  return e.x_advance;
}

void Canvas::text(const std::string& text, double x, double y, Align horizontal, Align vertical, double size,
                  bool bold, double angle, Color color) {
  select_font(size, bold);
  cairo_text_extents_t e;
  cairo_text_extents(cr_, text.c_str(), &e);
  cairo_font_extents_t f;
  cairo_font_extents(cr_, &f);
  // Vertical placement from the font's ascent and descent, so texts on one line align
  // whatever their letters.
  const double dx = horizontal == Align::Start ? 0 : horizontal == Align::Middle ? -e.x_advance / 2 : -e.x_advance;
  const double dy = vertical == Align::Start ? f.ascent : vertical == Align::Middle ? (f.ascent - f.descent) / 2 : -f.descent;
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_rotate(cr_, -angle * M_PI / 180);
  cairo_move_to(cr_, dx, dy);
  set_color(cr_, color);
  cairo_show_text(cr_, text.c_str());
  cairo_new_path(cr_);
  cairo_restore(cr_);
}

void Canvas::save() {
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  if (svg_) {
    cairo_surface_finish(surface_);
    status = cairo_surface_status(surface_);
  } else {
    status = cairo_surface_write_to_png(surface_, temporary_.c_str());
  }
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (status != CAIRO_STATUS_SUCCESS) {
    throw io::DataError("cannot write plot '" + path_ + "': " + cairo_status_to_string(status));
  }
  std::error_code ec;
  std::filesystem::rename(temporary_, path_, ec);
  if (ec) throw io::DataError("cannot write plot '" + path_ + "': " + ec.message());
  saved_ = true;
}

}  // namespace cvm::plot
