// The syntax of .cvm files: the single source of cvm's grammar.
//
// The parser is generated from this file at build time (see frontend/CMakeLists.txt) and
// used only by frontend/syntax/parse.cpp, which turns the parse tree into cvm's own AST,
// and by frontend/syntax/format.cpp (`cvm fmt`). Names of these rules never reach a user:
// diagnostics speak of the language, not of the grammar.
//
// Newlines are not significant; ';' may separate items. Keywords other than `in`,
// `true` and `false` are soft: they may also be used as names (`output output = nl`).
// Doc comments (`///`) go to hidden channel 2 and are attached to the next declaration by
// the AST builder; other comments go to hidden channel 3, read only by the formatter
// (frontend/syntax/format.cpp). The parser sees neither.
grammar Cvm;

file_ : topDecl* EOF ;

// A lone expression: `--stimulus` and `--set` values on the command line.
exprOnly : expr EOF ;

topDecl
    : importDecl
    | resolutionDecl
    | primitiveDecl
    | modelDecl
    | fitDecl
    | SEMI
    ;

importDecl : IMPORT (dottedName | STRING) ;

resolutionDecl : RESOLUTION LBRACE (setting | SEMI)* RBRACE ;

setting : ident ASSIGN expr ;

// ---------------------------------------------------------------- models

modelDecl
    : MODEL ident formals? LBRACE modelItem* RBRACE     # modelWithBody
    | MODEL ident ASSIGN instance                        # modelAsInstance
    ;

formals : LPAREN (formal (COMMA formal)*)? RPAREN ;

formal : ident COLON typeRef (ASSIGN expr)? ;

modelItem
    : inputDecl
    | paramDecl
    | layerDecl
    | outputDecl
    | connection
    | SEMI
    ;

inputDecl : INPUT ident (COLON typeRef)? ;

paramDecl : PARAM ident COLON typeRef (ASSIGN expr)? bounds? prior? STRING? FIXED? (IF expr)? ;

bounds : IN LBRACK expr COMMA expr RBRACK ;

prior : TILDE call ;

layerDecl : LAYER ident ASSIGN instance ;

instance : dottedName (LPAREN args? RPAREN)? (LBRACE (override | SEMI)* RBRACE)? ;

override : path ASSIGN expr ;

outputDecl : OUTPUT ident (COLON typeRef)? (ASSIGN path)? ;

connection : path (ARROW path)+ ;

// ---------------------------------------------------------------- library primitives

primitiveDecl : PRIMITIVE ident formals? LBRACE primitiveItem* RBRACE ;

primitiveItem
    : inputDecl
    | paramDecl
    | outputDecl
    | stateDecl
    | SEMI
    ;

stateDecl : STATE ident STRING? ;

// ---------------------------------------------------------------- fitting

fitDecl : FIT dottedName (AS ident)? LBRACE fitItem* RBRACE ;

fitItem
    : DATA STRING                                              # fitData
    | INPUT ident ASSIGN STRING                                # fitInput
    | TARGET ident ASSIGN STRING (LOSS ident)? (WEIGHT expr)?  # fitTarget
    | FREE path (COMMA path)*                                  # fitFree
    | FIXED path (COMMA path)*                                 # fitFixed
    | OPTIMIZER call                                           # fitOptimizer
    | CHUNK expr                                               # fitChunk
    | SKIP_ expr                                               # fitSkip
    | EPOCHS expr                                              # fitEpochs
    | SEED expr                                                # fitSeed
    | VALIDATE STRING ARROW STRING (EVERY NUMBER EPOCH)?       # fitValidate
    | EARLY_STOP PATIENCE expr                                 # fitEarlyStop
    | EXPORT STRING                                            # fitExport
    | SEMI                                                     # fitEmpty
    ;

// ---------------------------------------------------------------- types and expressions

typeRef : ident (LBRACK (expr (COMMA expr)*)? RBRACK)? ;

args : arg (COMMA arg)* ;

arg : (ident ASSIGN)? expr ;

