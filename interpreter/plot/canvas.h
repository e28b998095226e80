// A drawing surface for one plot file, on cairo: PNG or SVG chosen by the file's extension,
// so one drawing code gives both. The file is written under a temporary name next to the
// final one and renamed by save(), so a failed plot never leaves a partial file. Also the
// text helpers every plot uses (DejaVu Sans, aligned on a point, optionally rotated).
#pragma once

#include <cairo.h>

#include <string>

namespace cvm::plot {

struct Color {
  double r = 0, g = 0, b = 0, a = 1;
};

/// Where a text's anchor point lies: at its start, middle or end (horizontally), or at its
/// top, middle or bottom (vertically).
enum class Align { Start, Middle, End };

class Canvas {
 public:
  /// A white `width` x `height` (pixels) surface for `path`. Throws io::DataError when
  /// the extension is neither .png nor .svg, or the temporary file cannot be created.
  Canvas(std::string path, int width, int height);
  /// Without save(): deletes the temporary file.
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() const { return cr_; }
  int width() const { return width_; }
  int height() const { return height_; }

  /// Draws `text` with its anchor at (x, y); `angle` in degrees, counter-clockwise.
  void text(const std::string& text, double x, double y, Align horizontal, Align vertical, double size = 12,
            bool bold = false, double angle = 0, Color color = {});
  /// The width of `text` in pixels as text() would draw it.
  double text_width(const std::string& text, double size = 12, bool bold = false);

  /// Finishes the drawing and renames the file to its final path. Throws io::DataError
  /// when the file cannot be written.
  void save();

 private:
  void select_font(double size, bool bold);

  std::string path_, temporary_;
  bool svg_ = false, saved_ = false;
  int width_, height_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

/// Sets the source colour of `cr`.
void set_color(cairo_t* cr, Color c);

}  // namespace cvm::plot
