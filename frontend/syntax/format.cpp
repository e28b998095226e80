// The ANTLR half of `cvm fmt`: lexes a file with every comment, parses it, gives each token
// the role the layout needs (format_layout.h), and checks that the laid-out text lexes to
// the same tokens with the same line breaks. Generated types never leave this file.
#include "frontend/syntax/format.h"

#include <algorithm>
#include <stdexcept>

#include "CvmLexer.h"
#include "CvmParser.h"
#include "antlr4-runtime.h"
#include "frontend/syntax/format_layout.h"
#include "frontend/syntax/parse.h"

namespace cvm {
namespace {

using P = cvmgen::CvmParser;

std::string trim_right(std::string s) {
  size_t end = s.find_last_not_of(" \t\f\v");
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

std::string unix_line_ends(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

/// A text's token stream, all channels (comments go to hidden channels, grammar/Cvm.g4).
struct Lexed {
  explicit Lexed(const std::string& text) : input(text), lexer(&input), stream(&lexer) {
    lexer.removeErrorListeners();
    stream.fill();
  }
  antlr4::ANTLRInputStream input;
  cvmgen::CvmLexer lexer;
  antlr4::CommonTokenStream stream;
};

/// The stream's tokens as LayoutTokens (index = token index), without roles.
std::vector<LayoutToken> layout_tokens(antlr4::CommonTokenStream& stream) {
  std::vector<LayoutToken> out;
  size_t previous_end_line = 0;
  for (antlr4::Token* tok : stream.getTokens()) {
    if (tok->getType() == antlr4::Token::EOF) break;
    std::string raw = tok->getText();
    LayoutToken t;
    switch (tok->getType()) {
      case P::DOC_COMMENT: t.kind = LayoutTokenKind::DocComment; t.text = trim_right(raw); break;
      case P::LINE_COMMENT: t.kind = LayoutTokenKind::LineComment; t.text = trim_right(raw); break;
      case P::BLOCK_COMMENT: t.kind = LayoutTokenKind::BlockComment; t.text = unix_line_ends(raw); break;
      default: t.text = raw; break;
    }
    size_t line = tok->getLine();
    t.newlines_before = out.empty() ? 0 : static_cast<int>(line - previous_end_line);
    previous_end_line = line + static_cast<size_t>(std::count(raw.begin(), raw.end(), '\n'));
    out.push_back(std::move(t));
  }
  return out;
}

/// The parse tree of a file known to parse: the fast SLL pass, the full LL pass if it fails.
P::File_Context* parse_tree(P& parser, antlr4::CommonTokenStream& stream) {
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return parser.file_();
  } catch (antlr4::ParseCancellationException&) {
  } catch (antlr4::RecognitionException&) {
  }
  stream.seek(0);
  parser.reset();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
  return parser.file_();
}

/// Marks, from the parse tree, the tokens whose spacing or alignment the grammar decides.
class RoleMarker {
 public:
  explicit RoleMarker(std::vector<LayoutToken>& tokens) : tokens_(tokens) {}

  void walk(antlr4::tree::ParseTree* node) {
    auto* ctx = dynamic_cast<antlr4::ParserRuleContext*>(node);
    if (!ctx) return;
    mark(ctx);
    for (auto* child : ctx->children) walk(child);
  }

 private:
  void mark(antlr4::ParserRuleContext* ctx) {
    if (dynamic_cast<P::TopDeclContext*>(ctx) || dynamic_cast<P::ModelItemContext*>(ctx) ||
        dynamic_cast<P::PrimitiveItemContext*>(ctx) || dynamic_cast<P::FitItemContext*>(ctx) ||
        dynamic_cast<P::SettingContext*>(ctx) || dynamic_cast<P::OverrideContext*>(ctx)) {
      tokens_.at(ctx->getStart()->getTokenIndex()).starts_item = true;
    }
    if (auto* c = dynamic_cast<P::ParamDeclContext*>(ctx)) {
      set(c->PARAM(), LayoutRole::ParamKeyword);
      set(c->COLON(), LayoutRole::ParamColon);
      set(c->ASSIGN(), LayoutRole::ParamAssign);
    } else if (auto* c = dynamic_cast<P::CallContext*>(ctx)) {
      set(c->LPAREN(), LayoutRole::HugsLeft);
    } else if (auto* c = dynamic_cast<P::InstanceContext*>(ctx)) {
      set(c->LPAREN(), LayoutRole::HugsLeft);
    } else if (auto* c = dynamic_cast<P::FormalsContext*>(ctx)) {
      set(c->LPAREN(), LayoutRole::HugsLeft);
    } else if (auto* c = dynamic_cast<P::TypeRefContext*>(ctx)) {
      set(c->LBRACK(), LayoutRole::HugsLeft);
    } else if (auto* c = dynamic_cast<P::IndexExprContext*>(ctx)) {
      set(c->LBRACK(), LayoutRole::HugsLeft);
    } else if (auto* c = dynamic_cast<P::UnaryExprContext*>(ctx)) {
      tokens_.at(c->op->getTokenIndex()).role = LayoutRole::Prefix;
    } else if (auto* c = dynamic_cast<P::UnitAtomContext*>(ctx)) {
      set(c->MINUS(), LayoutRole::Prefix);
    } else if (auto* c = dynamic_cast<P::UnitExprContext*>(ctx)) {
      for (auto* t : c->STAR()) set(t, LayoutRole::UnitOperator);
      for (auto* t : c->SLASH()) set(t, LayoutRole::UnitOperator);
    }
  }

  void set(antlr4::tree::TerminalNode* node, LayoutRole role) {
    if (node) tokens_.at(node->getSymbol()->getTokenIndex()).role = role;
  }

  std::vector<LayoutToken>& tokens_;
};

/// The layout must keep every token and whether a line break comes before it; a
/// difference is a bug of the formatter, never written to a file.
void check_same_tokens(const std::vector<LayoutToken>& before, const std::string& formatted,
                       const std::string& name) {
  Lexed lexed(formatted);
  std::vector<LayoutToken> after = layout_tokens(lexed.stream);
  bool same = before.size() == after.size();
  for (size_t i = 0; same && i < before.size(); ++i) {
    same = before[i].kind == after[i].kind && before[i].text == after[i].text &&
           (before[i].newlines_before > 0) == (after[i].newlines_before > 0);
  }
  if (!same) throw std::logic_error("formatting " + name + " would change its tokens or line breaks");
}

}  // namespace

std::optional<std::string> format_file(const SourceManager& sources, FileId file, DiagnosticSink& sink) {
  if (!parse_file(sources, file, sink)) return std::nullopt;
  const SourceFile& source = sources.file(file);
  // Line breaks are kept as they are, so they must be ones the lexer also reads as line
  // ends: a lone \r (old Mac line ends) is not.
  for (size_t i = 0; i < source.text.size(); ++i) {
    if (source.text[i] == '\r' && (i + 1 == source.text.size() || source.text[i + 1] != '\n')) {
      const auto at = static_cast<uint32_t>(i);
      sink.error("E0004", {file, at, at + 1}, "a carriage return without a line feed is not a line end")
          .help = "cvm fmt keeps line breaks and reads \\n and \\r\\n as line ends; convert the file's line ends";
      return std::nullopt;
    }
  }
  Lexed lexed(source.text);
  std::vector<LayoutToken> tokens = layout_tokens(lexed.stream);
  P parser(&lexed.stream);
  RoleMarker(tokens).walk(parse_tree(parser, lexed.stream));
  std::string formatted = lay_out(tokens);
  check_same_tokens(tokens, formatted, source.name);
  return formatted;
}

}  // namespace cvm
