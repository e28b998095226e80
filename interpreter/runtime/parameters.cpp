#include "interpreter/runtime/parameters.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/named_arrays.h"
#include "interpreter/io/npy.h"
#include "interpreter/io/npz.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/retina_opl.h"
#include "interpreter/runtime/layer.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {
namespace {

/// Where an error about a parameter's value points: the expression that gave it, else the
/// declaration.
SourceRange value_range(const graph::Parameter& p) { return p.value_range.valid() ? p.value_range : p.range; }

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Puts an impulse response [t, x, y] into a weight of `shape` ([out, in, t, x, y]):
/// time from lag 0 (cut or zero-padded at the end), space centred (cut or padded), the
/// same kernel for every (out, in) pair, then flipped as convis's set_weight stores it.
at::Tensor place_impulse_response(const at::Tensor& k3, at::IntArrayRef shape, const graph::Parameter& p) {
  if (shape.size() != 5) {
    throw RuntimeError("'" + p.path + "' has shape " + shape_text(shape) +
                           "; gaussian and exponential initialise convolution weights ([out, in, t, x, y], "
                           "[out, in, x, y] or [out, in, t])",
                       value_range(p));
  }
  at::Tensor w = at::zeros(shape, at::kFloat);
  int64_t kt = std::min(k3.size(0), shape[2]);
  auto centre_copy = [](int64_t src, int64_t dst) {
    // offsets so the centres line up: returns (src_start, dst_start, len)
    int64_t len = std::min(src, dst);
    int64_t s0 = (src - len) / 2, d0 = (dst - len) / 2;
    return std::array<int64_t, 3>{s0, d0, len};
  };
  auto cx = centre_copy(k3.size(1), shape[3]);
  auto cy = centre_copy(k3.size(2), shape[4]);
  using at::indexing::Slice;
  w.index_put_({Slice(), Slice(), Slice(0, kt), Slice(cx[1], cx[1] + cx[2]), Slice(cy[1], cy[1] + cy[2])},
               k3.index({Slice(0, kt), Slice(cx[0], cx[0] + cx[2]), Slice(cy[0], cy[0] + cy[2])}));
  return w.flip({2, 3, 4}).contiguous();
}

/// place_impulse_response for the weights of every convolution: Conv3d's [out, in, t, x, y],
/// Conv2d's [out, in, x, y] (one frame) and Conv1d's [out, in, t] (one pixel).
at::Tensor place_kernel(const at::Tensor& k3, const graph::Parameter& p) {
  const std::vector<int64_t>& s = p.shape;
  if (s.size() == 4) return place_impulse_response(k3, {s[0], s[1], 1, s[2], s[3]}, p).squeeze(2).contiguous();
  if (s.size() == 3) return place_impulse_response(k3, {s[0], s[1], s[2], 1, 1}, p).squeeze(4).squeeze(3).contiguous();
  return place_impulse_response(k3, s, p);
}

bool is_derived(const graph::Parameter& p) { return !p.tied_to && !p.value.param_refs().empty(); }

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// A kernel built from parameters (`gaussian(sigma = sigma_center)`) must fit the declared
/// shape: convis sizes its weight to the kernel, so a smaller shape would cut values off,
/// and a fit or --set could grow the kernel past a shape that fitted its default. `k3` is
/// the natural kernel [t, x, y]; `call` describes it ("gaussian(sigma = 0.2 deg)"). Names
/// the formal to pass when the too small dimensions come from formals.
void check_support(const at::Tensor& k3, const graph::Parameter& p, const graph::ModelGraph& g,
                   const std::string& call) {
  // Which dimension of the declared shape holds t, x and y (-1: none, extent 1).
  const size_t rank = p.shape.size();
  if (rank < 3 || rank > 5) return;  // not a convolution weight: place_kernel reports it
  const std::array<int, 3> at_dim = rank == 5 ? std::array<int, 3>{2, 3, 4}
                                    : rank == 4 ? std::array<int, 3>{-1, 2, 3}
                                                : std::array<int, 3>{2, -1, -1};
  std::array<int64_t, 3> extent{};
  bool fits = true;
  for (size_t i = 0; i < 3; ++i) {
    extent[i] = at_dim[i] < 0 ? 1 : p.shape[static_cast<size_t>(at_dim[i])];
    fits = fits && k3.size(static_cast<int64_t>(i)) <= extent[i];
  }
  if (fits) return;
  const bool spatial = k3.size(0) == 1;
  auto sizes = [&](auto size_of) {
    return spatial ? std::to_string(size_of(1)) + "x" + std::to_string(size_of(2)) : std::to_string(size_of(0));
  };
  const std::string needs = sizes([&](int i) { return k3.size(i); });
  const std::string has = sizes([&](int i) { return extent[static_cast<size_t>(i)]; });
  std::string message = "'" + p.path + "': " + call + " needs " + needs +
                        (spatial ? " at " + number_text(g.resolution.pixels_per_degree) + " px/deg"
                                 : (needs == "1" ? " frame" : " frames") + std::string(" at ") +
                                       number_text(g.resolution.steps_per_second) + " steps/s") +
                        ", but its shape gives " + has + " (values would be cut off)";
  // The formals of the dimensions that must grow, with every value of a list formal.
  std::vector<std::string> hints;
  bool all_from_formals = true;
  for (size_t i = 0; i < 3; ++i) {
    if (k3.size(static_cast<int64_t>(i)) <= extent[i]) continue;
    const int d = at_dim[i];
    const std::string formal = d < 0 || static_cast<size_t>(d) >= p.shape_formals.size()
                                   ? ""
                                   : p.shape_formals[static_cast<size_t>(d)];
    if (formal.empty()) {
      all_from_formals = false;
      continue;
    }
    const std::string base = formal.substr(0, formal.find('['));
    std::string hint = base + " = ";
    if (base == formal) {
      hint += std::to_string(k3.size(static_cast<int64_t>(i)));
    } else {  // a list formal: its values, grown where the kernel needs it
      std::string list;
      for (size_t k = 0; k < p.shape_formals.size(); ++k) {
        if (p.shape_formals[k].rfind(base + "[", 0) != 0) continue;
        int64_t value = p.shape[k];
        for (size_t j = 0; j < 3; ++j) {
          if (at_dim[j] == static_cast<int>(k)) value = std::max(value, k3.size(static_cast<int64_t>(j)));
        }
        list += (list.empty() ? "" : ", ") + std::to_string(value);
      }
      hint += "[" + list + "]";
    }
    if (std::find(hints.begin(), hints.end(), hint) == hints.end()) hints.push_back(hint);
  }
  if (all_from_formals && !hints.empty()) {
    message += "; pass ";
    for (size_t i = 0; i < hints.size(); ++i) message += (i ? " and " : "") + hints[i];
  }
  throw RuntimeError(message, value_range(p));
}

/// An array from "FILE.npy" or "FILE.h5:/dataset" (relative to the model's folder).
at::Tensor read_array(const std::string& spec, const std::string& model_dir) {
  std::string file = spec, dataset;
  if (auto colon = spec.rfind(":/"); colon != std::string::npos) {
    file = spec.substr(0, colon);
    dataset = spec.substr(colon + 1);
  }
  if (std::filesystem::path(file).is_relative()) file = (std::filesystem::path(model_dir) / file).string();
  return tensor_from_array(dataset.empty() ? io::read_npy(file) : io::read_hdf5_dataset(file, dataset));
}

/// convis's Conv.set_weight(w, normalize, flip): a 1-d (time), 2-d (x, y), 3-d (t, x, y) or
/// 5-d kernel, divided by its sum if `normalize`, reversed on t, x and y if `flip` (so an
/// impulse response becomes the cross-correlation weight convis stores), and used for every
/// (out, in) channel pair when it is not 5-d. Its size must be the weight's.
at::Tensor set_weight(at::Tensor k, const graph::Parameter& p, bool flip, bool normalize) {
  // Conv1d's [out, in, t] and Conv2d's [out, in, x, y] weights are handled as 5-d ones.
  std::vector<int64_t> shape = p.shape;
  if (shape.size() == 3) shape = {shape[0], shape[1], shape[2], 1, 1};
  if (shape.size() == 4) shape = {shape[0], shape[1], 1, shape[2], shape[3]};
  if (shape.size() != 5) {
    throw RuntimeError("'" + p.path + "' has shape " + shape_text(p.shape) + "; kernel() sets convolution weights",
                       value_range(p));
  }
  int64_t rank = k.dim();
  if (rank == 1) k = k.reshape({1, 1, -1, 1, 1});
  else if (rank == 2) k = k.reshape({1, 1, 1, k.size(0), k.size(1)});
  else if (rank == 3) k = k.unsqueeze(0).unsqueeze(0);
  else if (rank != 5) {
    throw RuntimeError("kernel() for '" + p.path + "' needs a 1-d, 2-d, 3-d or 5-d array; the file holds " +
                           std::to_string(rank) + "-d " + shape_text(k.sizes()),
                       value_range(p));
  }
  bool fits = k.size(2) == shape[2] && k.size(3) == shape[3] && k.size(4) == shape[4] &&
              (rank != 5 || (k.size(0) == shape[0] && k.size(1) == shape[1]));
  if (!fits) {
    throw RuntimeError("the kernel for '" + p.path + "' is " + shape_text(k.sizes()) + " but the weight is " +
                           shape_text(shape) + "; make the layer's kernel size match",
                       value_range(p));
  }
  if (normalize) k = k / k.sum();
  if (flip) k = k.flip({2, 3, 4});
  return k.expand(shape).contiguous().to(at::kFloat).reshape(p.shape);
}

/// The number `a` stands for: itself, or the current value of the parameter it names
/// (read from `values`, graph order) when `p` is built from it.
double number_of(const graph::Value& a, const graph::Parameter& p, const graph::ModelGraph& g,
                 const std::vector<at::Tensor>& values) {
  if (a.kind != graph::ValueKind::ParamRef) return a.number;
  int i = g.find_param(a.text);
  if (i < 0 || static_cast<size_t>(i) >= values.size() || !values[static_cast<size_t>(i)].defined()) {
    throw RuntimeError("'" + p.path + "' is built from '" + a.text + "', which has no value yet", value_range(p));
  }
  return values[static_cast<size_t>(i)].item<double>();
}

/// The value of a number parameter: its number, the parameter it takes its value from, or
/// a scalar initialiser (`density(sigma = sigma_center)` = 1 / (sigma * pixels per degree),
/// convis's SpatialRecursiveFilter.gaussian).
at::Tensor scalar_value(const graph::Parameter& p, const graph::ModelGraph& g, const std::vector<at::Tensor>& values) {
  const graph::Value& v = p.value;
  if (v.kind == graph::ValueKind::ParamRef) return at::scalar_tensor(number_of(v, p, g, values), at::kFloat);
  if (v.kind == graph::ValueKind::Call && v.text == "density") {
    const double sigma = number_of(*v.arg("sigma"), p, g, values);
    if (!(sigma > 0)) {
      throw RuntimeError("'" + p.path + "': density(sigma = " + std::to_string(sigma) +
                             " deg) needs a positive sigma (it is 1 / (sigma * pixels per degree))",
                         value_range(p));
    }
    return at::scalar_tensor(1.0 / (sigma * g.resolution.pixels_per_degree), at::kFloat);
  }
  if (v.kind == graph::ValueKind::Call) throw RuntimeError("initialiser '" + v.text + "' is not implemented", value_range(p));
  return at::scalar_tensor(v.number, at::kFloat);
}

at::Tensor initialise(const graph::Parameter& p, const graph::ModelGraph& g, const std::string& model_dir,
                      const std::vector<at::Tensor>& values) {
  std::vector<int64_t> shape = p.shape;
  const graph::Value& v = p.value;
  if (v.kind == graph::ValueKind::Number) return at::full(shape, v.number, at::kFloat);
  if (v.kind != graph::ValueKind::Call) throw RuntimeError("'" + p.path + "' has no numeric value", value_range(p));
  auto num = [&](const char* name) { return number_of(*v.arg(name), p, g, values); };
  const std::string& f = v.text;
  if (f == "zeros") return at::zeros(shape, at::kFloat);
  if (f == "ones") return at::ones(shape, at::kFloat);
  if (f == "constant") return at::full(shape, num("value"), at::kFloat);
  if (f == "random") {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(num("seed")));
    return at::normal(0.0, num("scale"), shape, gen).to(at::kFloat);
  }
  // A kernel built from parameters must fit its shape (check_support); one from constants
  // is cut or padded into it, as written.
  auto place = [&](const at::Tensor& k3) {
    if (is_derived(p)) {
      graph::Value evaluated = v;
      for (auto& a : evaluated.args) {
        if (a.second.kind == graph::ValueKind::ParamRef) a.second = graph::Value::make_number(num(a.first.c_str()), a.second.dim);
      }
      check_support(k3, p, g, graph::to_string(evaluated));
    }
    return place_kernel(k3, p);
  };
  if (f == "gaussian") {
    at::Tensor k = kernels::gauss_filter_2d(num("sigma"), num("sigma"), g.resolution.pixels_per_degree);
    return place(k.unsqueeze(0));
  }
  if (f == "exponential") {
    at::Tensor k = kernels::exponential_filter_1d(num("tau"), static_cast<int>(num("n")), true,
                                                  g.resolution.steps_per_second, num("amplification"));
    return place(k.reshape({-1, 1, 1}));
  }
  if (f == "highpass_exponential") {
    at::Tensor k = kernels::exponential_highpass_filter_1d(num("tau"), num("relative_weight"),
                                                           g.resolution.steps_per_second);
    return place(k.reshape({-1, 1, 1}));
  }
  if (f == "opl_impulse_response") {
    // convis's FullConvolutionOPLFilter: the RecursiveOPLFilter's impulse response, the
    // size of the weight, stored flipped (set_weight).
    if (shape.size() != 5) {
      throw RuntimeError("'" + p.path + "' has shape " + shape_text(shape) +
                             "; opl_impulse_response initialises a Conv3d weight ([out, in, t, x, y])",
                         value_range(p));
    }
    const kernels::OplResponseParameters opl{
        num("sigma_center"),   num("tau_center"),   num("undershoot_tau_center"), num("undershoot_relative_weight_center"),
        num("sigma_surround"), num("tau_surround"), num("relative_weight"),       num("lambda_opl")};
    try {
      return place_kernel(kernels::opl_impulse_response(opl, shape[2], shape[3], shape[4],
                                                        g.resolution.steps_per_second, g.resolution.pixels_per_degree),
                          p);
    } catch (const std::invalid_argument& e) {
      throw RuntimeError("'" + p.path + "': " + e.what(), value_range(p));
    }
  }
  if (f == "kernel") return set_weight(read_array(v.arg("file")->text, model_dir), p, v.arg("flip")->boolean,
                                       v.arg("normalize")->boolean);
  if (f == "load") {
    std::string spec = v.arg("file")->text;
    at::Tensor t = read_array(spec, model_dir);
    if (t.numel() != at::zeros(shape).numel()) {
      throw RuntimeError("'" + spec + "' holds " + shape_text(t.sizes()) + " values but '" + p.path + "' has shape " +
                             shape_text(shape),
                         value_range(p));
    }
    return t.reshape(shape).contiguous();
  }
  throw RuntimeError("initialiser '" + f + "' is not implemented", value_range(p));
}

