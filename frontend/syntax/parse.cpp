// The ANTLR boundary: runs the generated parser and turns its tree into ast::File.
// One build_<rule>() per grammar rule; generated types never leave this file.
#include "frontend/syntax/parse.h"

#include "frontend/source/utf8.h"

#include <cmath>
#include <cstdlib>
#include <set>

#include "CvmLexer.h"
#include "CvmParser.h"
#include "antlr4-runtime.h"

namespace cvm {
namespace {

using P = cvmgen::CvmParser;

// ------------------------------------------------------------------ pre-checks

/// A number written without '.' or an exponent.
bool is_integer_literal(const std::string& text) { return text.find_first_of(".eE") == std::string::npos; }

/// Offset where nesting first exceeds kMaxNesting, ignoring strings and comments.
std::optional<uint32_t> too_deep(const std::string& s) {
  int depth = 0, signs = 0;
  size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '"') {
      for (++i; i < n && s[i] != '"' && s[i] != '\n'; ++i) {
        if (s[i] == '\\') ++i;
      }
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '/') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      i = end == std::string::npos ? n : end + 1;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') depth = std::max(0, depth - 1);
    if (c == '-' || c == '+') {
      if (!(i + 1 < n && s[i + 1] == '>')) ++signs;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      signs = 0;
    }
    if (depth > kMaxNesting || signs > kMaxNesting) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

bool precheck(const SourceFile& f, FileId file, DiagnosticSink& sink) {
  if (auto bad = first_invalid_utf8(f.text)) {
    sink.error("E0002", {file, *bad, *bad + 1},
               "this file is not UTF-8 text (byte " + std::to_string(*bad) + ")")
        .help = "a .cvm file is text; is this a data file?";
    return false;
  }
  if (auto deep = too_deep(f.text)) {
    sink.error("E0003", {file, *deep, *deep + 1},
               "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
    return false;
  }
  return true;
}

// ------------------------------------------------------------------ syntax errors

/// Readable name of a token kind for "expected ..." lists.
std::string describe_token_type(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case P::ID: return "a name";
    case P::NUMBER: return "a number";
    case P::STRING: return "a string";
    case antlr4::Token::EOF: return "end of file";
    default: break;
  }
  std::string lit = vocab.getLiteralName(type);
  return lit.empty() ? vocab.getSymbolicName(type) : lit;
}

bool is_soft_keyword(size_t type) {
  return type >= P::IMPORT && type <= P::IF;
}

class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  SyntaxErrorListener(FileId file, const std::vector<uint32_t>& byte_of, DiagnosticSink& sink)
      : file_(file), byte_of_(byte_of), sink_(sink) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t, size_t,
                   const std::string&, std::exception_ptr) override {
    // Only the first syntax error of a file is reported: after it, the parser's recovery
    // guesses, and later errors are mostly consequences of the first.
    if (!offending || reported_) return;
    SourceRange range = token_range(offending);
    reported_ = true;

    std::string message;
    std::string help;
    if (offending->getType() == antlr4::Token::EOF) {
      message = "unexpected end of file";
    } else if (offending->getType() == P::ERROR_CHAR) {
      std::string text = offending->getText();
      message = "unexpected character '" + text + "'";
      if (text == "\"") help = "a string must end with '\"' on the same line";
    } else {
      message = "unexpected '" + printable(offending->getText()) + "'";
    }
    if (auto* parser = dynamic_cast<antlr4::Parser*>(recognizer)) {
      std::string expected = expected_list(parser);
      if (!expected.empty()) message += "; expected " + expected;
    }
    auto& d = sink_.error("E0101", range, message);
    d.help = help;
  }

 private:
  static std::string printable(const std::string& s) {
    if (s.size() > 40) return s.substr(0, 37) + "...";
    return s;
  }

  SourceRange token_range(antlr4::Token* t) const {
    if (t->getType() == antlr4::Token::EOF) {
      uint32_t end = byte_of_.back();
      return {file_, end, end};
    }
    size_t start = std::min(t->getStartIndex(), byte_of_.size() - 1);
    size_t stop = std::min(t->getStopIndex() + 1, byte_of_.size() - 1);
    return {file_, byte_of_[start], byte_of_[std::max(start, stop)]};
  }

