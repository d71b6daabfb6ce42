// The .nlpm model declaration language. docs/language.md is its reference.
// Every alternative is labelled; NlpmAstBuilder has one visitor method per label.
grammar Nlpm;

file
    : header* model* EOF
    ;

header
    : PACKAGE qualifiedName SEMI     # packageHeader
    | INCLUDE path=STRING SEMI       # includeHeader
    ;

qualifiedName
    : IDENT (DOT IDENT)*
    ;

model
    : MODEL name=IDENT (COLON family=IDENT)? (EXTENDS parent=IDENT)? LBRACE member* RBRACE
    ;

member
    : key=IDENT ASSIGN value SEMI                           # assignment
    | kind=IDENT variant=IDENT? LBRACE member* RBRACE       # blockSection
    | kind=IDENT variant=IDENT? SEMI                        # emptySection
    | REMOVE kind=IDENT variant=IDENT? SEMI                 # removal
    ;

value
    : from=INT RANGE to=INT                                 # rangeValue
    | INT                                                   # intValue
    | DECIMAL                                               # decimalValue
    | TRUE                                                  # trueValue
    | FALSE                                                 # falseValue
    | STRING                                                # stringValue
    | IDENT                                                 # wordValue
    | LBRACKET (value (COMMA value)*)? RBRACKET             # listValue
    ;

PACKAGE  : 'package';
INCLUDE  : 'include';
MODEL    : 'model';
EXTENDS  : 'extends';
REMOVE   : 'remove';
TRUE     : 'true';
FALSE    : 'false';

LBRACE   : '{';
RBRACE   : '}';
LBRACKET : '[';
RBRACKET : ']';
SEMI     : ';';
COLON    : ':';
COMMA    : ',';
ASSIGN   : '=';
RANGE    : '..';
DOT      : '.';

DECIMAL
    : '-'? DIGITS '.' DIGITS EXPONENT?
    | '-'? DIGITS EXPONENT
    ;
INT      : '-'? DIGITS;
IDENT    : [A-Za-z_] [A-Za-z0-9_]*;

// Escapes are checked by the AST builder, which reports the bad one at its position.
STRING   : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
// A string that reaches the end of its line: reported by NlpmLexerWithErrors, parsed as a string.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])*;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
// A block comment never closed: it cannot contain '*/', so it never wins over BLOCK_COMMENT.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF -> channel(HIDDEN);
WS       : [ \t\r\n\f]+ -> channel(HIDDEN);
// Any other character: reported as NLPM101 by NlpmFileParser and kept away from the parser, so
// that the lexer never fails (a failing ANTLR lexer drops the characters after the bad one too).
INVALID_CHARACTER : . -> channel(HIDDEN);

fragment DIGITS   : [0-9] ([0-9_]* [0-9])?;
fragment EXPONENT : [eE] [+-]? [0-9]+;