bool shapes_match(at::IntArrayRef a, at::IntArrayRef b) {
  if (a.equals(b)) return true;
  auto numel = [](at::IntArrayRef s) {
    int64_t n = 1;
    for (auto x : s) n *= x;
    return n;
  };
  return numel(a) == 1 && numel(b) == 1;  // a scalar stored as 0-d or [1]
}

}  // namespace

at::Tensor materialise_param(const graph::Parameter& p, const graph::ModelGraph& g, const std::string& model_dir,
                             const std::vector<at::Tensor>& values) {
  return p.type == "tensor" ? initialise(p, g, model_dir, values) : scalar_value(p, g, values);
}

std::vector<at::Tensor> materialise_params(const graph::ModelGraph& g, const std::string& model_dir) {
  std::vector<at::Tensor> out(g.params.size());
  for (size_t i = 0; i < g.params.size(); ++i) {
    if (!g.params[i].tied_to && !is_derived(g.params[i])) out[i] = materialise_param(g.params[i], g, model_dir, out);
  }
  for (size_t i = 0; i < g.params.size(); ++i) {
    if (g.params[i].tied_to) out[i] = out[static_cast<size_t>(g.find_param(*g.params[i].tied_to))];
  }
  for (size_t i = 0; i < g.params.size(); ++i) {
    if (is_derived(g.params[i])) out[i] = materialise_param(g.params[i], g, model_dir, out);
  }
  for (size_t i = 0; i < g.params.size(); ++i) {  // ties to derived tensors
    if (g.params[i].tied_to && !out[i].defined()) out[i] = out[static_cast<size_t>(g.find_param(*g.params[i].tied_to))];
  }
  return out;
}

