#include "interpreter/repl/views.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/repl/command_error.h"
#include "interpreter/repl/session.h"
#include "interpreter/runtime/output_summary.h"

namespace cvm::repl {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

/// "0.03 s (30 ms)": a number in base units, and in ms too for a time under a second
/// when `with_ms`.
std::string number_text(double v, const Dimension& dim, bool with_ms = true) {
  std::string text = graph::to_string(graph::Value::make_number(v, dim));
  if (with_ms && dim == Dimension{1, 0} && v != 0 && std::abs(v) < 1) {
    char ms[40];
    std::snprintf(ms, sizeof ms, " (%.6g ms)", v * 1000);
    text += ms;
  }
  return text;
}

/// The current value: a number with its unit, true/false, or a tensor's shape and range.
std::string value_text(const graph::Parameter& p, const at::Tensor& t) {
  if (p.type == "tensor") {
    char range[80];
    std::snprintf(range, sizeof range, " min %.4g max %.4g", t.min().item<double>(), t.max().item<double>());
    return "tensor" + interp::shape_text(t.sizes()) + range;
  }
  double v = t.item<double>();
  if (p.type == "bool") return v != 0 ? "true" : "false";
  return number_text(v, p.dim);
}

/// Index of the node owning parameter `index`, or -1 for a parameter of the model itself.
int owner_node(const graph::ModelGraph& g, size_t index) {
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const auto& ps = g.nodes[n].params;
    if (std::find(ps.begin(), ps.end(), static_cast<int>(index)) != ps.end()) return static_cast<int>(n);
  }
  return -1;
}

std::string signal_name(const graph::ModelGraph& g, const graph::SignalRef& r) {
  if (r.kind == graph::SignalRef::Kind::Input) return g.inputs[static_cast<size_t>(r.index)].name;
  const graph::Node& n = g.nodes[static_cast<size_t>(r.index)];
  return n.outputs.size() > 1 ? n.path + "." + n.outputs[static_cast<size_t>(r.port)] : n.path;
}

/// "x <- stimulus; y [1 ch]": a layer's ports and where its inputs come from.
std::string ports_text(const graph::ModelGraph& g, const graph::Node& n) {
  std::string s;
  for (const auto& in : n.inputs) {
    std::vector<std::string> from;
    for (const auto& src : in.sources) from.push_back(signal_name(g, src));
    s += (s.empty() ? "" : "; ") + in.port + " <- " + join_names(from);
  }
  for (size_t k = 0; k < n.outputs.size(); ++k) {
    s += (s.empty() ? "" : "; ") + n.outputs[k] + " [" + std::to_string(n.out_channels[k]) + " ch]";
  }
  return s;
}

/// The description of a state in its primitive's declaration (`state V "..."`).
std::string state_description(const Session& session, const std::string& primitive, const std::string& state) {
  const Compilation* c = session.compilation();
  if (!c) return "";
  for (size_t id = 0; id < c->sources.size(); ++id) {
    const LoadedFile* f = c->program.file(static_cast<FileId>(id));
    if (!f) continue;
    for (const auto& m : f->ast.models) {
      if (!m.is_primitive || m.name.name != primitive) continue;
      for (const auto& s : m.states) {
        if (s.name.name == state) return s.description;
      }
    }
  }
  return "";
}

/// Prints the names under `prefix` (dotted, in order of appearance) as a tree: a name with
/// a line of its own via `leaf`, a group as its name followed by its members, indented.
void print_tree(std::ostream& out, const std::vector<std::string>& paths, const std::string& prefix, int indent,
                const std::function<void(const std::string& path, const std::string& name, int indent)>& leaf) {
  std::vector<std::string> children;
  for (const auto& p : paths) {
    if (!starts_with(p, prefix)) continue;
    std::string child = p.substr(prefix.size(), p.find('.', prefix.size()) - prefix.size());
    if (std::find(children.begin(), children.end(), child) == children.end()) children.push_back(child);
  }
  for (const auto& child : children) {
    const std::string full = prefix + child;
    if (std::find(paths.begin(), paths.end(), full) != paths.end()) leaf(full, child, indent);
    bool group = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return starts_with(p, full + "."); });
    if (group) {
      out << std::string(static_cast<size_t>(indent), ' ') << child << "\n";
      print_tree(out, paths, full + ".", indent + 2, leaf);
    }
  }
}