  static std::string expected_list(antlr4::Parser* parser) {
    antlr4::misc::IntervalSet set;
    try {
      set = parser->getExpectedTokens();
    } catch (...) {
      return {};
    }
    const auto& vocab = parser->getVocabulary();
    bool name_expected = set.contains(static_cast<ssize_t>(P::ID));
    std::vector<std::string> items;
    std::set<std::string> seen;
    for (ssize_t type : set.toList()) {
      if (type < 0 && type != static_cast<ssize_t>(antlr4::Token::EOF)) continue;
      if (name_expected && is_soft_keyword(static_cast<size_t>(type))) continue;
      std::string d = describe_token_type(vocab, static_cast<size_t>(type));
      if (seen.insert(d).second) items.push_back(d);
    }
    if (items.empty() || items.size() > 8) return {};
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
      out += items[i];
    }
    return out;
  }

  FileId file_;
  const std::vector<uint32_t>& byte_of_;
  DiagnosticSink& sink_;
  bool reported_ = false;
};

// ------------------------------------------------------------------ AST builder

class AstBuilder {
 public:
  AstBuilder(const SourceFile& f, FileId file, const std::vector<uint32_t>& byte_of,
             antlr4::CommonTokenStream& tokens, DiagnosticSink& sink)
      : f_(f), file_(file), byte_of_(byte_of), tokens_(tokens), sink_(sink) {}

  ast::File build_file(P::File_Context* ctx) {
    ast::File out;
    out.file = file_;
    for (auto* top : ctx->topDecl()) {
      if (auto* c = top->importDecl()) out.imports.push_back(build_import(c));
      else if (auto* c = top->resolutionDecl()) out.resolutions.push_back(build_resolution(c));
      else if (auto* c = top->primitiveDecl()) out.models.push_back(build_primitive(c));
      else if (auto* c = top->modelDecl()) out.models.push_back(build_model(c));
      else if (auto* c = top->fitDecl()) out.fits.push_back(build_fit(c));
    }
    return out;
  }