void rebuild_derived(const graph::ModelGraph& g, const std::string& model_dir, std::vector<at::Tensor>& values,
                     const std::set<std::string>& given) {
  for (size_t i = 0; i < g.params.size(); ++i) {
    const graph::Parameter& p = g.params[i];
    if (is_derived(p) && !given.count(p.flat_name())) values[i].copy_(materialise_param(p, g, model_dir, values));
  }
}

std::set<std::string> load_param_file(const std::string& spec, const graph::ModelGraph& g,
                                      std::vector<at::Tensor>& values) {
  std::vector<std::pair<std::string, io::Array>> entries = io::read_named_arrays(spec, "/params");
  std::map<std::string, size_t> by_flat;
  for (size_t i = 0; i < g.params.size(); ++i) {
    if (!g.params[i].tied_to) by_flat[g.params[i].flat_name()] = i;
  }
  std::vector<std::string> unknown, wrong_shape;
  std::set<std::string> seen;
  for (const auto& [name, array] : entries) {
    auto it = by_flat.find(name);
    if (it == by_flat.end()) {
      unknown.push_back(name);
      continue;
    }
    seen.insert(name);
    at::Tensor t = tensor_from_array(array);
    at::Tensor& target = values[it->second];
    if (!shapes_match(t.sizes(), target.sizes())) {
      wrong_shape.push_back(name + " (file " + shape_text(t.sizes()) + ", model " + shape_text(target.sizes()) + ")");
      continue;
    }
    target.copy_(t.reshape(target.sizes()));
  }
  std::vector<std::string> missing;
  for (const auto& [flat, i] : by_flat) {
    if (!seen.count(flat) && !is_derived(g.params[i])) missing.push_back(flat);
  }
  const auto& list = join_names;
  std::string problems;
  if (!unknown.empty()) problems += "\n  names the model does not have: " + list(unknown);
  if (!missing.empty()) problems += "\n  parameters the file does not give: " + list(missing);
  if (!wrong_shape.empty()) problems += "\n  shapes that differ: " + list(wrong_shape);
  if (!problems.empty()) {
    throw io::DataError("parameter file '" + spec + "' does not match model '" + g.model + "':" + problems);
  }
  return seen;
}