[[noreturn]] void no_such(const std::string& what, const std::string& path, const std::vector<std::string>& known) {
  std::string hint = did_you_mean(path, known);
  throw CommandError("the model has no " + what + " '" + path + "'" + (hint.empty() ? "" : "; " + hint));
}

bool is_group(const std::vector<std::string>& paths, const std::string& path) {
  return path.empty() ||
         std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return starts_with(p, path + "."); });
}

void describe_param(std::ostream& out, const Session& session, size_t index) {
  const graph::ModelGraph& g = session.graph();
  const graph::Parameter& p = g.params[index];
  const at::Tensor& t = session.params()[index];
  auto row = [&](const std::string& key, const std::string& value) {
    out << "  " << key << std::string(11 - key.size(), ' ') << value << "\n";
  };
  out << param_line(session, index) << "\n";
  row("flat name", p.flat_name());
  row("type", p.type + (p.dim.dimensionless() ? "" : ", in " + dimension_unit(p.dim)));
  row("shape", p.type == "tensor" ? interp::shape_text(t.sizes()) : "scalar");
  if (p.type == "tensor") {
    char stats[120];
    std::snprintf(stats, sizeof stats, "min %.6g  mean %.6g  max %.6g", t.min().item<double>(),
                  t.mean().item<double>(), t.max().item<double>());
    row("values", stats);
  }
  row("bounds", p.lower ? "[" + number_text(*p.lower, p.dim, false) + ", " + number_text(*p.upper, p.dim, false) + "]" : "none");
  row("prior", p.prior ? graph::to_string(*p.prior) : "none");
  row("doc", p.doc.empty() ? "-" : p.doc);
  int node = owner_node(g, index);
  row("layer", node < 0 ? "(a parameter of model " + g.model + ")"
                        : g.nodes[static_cast<size_t>(node)].path + ": " + g.nodes[static_cast<size_t>(node)].primitive);
  if (p.tied_to) {
    row("value of", *p.tied_to + " (set " + *p.tied_to + " to change it)");
  } else if (!session.session_value(p.path).empty()) {
    row("set", "in this session to " + session.session_value(p.path) + " (the file says " + session.file_value(index) + ")");
  } else {
    row("from", "the file: " + session.file_value(index));
  }
  if (!p.tied_to && !p.value.param_refs().empty()) row("built from", join_names(p.value.param_refs()) + " (rebuilt when they are set)");
  if (p.fixed) row("fixed", "not fitted");
}

void describe_layer(std::ostream& out, const Session& session, size_t index) {
  const graph::ModelGraph& g = session.graph();
  const graph::Node& n = g.nodes[index];
  out << n.path << ": " << n.primitive;
  if (const Compilation* c = session.compilation(); c && n.range.valid()) {
    const SourceFile& f = c->sources.file(n.range.file);
    out << "  (" << f.name << ":" << f.line_column(n.range.begin).line << ")";
  }
  out << "\n";
  std::string args;
  for (const auto& [name, value] : n.args) args += (args.empty() ? "" : ", ") + name + " = " + graph::to_string(value);
  out << "  args    " << (args.empty() ? "-" : args) << "\n";
  out << "  ports   " << ports_text(g, n) << "\n";
  out << "  params  ";
  if (n.params.empty()) out << "-";
  for (size_t k = 0; k < n.params.size(); ++k) out << (k ? ", " : "") << g.params[static_cast<size_t>(n.params[k])].path;
  out << "\n  state   " << (n.states.empty() ? "-" : join_names(n.states)) << "\n";
}

