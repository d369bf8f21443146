// Node 20 (V8 11.3) has these ES2024 string methods; the ES2023 lib we target (to keep other
// ES2024 APIs that Node 20 lacks out of reach) does not declare them.
interface String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
