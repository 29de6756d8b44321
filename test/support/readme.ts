/** The README's fenced code blocks, as executable documentation. */
export interface CodeBlock {
  lang: string;
  code: string;
  /** What the block prints, from its `// prints: …` comment (checked by the tests that run it). */
  expected?: string;
}

export function readmeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```(\w*)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const code = m[2]!;
    const expected = /\/\/ prints: (.+)$/m.exec(code)?.[1]?.trim();
    out.push({ lang: m[1]!, code, ...(expected === undefined ? {} : { expected }) });
  }
  return out;
}
