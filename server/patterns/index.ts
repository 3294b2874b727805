// Department-supplied regular expressions (form `pattern`s, chat patterns) run here, on RE2JS: a
// linear-time engine with RE2 semantics, so no pattern and no input can stall the process the way
// a backtracking engine does on `^(\w+\s?)*$`. Backreferences and lookarounds, which need
// backtracking, do not compile; the builder reports them instead of accepting them.
export { compilePattern, PatternError, type CompiledPattern, type PatternMatch } from './compile-pattern.js';
