// Public face of the SQL front end: lexer, AST types, parser entry points and the expression printer.
export * from './ast.ts';
export { tokenize, describeToken } from './lexer.ts';
export type { Token, TokenKind } from './lexer.ts';
export { parseSql, parseExpr } from './parser.ts';
export { exprToSql, selectItemName, formatExpr, formatIdent, formatString, printExpr, rustFloat } from './print.ts';
export type { NameOptions, PrintStyle } from './print.ts';
export { formatQuery } from './print_query.ts';
export { parseIntervalText } from './interval.ts';
export type { MonthDayNano } from './interval.ts';