  ast::ExprPtr build_expr(P::ExprContext* ctx) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxNesting) {
      if (!too_deep_reported_) {
        sink_.error("E0003", range(ctx), "expression nested deeper than " +
                                             std::to_string(kMaxNesting) + " levels");
        too_deep_reported_ = true;
      }
      return leaf(ast::ExprKind::Number, range(ctx));
    }
    if (auto* c = dynamic_cast<P::PrimaryExprContext*>(ctx)) return build_primary(c->primary());
    auto e = std::make_unique<ast::Expr>();
    e->range = range(ctx);
    if (auto* c = dynamic_cast<P::UnaryExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Unary;
      e->op = c->op->getText();
      e->operands.push_back(build_expr(c->expr()));
    } else if (auto* c = dynamic_cast<P::MulExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Binary;
      e->op = c->op->getText();
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    } else if (auto* c = dynamic_cast<P::AddExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Binary;
      e->op = c->op->getText();
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    } else if (auto* c = dynamic_cast<P::CompareExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Binary;
      e->op = c->op->getText();
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    } else if (auto* c = dynamic_cast<P::NotExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Unary;
      e->op = "not";
      e->operands.push_back(build_expr(c->expr()));
    } else if (auto* c = dynamic_cast<P::AndExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Binary;
      e->op = "and";
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    } else if (auto* c = dynamic_cast<P::OrExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Binary;
      e->op = "or";
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    } else if (auto* c = dynamic_cast<P::IndexExprContext*>(ctx)) {
      e->kind = ast::ExprKind::Index;
      e->operands.push_back(build_expr(c->expr(0)));
      e->operands.push_back(build_expr(c->expr(1)));
    }
    return e;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(int& d) : d_(d) { ++d_; }
    ~DepthGuard() { --d_; }
    int& d_;
  };

  SourceRange range(antlr4::ParserRuleContext* ctx) const {
    size_t start = ctx->getStart()->getStartIndex();
    antlr4::Token* stop = ctx->getStop();
    size_t end = stop && stop->getType() != antlr4::Token::EOF ? stop->getStopIndex() + 1 : start;
    if (end < start) end = start;  // empty rule
    start = std::min(start, byte_of_.size() - 1);
    end = std::min(end, byte_of_.size() - 1);
    return {file_, byte_of_[start], byte_of_[end]};
  }

  SourceRange range(antlr4::tree::TerminalNode* node) const {
    antlr4::Token* t = node->getSymbol();
    size_t start = std::min(t->getStartIndex(), byte_of_.size() - 1);
    size_t end = std::min(t->getStopIndex() + 1, byte_of_.size() - 1);
    return {file_, byte_of_[start], byte_of_[end]};
  }

  static SourceRange span(SourceRange a, SourceRange b) { return {a.file, a.begin, b.end}; }

  /// The `///` comments directly before the declaration that starts at `ctx`.
  std::string doc_before(antlr4::ParserRuleContext* ctx) {
    auto hidden = tokens_.getHiddenTokensToLeft(ctx->getStart()->getTokenIndex(), 2);
    std::string doc;
    for (auto* t : hidden) {
      std::string line = t->getText().substr(3);
      if (!line.empty() && line[0] == ' ') line.erase(0, 1);
      line.erase(line.find_last_not_of(" \t\r") + 1);  // as `cvm fmt` leaves it
      if (!doc.empty()) doc += '\n';
      doc += line;
    }
    return doc;
  }

  ast::Ident ident(P::IdentContext* ctx) { return {ctx->getText(), range(ctx)}; }

  ast::Path path(antlr4::ParserRuleContext* ctx, const std::vector<P::IdentContext*>& parts) {
    ast::Path p;
    for (auto* i : parts) p.parts.push_back(ident(i));
    p.range = range(ctx);
    return p;
  }
  ast::Path build_path(P::PathContext* ctx) { return path(ctx, ctx->ident()); }
  ast::Path build_dotted(P::DottedNameContext* ctx) { return path(ctx, ctx->ident()); }

  std::string unquote(antlr4::tree::TerminalNode* node) {
    std::string raw = node->getText();
    std::string out;
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) {
        char c = raw[++i];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  static ast::ExprPtr leaf(ast::ExprKind kind, SourceRange r) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->range = r;
    return e;
  }

  ast::ExprPtr build_primary(P::PrimaryContext* ctx) {
    if (auto* c = dynamic_cast<P::QuantityPrimaryContext*>(ctx)) return build_quantity(c->quantity());
    if (auto* c = dynamic_cast<P::StringPrimaryContext*>(ctx)) {
      auto e = leaf(ast::ExprKind::String, range(ctx));
      e->text = unquote(c->STRING());
      return e;
    }
    if (auto* c = dynamic_cast<P::BoolPrimaryContext*>(ctx)) {
      auto e = leaf(ast::ExprKind::Bool, range(ctx));
      e->boolean = c->TRUE() != nullptr;
      return e;
    }
    if (auto* c = dynamic_cast<P::ListPrimaryContext*>(ctx)) {
      auto e = leaf(ast::ExprKind::List, range(ctx));
      for (auto* x : c->expr()) e->operands.push_back(build_expr(x));
      return e;
    }
    if (auto* c = dynamic_cast<P::CallPrimaryContext*>(ctx)) return build_call(c->call());
    if (auto* c = dynamic_cast<P::PathPrimaryContext*>(ctx)) {
      auto e = leaf(ast::ExprKind::Path, range(ctx));
      e->path = build_path(c->path());
      return e;
    }
    auto* c = dynamic_cast<P::ParenPrimaryContext*>(ctx);
    auto inner = build_expr(c->expr());
    inner->range = range(ctx);
    return inner;
  }

  ast::ExprPtr build_quantity(P::QuantityContext* ctx) {
    auto e = leaf(ast::ExprKind::Number, range(ctx));
    std::string text = ctx->NUMBER()->getText();
    e->is_integer = is_integer_literal(text);
    e->number = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(e->number)) {
      sink_.error("E0102", range(ctx->NUMBER()), "number '" + text + "' is too large");
      e->number = 0;
    }
    if (auto* u = ctx->unitExpr()) {
      int sign = 1;
      for (auto* child : u->children) {
        if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
          sign = t->getSymbol()->getType() == P::SLASH ? -1 : 1;
          continue;
        }
        auto* atom = dynamic_cast<P::UnitAtomContext*>(child);
        ast::UnitFactor f{atom->ID()->getText(), sign, range(atom)};
        if (atom->NUMBER()) {
          std::string p = atom->NUMBER()->getText();
          if (!is_integer_literal(p) || p.size() > 2) {
            sink_.error("E0102", range(atom->NUMBER()), "a unit's power must be a small integer");
          } else {
            f.power = sign * (atom->MINUS() ? -1 : 1) * std::atoi(p.c_str());
          }
        }
        e->unit.push_back(f);
      }
      e->range = span(e->range, range(u));
    }
    return e;
  }

  std::vector<ast::Arg> build_args(P::ArgsContext* ctx) {
    std::vector<ast::Arg> out;
    if (!ctx) return out;
    for (auto* a : ctx->arg()) {
      ast::Arg arg;
      if (a->ident()) arg.name = ident(a->ident());
      arg.value = build_expr(a->expr());
      out.push_back(std::move(arg));
    }
    return out;
  }

  ast::ExprPtr build_call(P::CallContext* ctx) {
    auto e = leaf(ast::ExprKind::Call, range(ctx));
    e->path = build_dotted(ctx->dottedName());
    e->args = build_args(ctx->args());
    return e;
  }

  ast::TypeRef build_type(P::TypeRefContext* ctx) {
    ast::TypeRef t;
    t.name = ident(ctx->ident());
    t.has_dims = ctx->LBRACK() != nullptr;
    for (auto* x : ctx->expr()) t.dims.push_back(build_expr(x));
    t.range = range(ctx);
    return t;
  }

  ast::ImportDecl build_import(P::ImportDeclContext* ctx) {
    ast::ImportDecl d;
    d.range = range(ctx);
    if (ctx->STRING()) {
      d.is_file = true;
      d.file = unquote(ctx->STRING());
    } else {
      d.module = build_dotted(ctx->dottedName());
    }
    return d;
  }

  ast::ResolutionDecl build_resolution(P::ResolutionDeclContext* ctx) {
    ast::ResolutionDecl d;
    d.range = range(ctx);
    for (auto* s : ctx->setting()) d.settings.push_back({ident(s->ident()), build_expr(s->expr())});
    return d;
  }

  std::vector<ast::Formal> build_formals(P::FormalsContext* ctx) {
    std::vector<ast::Formal> out;
    if (!ctx) return out;
    for (auto* f : ctx->formal()) {
      ast::Formal formal;
      formal.name = ident(f->ident());
      formal.type = build_type(f->typeRef());
      if (f->expr()) formal.default_value = build_expr(f->expr());
      formal.range = range(f);
      out.push_back(std::move(formal));
    }
    return out;
  }

  ast::InputDecl build_input(P::InputDeclContext* ctx) {
    ast::InputDecl d;
    d.name = ident(ctx->ident());
    if (ctx->typeRef()) d.type = build_type(ctx->typeRef());
    d.doc = doc_before(ctx);
    d.range = range(ctx);
    return d;
  }

  ast::ParamDecl build_param(P::ParamDeclContext* ctx) {
    ast::ParamDecl d;
    d.name = ident(ctx->ident());
    d.type = build_type(ctx->typeRef());
    if (ctx->ASSIGN()) d.value = build_expr(ctx->expr(0));
    if (auto* b = ctx->bounds()) {
      d.lower = build_expr(b->expr(0));
      d.upper = build_expr(b->expr(1));
    }
    if (auto* p = ctx->prior()) d.prior = build_call(p->call());
    if (ctx->STRING()) d.description = unquote(ctx->STRING());
    d.fixed = ctx->FIXED() != nullptr;
    if (ctx->IF()) d.condition = build_expr(ctx->expr().back());
    d.doc = doc_before(ctx);
    d.range = range(ctx);
    return d;
  }

  ast::OutputDecl build_output(P::OutputDeclContext* ctx) {
    ast::OutputDecl d;
    d.name = ident(ctx->ident());
    if (ctx->typeRef()) d.type = build_type(ctx->typeRef());
    if (ctx->path()) d.source = build_path(ctx->path());
    d.doc = doc_before(ctx);
    d.range = range(ctx);
    return d;
  }

  ast::Instance build_instance(P::InstanceContext* ctx) {
    ast::Instance inst;
    inst.type = build_dotted(ctx->dottedName());
    inst.args = build_args(ctx->args());
    for (auto* o : ctx->override()) {
      inst.overrides.push_back({build_path(o->path()), build_expr(o->expr()), range(o)});
    }
    inst.range = range(ctx);
    return inst;
  }

  ast::ModelDecl build_model(P::ModelDeclContext* ctx) {
    ast::ModelDecl m;
    m.doc = doc_before(ctx);
    m.range = range(ctx);
    if (auto* c = dynamic_cast<P::ModelAsInstanceContext*>(ctx)) {
      m.name = ident(c->ident());
      m.alias = build_instance(c->instance());
      return m;
    }
    auto* c = dynamic_cast<P::ModelWithBodyContext*>(ctx);
    m.name = ident(c->ident());
    m.formals = build_formals(c->formals());
    for (auto* item : c->modelItem()) {
      if (auto* i = item->inputDecl()) m.inputs.push_back(build_input(i));
      else if (auto* i = item->paramDecl()) m.params.push_back(build_param(i));
      else if (auto* i = item->layerDecl()) {
        ast::LayerDecl l;
        l.name = ident(i->ident());
        l.instance = build_instance(i->instance());
        l.doc = doc_before(i);
        l.range = range(i);
        m.layers.push_back(std::move(l));
      } else if (auto* i = item->outputDecl()) m.outputs.push_back(build_output(i));
      else if (auto* i = item->connection()) {
        ast::Connection conn;
        for (auto* p : i->path()) conn.chain.push_back(build_path(p));
        conn.range = range(i);
        m.connections.push_back(std::move(conn));
      }
    }
    return m;
  }

  ast::ModelDecl build_primitive(P::PrimitiveDeclContext* ctx) {
    ast::ModelDecl m;
    m.is_primitive = true;
    m.doc = doc_before(ctx);
    m.range = range(ctx);
    m.name = ident(ctx->ident());
    m.formals = build_formals(ctx->formals());
    for (auto* item : ctx->primitiveItem()) {
      if (auto* i = item->inputDecl()) m.inputs.push_back(build_input(i));
      else if (auto* i = item->paramDecl()) m.params.push_back(build_param(i));
      else if (auto* i = item->outputDecl()) m.outputs.push_back(build_output(i));
      else if (auto* i = item->stateDecl()) {
        ast::StateDecl s;
        s.name = ident(i->ident());
        if (i->STRING()) s.description = unquote(i->STRING());
        s.range = range(i);
        m.states.push_back(std::move(s));
      }
    }
    return m;
  }

  ast::FitDecl build_fit(P::FitDeclContext* ctx) {
    ast::FitDecl f;
    f.model = build_dotted(ctx->dottedName());
    if (ctx->ident()) f.name = ident(ctx->ident());
    f.range = range(ctx);
    for (auto* item : ctx->fitItem()) {
      if (auto* c = dynamic_cast<P::FitDataContext*>(item)) f.data_file = unquote(c->STRING());
      else if (auto* c = dynamic_cast<P::FitInputContext*>(item))
        f.inputs.push_back({ident(c->ident()), unquote(c->STRING())});
      else if (auto* c = dynamic_cast<P::FitTargetContext*>(item)) {
        ast::FitTarget t;
        t.output = ident(c->ident(0));
        t.dataset = unquote(c->STRING());
        t.dataset_range = range(c->STRING());
        if (c->LOSS()) t.loss = ident(c->ident(1));
        if (c->expr()) t.weight = build_expr(c->expr());
        f.targets.push_back(std::move(t));
      } else if (auto* c = dynamic_cast<P::FitFreeContext*>(item)) {
        for (auto* p : c->path()) f.free.push_back(build_path(p));
      } else if (auto* c = dynamic_cast<P::FitFixedContext*>(item)) {
        for (auto* p : c->path()) f.fixed.push_back(build_path(p));
      } else if (auto* c = dynamic_cast<P::FitOptimizerContext*>(item)) f.optimizer = build_call(c->call());
      else if (auto* c = dynamic_cast<P::FitChunkContext*>(item)) f.chunk = build_expr(c->expr());
      else if (auto* c = dynamic_cast<P::FitSkipContext*>(item)) f.skip = build_expr(c->expr());
      else if (auto* c = dynamic_cast<P::FitEpochsContext*>(item)) f.epochs = build_expr(c->expr());
      else if (auto* c = dynamic_cast<P::FitSeedContext*>(item)) f.seed = build_expr(c->expr());
      else if (auto* c = dynamic_cast<P::FitEarlyStopContext*>(item)) f.patience = build_expr(c->expr());
      else if (auto* c = dynamic_cast<P::FitExportContext*>(item)) f.export_file = unquote(c->STRING());
      else if (auto* c = dynamic_cast<P::FitValidateContext*>(item)) {
        f.validate = std::make_pair(unquote(c->STRING(0)), unquote(c->STRING(1)));
        if (c->NUMBER()) {
          auto e = leaf(ast::ExprKind::Number, range(c->NUMBER()));
          e->number = std::strtod(c->NUMBER()->getText().c_str(), nullptr);
          e->is_integer = is_integer_literal(c->NUMBER()->getText());
          f.validate_every = std::move(e);
        }
      }
    }
    return f;
  }

  const SourceFile& f_;
  FileId file_;
  const std::vector<uint32_t>& byte_of_;
  antlr4::CommonTokenStream& tokens_;
  DiagnosticSink& sink_;
  int depth_ = 0;
  bool too_deep_reported_ = false;
};