void show_params(std::ostream& out, const Session& session, const Command& view) {
  const graph::ModelGraph& g = session.graph();
  std::vector<std::string> paths, flat;
  for (const auto& p : g.params) {
    paths.push_back(p.path);
    flat.push_back(p.flat_name());
  }
  switch (view.params_view) {
    case ParamsView::All: {
      if (!view.path.empty()) {
        auto it = std::find(flat.begin(), flat.end(), view.path);
        if (it == flat.end()) no_such("parameter with flat name", view.path, flat);
        describe_param(out, session, static_cast<size_t>(it - flat.begin()));
        return;
      }
      for (size_t i = 0; i < g.params.size(); ++i) {
        out << flat[i] << " = " << value_text(g.params[i], session.params()[i]) << "\n";
      }
      return;
    }
    case ParamsView::Search: {
      std::string needle = view.path;
      std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return std::tolower(c); });
      bool found = false;
      for (size_t i = 0; i < g.params.size(); ++i) {
        std::string hay = paths[i] + " " + flat[i];
        std::transform(hay.begin(), hay.end(), hay.begin(), [](unsigned char c) { return std::tolower(c); });
        if (hay.find(needle) == std::string::npos) continue;
        out << param_line(session, i) << "\n";
        found = true;
      }
      if (!found) out << "no parameter path contains '" << view.path << "'\n";
      return;
    }
    case ParamsView::Tree: break;
  }
  int index = g.find_param(view.path);
  if (index >= 0) {
    describe_param(out, session, static_cast<size_t>(index));
    return;
  }
  if (!is_group(paths, view.path)) {
    int node = g.find_node(view.path);
    if (node >= 0) {  // a layer without parameters
      describe_layer(out, session, static_cast<size_t>(node));
      return;
    }
    std::vector<std::string> known = paths;
    for (const auto& n : g.nodes) known.push_back(n.path);
    no_such("parameter or layer", view.path, known);
  }
  if (g.params.empty()) out << "model " << g.model << " has no parameters\n";
  if (!view.path.empty()) out << view.path << "\n";
  print_tree(out, paths, view.path.empty() ? "" : view.path + ".", view.path.empty() ? 0 : 2,
             [&](const std::string& path, const std::string& name, int indent) {
               std::string line = param_line(session, static_cast<size_t>(g.find_param(path)));
               out << std::string(static_cast<size_t>(indent), ' ') << name << line.substr(path.size()) << "\n";
             });
}

void show_layers(std::ostream& out, const Session& session, const Command& view) {
  const graph::ModelGraph& g = session.graph();
  std::vector<std::string> paths;
  for (const auto& n : g.nodes) paths.push_back(n.path);
  int node = g.find_node(view.path);
  if (!view.path.empty() && node >= 0 && !is_group(paths, view.path)) {
    describe_layer(out, session, static_cast<size_t>(node));
    return;
  }
  if (!is_group(paths, view.path)) no_such("layer", view.path, paths);
  if (view.path.empty()) {
    char res[80];
    std::snprintf(res, sizeof res, " (%g steps/s, %g px/deg)", g.resolution.steps_per_second, g.resolution.pixels_per_degree);
    out << "model " << g.model << res << "\n";
    for (const auto& in : g.inputs) out << "  input " << in.name << " [" << in.channels << " ch]\n";
  } else {
    out << view.path << "\n";
  }
  print_tree(out, paths, view.path.empty() ? "" : view.path + ".", 2,
             [&](const std::string& path, const std::string& name, int indent) {
               const graph::Node& n = g.nodes[static_cast<size_t>(g.find_node(path))];
               out << std::string(static_cast<size_t>(indent), ' ') << name << ": " << n.primitive << "  "
                   << ports_text(g, n) << "\n";
             });
  if (view.path.empty()) {
    for (const auto& o : g.outputs) {
      out << "  output " << o.name << " <- " << signal_name(g, o.source) << " [" << o.channels << " ch]\n";
    }
  }
}

