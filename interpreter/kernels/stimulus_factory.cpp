#include "interpreter/kernels/stimulus_factory.h"

#include <limits>
#include <stdexcept>

#include "interpreter/kernels/sample_images.h"
#include "interpreter/kernels/stimuli.h"
#include "interpreter/kernels/stimuli_random.h"

namespace cvm::kernels {

namespace {

/// Typed access to the arguments of a checked call (every argument is present: the
/// frontend filled in the defaults).
struct CallArgs {
  const graph::Value& call;

  double number(const char* name) const { return call.arg(name)->number; }
  int64_t integer(const char* name) const { return static_cast<int64_t>(call.arg(name)->number); }
  bool flag(const char* name) const { return call.arg(name)->boolean; }
  /// A size argument: at least 1.
  int64_t size(const char* name) const {
    const int64_t v = integer(name);
    if (v < 1) throw io::DataError("stimulus '" + call.text + "': '" + name + "' must be at least 1");
    return v;
  }
  /// A seed of numpy's RandomState: 0 .. 2^32 - 1.
  uint32_t seed(const char* name) const {
    const double v = number(name);
    if (v < 0 || v > std::numeric_limits<uint32_t>::max())
      throw io::DataError("stimulus '" + call.text + "': 'seed' must lie in [0, 4294967295]");
    return static_cast<uint32_t>(v);
  }
};

std::unique_ptr<io::FrameSource> build(const graph::Value& call) {
  const CallArgs a{call};
  const std::string& name = call.text;
  if (name == "moving_grating")
    return std::make_unique<MovingGrating>(a.size("t"), a.size("x"), a.size("y"), a.number("vt"), a.number("vx"),
                                           a.number("vy"));
  if (name == "impulse")
    return std::make_unique<Impulse>(a.size("t"), a.size("x"), a.size("y"), a.integer("at"), a.number("amplitude"));
  if (name == "moving_bar")
    return std::make_unique<MovingBar>(a.size("t"), a.size("x"), a.size("y"), a.number("bar_pos"),
                                       a.number("bar_direction"), a.number("bar_width"), a.number("bar_v"),
                                       a.flag("sharp"), a.number("temporal_smoothing"));
  if (name == "random_checker_stimulus")
    return std::make_unique<RandomChecker>(a.size("t"), a.size("x"), a.size("y"), a.size("checker_size"),
                                           a.seed("seed"));
  if (name == "sparse_input") {
    const graph::Value& p = *call.arg("p");
    if (p.kind != graph::ValueKind::List)
      return std::make_unique<SparseInput>(a.size("t"), a.size("x"), a.size("y"), p.number, a.seed("seed"));
    std::vector<double> per_frame;
    for (const auto& item : p.items) per_frame.push_back(item.number);
    if (per_frame.empty()) throw io::DataError("stimulus 'sparse_input': the list 'p' is empty");
    return std::make_unique<SparseInput>(a.size("x"), a.size("y"), std::move(per_frame), a.seed("seed"));
  }
  if (name == "pulse")
    return std::make_unique<Pulse>(a.size("t"), a.size("x"), a.size("y"), a.size("pulse_length"));
  if (name == "chirp") {
    ChirpSettings s;
    s.pulse_on = a.integer("pulse_on");
    s.pulse_off = a.integer("pulse_off");
    s.amp_on = a.integer("amp_on");
    s.amp_off = a.integer("amp_off");
    s.amp_freq = a.number("amp_freq");
    s.amp_1 = a.number("amp_1");
    s.amp_2 = a.number("amp_2");
    s.freq_on = a.integer("freq_on");
    s.freq_off = a.integer("freq_off");
    s.freq_1 = a.number("freq_1");
    s.freq_2 = a.number("freq_2");
    s.stimulus_off = a.integer("stimulus_off");
    s.scale = a.flag("scale");
    s.frames_per_second = a.number("frames_per_second");
    return std::make_unique<Chirp>(a.size("t"), a.size("x"), a.size("y"), s);
  }
  if (name == "mask_square")
    return std::make_unique<StillImage>(
        mask_square(a.size("x"), a.size("y"), a.number("width"), a.flag("center_on_pixel")));
  if (name == "mask_circle")
    return std::make_unique<StillImage>(mask_circle(a.size("x"), a.size("y"), a.number("radius"), a.flag("smooth"),
                                                    a.number("sharpness"), a.flag("center_on_pixel")));
  if (name == "gabor_kernel")
    return std::make_unique<StillImage>(gabor_kernel(a.number("phi"), a.size("size"), a.number("resolution"),
                                                     a.number("f"), a.number("phase"), a.number("sigma_x"),
                                                     a.number("sigma_y")));
  if (name == "text_kernel") return std::make_unique<StillImage>(text_kernel());
  throw io::DataError("stimulus '" + name + "' is not implemented");
}

}  // namespace

std::unique_ptr<io::FrameSource> make_stimulus(const graph::Value& call) {
  try {
    return build(call);
  } catch (const std::invalid_argument& e) {  // a kernel rejected the arguments
    throw io::DataError("stimulus '" + call.text + "': " + e.what());
  }
}

}  // namespace cvm::kernels
