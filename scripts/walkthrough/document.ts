// The walkthrough as it is written: headings, prose, files and commands with
// their output, collected in order while the steps run, then rendered as
// Markdown. Consecutive commands share one ```console block.

export type Part =
  | { kind: 'heading'; text: string }
  | { kind: 'prose'; text: string }
  | { kind: 'file'; name: string; language: string; content: string }
  | { kind: 'command'; command: string; output: string }
  | { kind: 'text'; lines: string[] }

/** Whatever varies from run to run in a way a reader should not care about, replaced in every output. */
export interface Substitution {
  from: string
  to: string
}

export class WalkthroughDocument {
  readonly parts: Part[] = []
  readonly #substitutions: Substitution[] = []

  /** From now on, `from` is shown as `to` (e.g. the random server port as 8080). */
  substitute(from: string, to: string): void {
    if (from && from !== to) this.#substitutions.push({ from, to })
  }

  heading(text: string): void {
    this.parts.push({ kind: 'heading', text })
  }

  prose(text: string): void {
    this.parts.push({ kind: 'prose', text: this.#clean(text.trim()) })
  }

  file(name: string, content: string, language = 'yaml'): void {
    this.parts.push({ kind: 'file', name, language, content })
  }

  command(command: string, output: string): void {
    this.parts.push({ kind: 'command', command: this.#clean(command), output: this.#clean(output) })
  }

  /** Lines shown as they are, e.g. a stream's output. */
  text(lines: string[]): void {
    this.parts.push({ kind: 'text', lines: lines.map((l) => this.#clean(l)) })
  }

  #clean(text: string): string {
    let result = text
    for (const { from, to } of this.#substitutions) result = result.split(from).join(to)
    return result
  }

  render(): string {
    const out: string[] = []
    let inConsole = false
    const closeConsole = () => {
      if (inConsole) out.push('```', '')
      inConsole = false
    }
    for (const part of this.parts) {
      if (part.kind !== 'command') closeConsole()
      switch (part.kind) {
        case 'heading':
          out.push(part.text, '')
          break
        case 'prose':
          out.push(part.text, '')
          break
        case 'file':
          out.push(`\`${part.name}\`:`, '', `\`\`\`${part.language}`, ...trimmedLines(part.content), '```', '')
          break
        case 'text':
          out.push('```text', ...part.lines.map((l) => l.trimEnd()), '```', '')
          break
        case 'command':
          if (!inConsole) out.push('```console')
          inConsole = true
          out.push(`$ ${part.command}`, ...trimmedLines(part.output))
          break
      }
    }
    closeConsole()
    return `${out.join('\n').trimEnd()}\n`
  }
}

/** Output lines without trailing blanks (tables pad their last column), nor a trailing empty line. */
function trimmedLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd())
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** A command line as a reader would type it: arguments with spaces or shell characters in single quotes. */
export function shellLine(program: string, args: readonly string[]): string {
  return [program, ...args.map(shellQuote)].join(' ')
}

function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-./:=,@%+]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}
