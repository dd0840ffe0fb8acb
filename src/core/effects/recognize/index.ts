// PLACEHOLDER written by the lead so the rest of the engine can be smoke-tested. The recognizer
// helper owns this file: overwrite it freely.
export const INFRA_TAGS = [] as const;
export function recognizeInfra(_program: string, _argv: string[]): string[] {
  return [];
}
