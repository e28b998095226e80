#include "frontend/graph/graph_print.h"

#include <cstdio>

namespace cvm::graph {
namespace {

std::string signal(const ModelGraph& g, const SignalRef& r) {
  if (r.kind == SignalRef::Kind::Input) return "input " + g.inputs[static_cast<size_t>(r.index)].name;
  const Node& n = g.nodes[static_cast<size_t>(r.index)];
  return n.outputs.size() == 1 ? n.path : n.path + "." + n.outputs[static_cast<size_t>(r.port)];
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void print_text(std::ostream& out, const ModelGraph& g) {
  out << "model " << g.model << " (" << g.resolution.steps_per_second << " steps/s, "
      << g.resolution.pixels_per_degree << " px/deg)\n";
  for (const auto& i : g.inputs) out << "  input " << i.name << " [" << i.channels << " ch]\n";
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    out << "  node " << n.path << " = " << n.primitive << "(";
    for (size_t a = 0; a < n.args.size(); ++a) out << (a ? ", " : "") << n.args[a].first << " = " << to_string(n.args[a].second);
    out << ")\n";
    for (const auto& in : n.inputs) {
      out << "    in " << in.port << " <- ";
      for (size_t s = 0; s < in.sources.size(); ++s) out << (s ? " + " : "") << signal(g, in.sources[s]);
      out << "\n";
    }
    for (size_t o = 0; o < n.outputs.size(); ++o) out << "    out " << n.outputs[o] << " [" << n.out_channels[o] << " ch]\n";
    for (const auto& s : n.states) out << "    state " << s << "\n";
  }
  for (const auto& o : g.outputs) out << "  output " << o.name << " <- " << signal(g, o.source) << " [" << o.channels << " ch]\n";
  for (const auto& p : g.params) {
    out << "  param " << p.path << ": " << p.type;
    if (!p.shape.empty()) out << shape_text(p.shape);
    out << " = " << to_string(p.value);
    if (p.tied_to) out << " (tied to " << *p.tied_to << ")";
    if (p.lower) out << " in [" << *p.lower << ", " << *p.upper << "]";
    if (p.prior) out << " ~ " << to_string(*p.prior);
    if (p.fixed) out << " fixed";
    out << "\n";
  }
}

void print_dot(std::ostream& out, const ModelGraph& g) {
  out << "digraph " << json_string(g.model) << " {\n  rankdir=LR;\n";
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    out << "  in" << i << " [shape=invhouse, label=" << json_string(g.inputs[i].name) << "];\n";
  }
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    out << "  n" << k << " [shape=box, label=" << json_string(g.nodes[k].path + "\n" + g.nodes[k].primitive) << "];\n";
  }
  for (size_t o = 0; o < g.outputs.size(); ++o) {
    out << "  out" << o << " [shape=house, label=" << json_string(g.outputs[o].name) << "];\n";
  }
  auto id = [](const SignalRef& r) {
    return (r.kind == SignalRef::Kind::Input ? "in" : "n") + std::to_string(r.index);
  };
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    for (const auto& in : g.nodes[k].inputs) {
      for (const auto& s : in.sources) {
        out << "  " << id(s) << " -> n" << k;
        if (g.nodes[k].inputs.size() > 1) out << " [label=" << json_string(in.port) << "]";
        out << ";\n";
      }
    }
  }
  for (size_t o = 0; o < g.outputs.size(); ++o) out << "  " << id(g.outputs[o].source) << " -> out" << o << ";\n";
  out << "}\n";
}

void print_json(std::ostream& out, const ModelGraph& g) {
  auto ref = [&](const SignalRef& r) {
    return std::string("{\"kind\": ") + (r.kind == SignalRef::Kind::Input ? "\"input\"" : "\"node\"") +
           ", \"index\": " + std::to_string(r.index) + ", \"port\": " + std::to_string(r.port) + "}";
  };
  out << "{\n  \"model\": " << json_string(g.model) << ",\n";
  out << "  \"steps_per_second\": " << g.resolution.steps_per_second
      << ",\n  \"pixels_per_degree\": " << g.resolution.pixels_per_degree << ",\n";
  out << "  \"inputs\": [";
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    out << (i ? ", " : "") << "{\"name\": " << json_string(g.inputs[i].name) << ", \"channels\": " << g.inputs[i].channels << "}";
  }
  out << "],\n  \"nodes\": [\n";
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    out << "    {\"path\": " << json_string(n.path) << ", \"primitive\": " << json_string(n.primitive) << ", \"args\": {";
    for (size_t a = 0; a < n.args.size(); ++a) {
      out << (a ? ", " : "") << json_string(n.args[a].first) << ": " << json_string(to_string(n.args[a].second));
    }
    out << "}, \"inputs\": [";
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      out << (i ? ", " : "") << "{\"port\": " << json_string(n.inputs[i].port) << ", \"sources\": [";
      for (size_t s = 0; s < n.inputs[i].sources.size(); ++s) out << (s ? ", " : "") << ref(n.inputs[i].sources[s]);
      out << "]}";
    }
    out << "], \"outputs\": [";
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      out << (o ? ", " : "") << "{\"port\": " << json_string(n.outputs[o]) << ", \"channels\": " << n.out_channels[o] << "}";
    }
    out << "]}" << (k + 1 < g.nodes.size() ? "," : "") << "\n";
  }
  out << "  ],\n  \"outputs\": [";
  for (size_t o = 0; o < g.outputs.size(); ++o) {
    out << (o ? ", " : "") << "{\"name\": " << json_string(g.outputs[o].name) << ", \"source\": " << ref(g.outputs[o].source)
        << ", \"channels\": " << g.outputs[o].channels << "}";
  }
  out << "],\n  \"params\": [\n";
  for (size_t i = 0; i < g.params.size(); ++i) {
    const Parameter& p = g.params[i];
    out << "    {\"path\": " << json_string(p.path) << ", \"type\": " << json_string(p.type)
        << ", \"unit\": " << json_string(dimension_unit(p.dim)) << ", \"value\": " << json_string(to_string(p.value))
        << ", \"shape\": " << shape_text(p.shape) << ", \"fixed\": " << (p.fixed ? "true" : "false");
    if (p.lower) out << ", \"bounds\": [" << *p.lower << ", " << *p.upper << "]";
    if (p.prior) out << ", \"prior\": " << json_string(to_string(*p.prior));
    if (p.tied_to) out << ", \"tied_to\": " << json_string(*p.tied_to);
    out << ", \"doc\": " << json_string(p.doc) << "}" << (i + 1 < g.params.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

}  // namespace cvm::graph