void write_param_datasets(io::Hdf5OutputFile& out, const graph::ModelGraph& g, const std::vector<at::Tensor>& values) {
  for (size_t i = 0; i < g.params.size(); ++i) {
    const auto& p = g.params[i];
    if (p.tied_to) continue;
    std::string ds = "/params/" + p.flat_name();
    out.write_dataset(ds, array_from_tensor(values[i].detach()));
    out.set_attribute(ds, "unit", dimension_unit(p.dim));
    out.set_attribute(ds, "doc", p.doc);
    out.set_attribute(ds, "path", p.path);
    if (p.lower) out.set_attribute(ds, "bounds", "[" + std::to_string(*p.lower) + ", " + std::to_string(*p.upper) + "]");
    if (p.prior) out.set_attribute(ds, "prior", graph::to_string(*p.prior));
    out.set_attribute(ds, "fixed", static_cast<int64_t>(p.fixed));
  }
}

void export_params(const std::string& path, const graph::ModelGraph& g, const std::vector<at::Tensor>& values) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0) {
    std::vector<std::pair<std::string, io::Array>> entries;
    for (size_t i = 0; i < g.params.size(); ++i) {
      if (!g.params[i].tied_to) entries.emplace_back(g.params[i].flat_name(), array_from_tensor(values[i]));
    }
    io::write_npz(path, entries);
    return;
  }
  io::Hdf5OutputFile out(path);
  out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
  out.set_attribute("/", "model", g.model);
  write_param_datasets(out, g, values);
  out.commit();
}

}  // namespace cvm::interp
