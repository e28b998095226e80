#include "frontend/syntax/ast_dump.h"

#include <cstdio>

namespace cvm {
namespace {

class Dumper {
 public:
  Dumper(std::ostream& out, const SourceManager& sources) : out_(out), sources_(sources) {}

  void file(const ast::File& f) {
    line(0, "file " + sources_.file(f.file).name);
    for (const auto& i : f.imports) {
      line(1, i.is_file ? "import \"" + i.file + "\"" : "import " + i.module.str(), i.range);
    }
    for (const auto& r : f.resolutions) {
      line(1, "resolution", r.range);
      for (const auto& s : r.settings) line(2, s.name.name + " = " + expr_text(*s.value));
    }
    for (const auto& m : f.models) model(m);
    for (const auto& fit : f.fits) fit_block(fit);
  }

 private:
  void line(int depth, const std::string& text, SourceRange r = {}) {
    out_ << std::string(static_cast<size_t>(depth) * 2, ' ') << text;
    if (r.valid()) {
      LineColumn lc = sources_.file(r.file).line_column(r.begin);
      out_ << "  @" << lc.line << ':' << lc.column;
    }
    out_ << '\n';
  }

  static std::string type_text(const ast::TypeRef& t) {
    std::string s = t.name.name;
    if (t.has_dims) {
      s += "[";
      for (size_t i = 0; i < t.dims.size(); ++i) s += (i ? ", " : "") + expr_text(*t.dims[i]);
      s += "]";
    }
    return s;
  }

  static std::string args_text(const std::vector<ast::Arg>& args) {
    std::string s;
    for (size_t i = 0; i < args.size(); ++i) {
      s += i ? ", " : "";
      if (!args[i].name.name.empty()) s += args[i].name.name + " = ";
      s += expr_text(*args[i].value);
    }
    return s;
  }

  void instance(int depth, const std::string& head, const ast::Instance& inst) {
    line(depth, head + inst.type.str() + "(" + args_text(inst.args) + ")", inst.range);
    for (const auto& o : inst.overrides) line(depth + 1, "override " + o.path.str() + " = " + expr_text(*o.value), o.range);
  }

  void model(const ast::ModelDecl& m) {
    std::string head = (m.is_primitive ? "primitive " : "model ") + m.name.name;
    if (m.alias) {
      instance(1, head + " = ", *m.alias);
      return;
    }
    line(1, head, m.range);
    if (!m.doc.empty()) line(2, "doc \"" + m.doc + "\"");
    for (const auto& f : m.formals) {
      line(2, "arg " + f.name.name + ": " + type_text(f.type) +
                  (f.default_value ? " = " + expr_text(*f.default_value) : ""), f.range);
    }
    for (const auto& i : m.inputs) line(2, "input " + i.name.name + (i.type ? ": " + type_text(*i.type) : ""), i.range);
    for (const auto& p : m.params) {
      std::string s = "param " + p.name.name + ": " + type_text(p.type);
      if (p.value) s += " = " + expr_text(*p.value);
      if (p.lower) s += " in [" + expr_text(*p.lower) + ", " + expr_text(*p.upper) + "]";
      if (p.prior) s += " ~ " + expr_text(*p.prior);
      if (!p.description.empty()) s += " \"" + p.description + "\"";
      if (p.fixed) s += " fixed";
      if (p.condition) s += " if " + expr_text(*p.condition);
      line(2, s, p.range);
    }
    for (const auto& s : m.states) line(2, "state " + s.name.name, s.range);
    for (const auto& l : m.layers) instance(2, "layer " + l.name.name + " = ", l.instance);
    for (const auto& c : m.connections) {
      std::string s = "connect ";
      for (size_t i = 0; i < c.chain.size(); ++i) s += (i ? " -> " : "") + c.chain[i].str();
      line(2, s, c.range);
    }
    for (const auto& o : m.outputs) {
      line(2, "output " + o.name.name + (o.type ? ": " + type_text(*o.type) : "") +
                  (o.source ? " = " + o.source->str() : ""), o.range);
    }
  }

  void fit_block(const ast::FitDecl& f) {
    line(1, "fit " + f.model.str() + (f.name ? " as " + f.name->name : ""), f.range);
    if (f.data_file) line(2, "data \"" + *f.data_file + "\"");
    for (const auto& i : f.inputs) line(2, "input " + i.first.name + " = \"" + i.second + "\"");
    for (const auto& t : f.targets) {
      line(2, "target " + t.output.name + " = \"" + t.dataset + "\"" + (t.loss ? " loss " + t.loss->name : "") +
                  (t.weight ? " weight " + expr_text(*t.weight) : ""));
    }
    for (const auto& p : f.free) line(2, "free " + p.str());
    for (const auto& p : f.fixed) line(2, "fixed " + p.str());
    if (f.optimizer) line(2, "optimizer " + expr_text(*f.optimizer));
    if (f.chunk) line(2, "chunk " + expr_text(*f.chunk));
    if (f.skip) line(2, "skip " + expr_text(*f.skip));
    if (f.epochs) line(2, "epochs " + expr_text(*f.epochs));
    if (f.seed) line(2, "seed " + expr_text(*f.seed));
    if (f.validate) line(2, "validate \"" + f.validate->first + "\" -> \"" + f.validate->second + "\"");
    if (f.patience) line(2, "early_stop patience " + expr_text(*f.patience));
    if (f.export_file) line(2, "export \"" + *f.export_file + "\"");
  }

  std::ostream& out_;
  const SourceManager& sources_;
};

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string expr_text(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Number: {
      std::string s = number_text(e.number);
      for (size_t i = 0; i < e.unit.size(); ++i) {
        const auto& u = e.unit[i];
        int p = u.power;
        if (i == 0) s += " ";
        else s += p < 0 ? "/" : "*";
        if (i > 0 && p < 0) p = -p;
        s += u.name;
        if (p != 1) s += "^" + std::to_string(p);
      }
      return s;
    }
    case ast::ExprKind::String: return "\"" + e.text + "\"";
    case ast::ExprKind::Bool: return e.boolean ? "true" : "false";
    case ast::ExprKind::List: {
      std::string s = "[";
      for (size_t i = 0; i < e.operands.size(); ++i) s += (i ? ", " : "") + expr_text(*e.operands[i]);
      return s + "]";
    }
    case ast::ExprKind::Path: return e.path.str();
    case ast::ExprKind::Call: {
      std::string s = e.path.str() + "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        s += i ? ", " : "";
        if (!e.args[i].name.name.empty()) s += e.args[i].name.name + " = ";
        s += expr_text(*e.args[i].value);
      }
      return s + ")";
    }
    case ast::ExprKind::Unary: return (e.op == "not" ? "not " : e.op) + expr_text(*e.operands[0]);
    case ast::ExprKind::Binary:
      return "(" + expr_text(*e.operands[0]) + " " + e.op + " " + expr_text(*e.operands[1]) + ")";
    case ast::ExprKind::Index: return expr_text(*e.operands[0]) + "[" + expr_text(*e.operands[1]) + "]";
  }
  return "";
}

void dump_ast(std::ostream& out, const SourceManager& sources, const ast::File& file) {
  Dumper(out, sources).file(file);
}

}  // namespace cvm
