// `cvm plot`: draws datasets of an HDF5 file cvm wrote. The kind of plot follows from the
// file unless --kind names one: a loss curve when it has /fit/loss, an impulse response
// when its root has the attribute impulse_frame (`cvm impulse`), a kernel when the
// datasets are parameters (/params/...) or /kernel (`cvm sample`), else traces of the
// outputs (/outputs/*, `cvm run`).
#include <algorithm>
#include <iostream>
#include <optional>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/plot/plots.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {
namespace {

/// Every dataset of the groups cvm writes, as paths ("/outputs/response", "/kernel").
std::vector<std::string> datasets_of(const std::string& file) {
  std::vector<std::string> paths;
  for (const auto& name : io::list_hdf5_datasets(file, "/")) paths.push_back("/" + name);  // the file must open
  for (const std::string group : {"/outputs", "/outputs/records", "/params", "/fit"}) {
    try {
      for (const auto& name : io::list_hdf5_datasets(file, group)) paths.push_back(group + "/" + name);
    } catch (const io::DataError&) {
      // the file has no such group
    }
  }
  return paths;
}

bool has(const std::vector<std::string>& paths, const std::string& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

std::string listing(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "no datasets where cvm writes them (/, /outputs, /params, /fit)" : out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// The datasets the request names, as paths that exist ("response" may name
/// /outputs/response; any dataset of the file may be named by its path); an unknown name
/// is an error listing the datasets of the groups cvm writes.
std::vector<std::string> requested(const PlotRequest& r, const std::vector<std::string>& available) {
  std::vector<std::string> paths;
  for (const auto& d : r.datasets) {
    std::string path = d.empty() || d[0] == '/' ? d : "/" + d;
    if (!has(available, path) && d.find('/') == std::string::npos) path = "/outputs/" + d;
    if (!has(available, path) && !io::hdf5_has_dataset(r.file, path)) {
      throw io::DataError("'" + r.file + "' has no dataset '" + d + "'; it has " + listing(available));
    }
    paths.push_back(path);
  }
  return paths;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string auto_kind(const PlotRequest& r, const std::vector<std::string>& chosen,
                      const std::vector<std::string>& available) {
  auto kernel_path = [](const std::string& p) { return starts_with(p, "/params/") || p == "/kernel"; };
  if (!chosen.empty()) {
    if (std::all_of(chosen.begin(), chosen.end(), kernel_path)) return "kernel";
    if (std::all_of(chosen.begin(), chosen.end(), [](const std::string& p) { return starts_with(p, "/fit/"); }))
      return "loss";
  } else if (has(available, "/fit/loss")) {
    return "loss";
  }
  if (io::read_hdf5_number_attribute(r.file, "/", "impulse_frame")) return "impulse";
  if (chosen.empty() && std::none_of(available.begin(), available.end(),
                                     [](const std::string& p) { return starts_with(p, "/outputs/"); }) &&
      std::any_of(available.begin(), available.end(), kernel_path)) {
    return "kernel";
  }
  return "traces";
}

Resolution resolution_of(const std::string& file, const std::string& object) {
  Resolution res;
  for (const std::string& o : {std::string("/"), object}) {
    if (auto v = io::read_hdf5_number_attribute(file, o, "steps_per_second")) res.steps_per_second = *v;
    if (auto v = io::read_hdf5_number_attribute(file, o, "pixels_per_degree")) res.pixels_per_degree = *v;
  }
  return res;
}

at::Tensor read(const std::string& file, const std::string& path) {
  return tensor_from_array(io::read_hdf5_dataset(file, path));
}

std::vector<double> read_values(const std::string& file, const std::string& path) {
  io::Array a = io::read_hdf5_dataset(file, path);
  return {a.data.begin(), a.data.end()};
}

void plot_signals(const PlotRequest& r, const std::string& kind, std::vector<std::string> paths,
                  const std::vector<std::string>& available) {
  if (paths.empty()) {
    for (const auto& p : available) {
      if (starts_with(p, "/outputs/") && p.find('/', 9) == std::string::npos) paths.push_back(p);
    }
    if (paths.empty()) throw io::DataError("'" + r.file + "' has no /outputs to plot; it has " + listing(available));
  }
  std::vector<plot::NamedSignal> signals;
  for (const auto& p : paths) {
    at::Tensor data = read(r.file, p);
    if (data.dim() == 3) data = data.unsqueeze(0).unsqueeze(0);  // [time, x, y]
    if (data.dim() != 5) {
      throw io::DataError("'" + p + "' has " + std::to_string(data.dim()) +
                          " dimensions; a " + kind + " plot needs [time, x, y] or [batch, channel, time, x, y]");
    }
    signals.push_back({base_name(p), data, ""});
  }
  const Resolution res = resolution_of(r.file, paths[0]);
  if (kind == "traces") {
    plot::plot_traces(r.output, signals, res);
  } else if (kind == "spatial") {
    plot::plot_spatial(r.output, signals, res);
  } else {
    const auto at = io::read_hdf5_number_attribute(r.file, "/", "impulse_frame");
    plot::plot_impulse(r.output, signals, res, at ? static_cast<int64_t>(*at) : 0);
  }
}

void plot_kernel(const PlotRequest& r, std::vector<std::string> paths, const std::vector<std::string>& available) {
  if (paths.empty()) {
    if (has(available, "/kernel")) {
      paths.push_back("/kernel");
    } else {
      for (const auto& p : available) {
        if (starts_with(p, "/params/") && io::read_hdf5_dataset(r.file, p).numel() > 1) paths.push_back(p);
      }
    }
  }
  if (paths.size() != 1) {
    throw io::DataError("a kernel plot draws one dataset; name it with --dataset (" +
                        (paths.empty() ? "'" + r.file + "' has " + listing(available) : "candidates: " + listing(paths)) +
                        ")");
  }
  plot::plot_kernel(r.output, base_name(paths[0]), read(r.file, paths[0]), resolution_of(r.file, paths[0]));
}

void plot_loss(const PlotRequest& r, const std::vector<std::string>& paths, const std::vector<std::string>& available) {
  std::string loss = paths.empty() ? "/fit/loss" : paths[0];
  std::optional<std::string> validation;
  if (paths.size() > 1) {
    validation = paths[1];
  } else if (paths.empty()) {
    for (const char* name : {"/fit/validation", "/fit/validation_loss"}) {
      if (has(available, name)) {
        validation = name;
        break;
      }
    }
  }
  if (paths.size() > 2) throw io::DataError("a loss plot draws a loss and at most one validation loss");
  if (!has(available, loss)) throw io::DataError("'" + r.file + "' has no " + loss + "; it has " + listing(available));
  plot::plot_loss(r.output, read_values(r.file, loss), validation ? read_values(r.file, *validation) : std::vector<double>{});
}

int plot(const PlotRequest& r) {
  return guarded(nullptr, [&]() -> int {
    const auto available = datasets_of(r.file);
    const auto paths = requested(r, available);
    const std::string kind = r.kind == "auto" ? auto_kind(r, paths, available) : r.kind;
    if (kind == "traces" || kind == "impulse" || kind == "spatial") {
      plot_signals(r, kind, paths, available);
    } else if (kind == "kernel") {
      plot_kernel(r, paths, available);
    } else if (kind == "loss") {
      plot_loss(r, paths, available);
    } else {
      throw io::DataError("unknown plot kind '" + kind + "'");
    }
    if (!r.quiet) std::cout << "wrote " << kind << " plot " << r.output << "\n";
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_plot(const cvm::PlotRequest* request) { return cvm::interp::plot(*request); }