/// Byte offset of every code point (ANTLR indexes code points), plus one past the end.
std::vector<uint32_t> code_point_offsets(const std::string& s) {
  std::vector<uint32_t> out;
  out.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(static_cast<uint32_t>(i));
  }
  out.push_back(static_cast<uint32_t>(s.size()));
  return out;
}

/// Runs the generated parser on a file: a fast SLL pass, and the full LL pass with error
/// reporting only when the fast pass fails. `entry` picks the start rule.
template <typename Result, typename Entry, typename Build>
Result run_parser(const SourceManager& sources, FileId file, DiagnosticSink& sink, Entry entry,
                  Build build) {
  const SourceFile& f = sources.file(file);
  if (!precheck(f, file, sink)) return Result{};
  std::vector<uint32_t> byte_of = code_point_offsets(f.text);

  antlr4::ANTLRInputStream input(f.text);
  cvmgen::CvmLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  P parser(&tokens);
  parser.removeErrorListeners();

  auto* tree = [&]() -> decltype(entry(parser)) {
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    try {
      return entry(parser);
    } catch (antlr4::ParseCancellationException&) {
    } catch (antlr4::RecognitionException&) {
    }
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    SyntaxErrorListener listener(file, byte_of, sink);
    parser.addErrorListener(&listener);
    auto* t = entry(parser);
    parser.removeErrorListeners();
    return t;
  }();
  if (parser.getNumberOfSyntaxErrors() > 0) return Result{};
  size_t before = sink.error_count();
  AstBuilder builder(f, file, byte_of, tokens, sink);
  Result result = build(builder, tree);
  if (sink.error_count() > before) return Result{};
  return result;
}

}  // namespace

std::string ast::Path::str() const {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) s += '.';
    s += parts[i].name;
  }
  return s;
}

std::optional<ast::File> parse_file(const SourceManager& sources, FileId file, DiagnosticSink& sink) {
  return run_parser<std::optional<ast::File>>(
      sources, file, sink, [](P& p) { return p.file_(); },
      [](AstBuilder& b, P::File_Context* t) { return std::optional<ast::File>(b.build_file(t)); });
}

ast::ExprPtr parse_expression(const SourceManager& sources, FileId file, DiagnosticSink& sink) {
  return run_parser<ast::ExprPtr>(
      sources, file, sink, [](P& p) { return p.exprOnly(); },
      [](AstBuilder& b, P::ExprOnlyContext* t) { return b.build_expr(t->expr()); });
}

}  // namespace cvm
