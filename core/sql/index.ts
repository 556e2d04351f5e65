// Public face of the SQL front end: lexer, AST types, parser entry points and the column-name printer.
export * from './ast.ts';
export { tokenize, describeToken } from './lexer.ts';
export type { Token, TokenKind } from './lexer.ts';
export { parseSql, parseExpr } from './parser.ts';
export { exprToSql, selectItemName, rustFloat } from './print.ts';
export type { NameOptions } from './print.ts';
export { formatExpr, formatIdent } from './format.ts';
export { parseIntervalText } from './interval.ts';
export type { MonthDayNano } from './interval.ts';