expr
    : expr LBRACK expr RBRACK               # indexExpr
    | op=(MINUS | PLUS) expr                # unaryExpr
    | expr op=(STAR | SLASH) expr           # mulExpr
    | expr op=(PLUS | MINUS) expr           # addExpr
    | expr op=(LT | LE | GT | GE | EQ | NE) expr  # compareExpr
    | NOT expr                              # notExpr
    | expr AND expr                         # andExpr
    | expr OR expr                          # orExpr
    | primary                               # primaryExpr
    ;

primary
    : quantity                                      # quantityPrimary
    | STRING                                        # stringPrimary
    | (TRUE | FALSE)                                # boolPrimary
    | LBRACK (expr (COMMA expr)*)? RBRACK           # listPrimary
    | call                                          # callPrimary
    | path                                          # pathPrimary
    | LPAREN expr RPAREN                            # parenPrimary
    ;

// A unit belongs to its number only on the same line, so a connection on the next line
// is never read as a unit.
quantity : NUMBER ({_input->LT(1)->getLine() == _input->LT(-1)->getLine()}? unitExpr)? ;

unitExpr : unitAtom ((STAR | SLASH) unitAtom)* ;

unitAtom : ID (CARET MINUS? NUMBER)? ;

call : dottedName LPAREN args? RPAREN ;

path : ident (DOT ident)* ;

dottedName : ident (DOT ident)* ;

ident
    : ID | IMPORT | RESOLUTION | MODEL | INPUT | PARAM | LAYER | OUTPUT | FIXED
    | PRIMITIVE | STATE | FIT | AS | DATA | TARGET | LOSS | WEIGHT | FREE | OPTIMIZER
    | CHUNK | SKIP_ | EPOCHS | SEED | VALIDATE | EVERY | EPOCH | EARLY_STOP | PATIENCE
    | EXPORT | IF
    ;

// ---------------------------------------------------------------- tokens

IMPORT     : 'import' ;
RESOLUTION : 'resolution' ;
MODEL      : 'model' ;
INPUT      : 'input' ;
PARAM      : 'param' ;
LAYER      : 'layer' ;
OUTPUT     : 'output' ;
FIXED      : 'fixed' ;
PRIMITIVE  : 'primitive' ;
STATE      : 'state' ;
FIT        : 'fit' ;
AS         : 'as' ;
DATA       : 'data' ;
TARGET     : 'target' ;
LOSS       : 'loss' ;
WEIGHT     : 'weight' ;
FREE       : 'free' ;
OPTIMIZER  : 'optimizer' ;
CHUNK      : 'chunk' ;
SKIP_      : 'skip' ;
EPOCHS     : 'epochs' ;
SEED       : 'seed' ;
VALIDATE   : 'validate' ;
EVERY      : 'every' ;
EPOCH      : 'epoch' ;
EARLY_STOP : 'early_stop' ;
PATIENCE   : 'patience' ;
EXPORT     : 'export' ;
IF         : 'if' ;
IN         : 'in' ;
AND        : 'and' ;
OR         : 'or' ;
NOT        : 'not' ;
TRUE       : 'true' ;
FALSE      : 'false' ;

ARROW  : '->' ;
LE     : '<=' ;
GE     : '>=' ;
EQ     : '==' ;
NE     : '!=' ;
LT     : '<' ;
GT     : '>' ;
ASSIGN : '=' ;
COLON  : ':' ;
SEMI   : ';' ;
COMMA  : ',' ;
DOT    : '.' ;
TILDE  : '~' ;
CARET  : '^' ;
PLUS   : '+' ;
MINUS  : '-' ;
STAR   : '*' ;
SLASH  : '/' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;

NUMBER : DIGITS ('.' DIGITS?)? EXPONENT? | '.' DIGITS EXPONENT? ;
fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

ID     : [a-zA-Z_] [a-zA-Z_0-9]* ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;

DOC_COMMENT   : '///' ~[\r\n]* -> channel(2) ;
LINE_COMMENT  : '//' ~[\r\n]* -> channel(3) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(3) ;
WS            : [ \t\r\n\f]+ -> skip ;

// Anything else is one error token, reported by the AST builder with its position.
ERROR_CHAR : . ;