/// "  (holds [1, 1, 1, 10, 10])": the shapes of the tensors a layer holds as its state now
/// (after a run); "" before its first chunk.
std::string held_text(const Session& session, const graph::Node& n) {
  std::string shapes;
  for (const auto& t : session.plan().layer_state(static_cast<int>(&n - session.graph().nodes.data()))) {
    if (t.defined()) shapes += (shapes.empty() ? "" : ", ") + interp::shape_text(t.sizes());
  }
  return shapes.empty() ? "" : "  (holds " + shapes + ")";
}

void show_states(std::ostream& out, const Session& session, const Command& view) {
  const graph::ModelGraph& g = session.graph();
  std::vector<std::string> paths, layers;
  for (const auto& n : g.nodes) {
    layers.push_back(n.path);
    for (const auto& s : n.states) paths.push_back(n.prefix + s);
  }
  auto state_line = [&](const graph::Node& n, const std::string& s, int indent) {
    std::string flat = n.prefix + s;
    std::replace(flat.begin(), flat.end(), '.', '_');
    std::string doc = state_description(session, n.primitive, s);
    out << std::string(static_cast<size_t>(indent), ' ') << s << "  (" << flat << ")" << (doc.empty() ? "" : "  \"" + doc + "\"")
        << "\n";
  };
  // One state, or the states of one layer.
  for (const auto& n : g.nodes) {
    for (const auto& s : n.states) {
      if (n.prefix + s == view.path) {
        out << n.path << ": " << n.primitive << held_text(session, n) << "\n";
        state_line(n, s, 2);
        return;
      }
    }
  }
  bool any = false;
  for (const auto& n : g.nodes) {
    if (n.states.empty() || !(view.path.empty() || n.path == view.path || starts_with(n.path, view.path + "."))) continue;
    out << n.path << ": " << n.primitive << held_text(session, n) << "\n";
    for (const auto& s : n.states) state_line(n, s, 2);
    any = true;
  }
  if (any) {
    if (session.state_depth() > 0) out << "(" << session.state_depth() << " saved with :push)\n";
    return;
  }
  if (view.path.empty()) {
    out << "model " << g.model << " has no state\n";
  } else if (g.find_node(view.path) >= 0 || is_group(layers, view.path)) {
    out << "layer " << view.path << " has no state\n";
  } else {
    std::vector<std::string> known = paths;
    known.insert(known.end(), layers.begin(), layers.end());
    no_such("layer or state", view.path, known);
  }
}

}  // namespace

std::string param_line(const Session& session, size_t index) {
  const graph::Parameter& p = session.graph().params[index];
  std::string line = p.path + " = " + value_text(p, session.params()[index]);
  if (p.tied_to) line += "  (= " + *p.tied_to + ")";
  if (!p.tied_to && !p.value.param_refs().empty()) line += "  (= " + graph::to_string(p.value) + ")";
  if (!session.session_value(p.path).empty()) line += "  (set)";
  return line;
}

void show_view(std::ostream& out, const Session& session, const Command& view) {
  switch (view.tree) {
    case Tree::Params: {
      const graph::ModelGraph& g = session.graph();
      // `:describe LAYER` describes the layer; a bare LAYER shows its parameters.
      int node = g.find_node(view.path);
      if (view.describe && view.params_view == ParamsView::Tree && node >= 0 && g.find_param(view.path) < 0) {
        describe_layer(out, session, static_cast<size_t>(node));
        return;
      }
      show_params(out, session, view);
      return;
    }
    case Tree::Layers: show_layers(out, session, view); return;
    case Tree::States: show_states(out, session, view); return;
  }
}

}  // namespace cvm::repl
