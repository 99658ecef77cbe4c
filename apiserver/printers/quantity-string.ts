// resource.Quantity's String(): the canonical form upstream prints a stored
// quantity in ("1.5" → "1500m", "2048Mi" → "2Gi", "1000" → "1k"). The
// apiserver keeps quantities as their clients wrote them, so printers
// canonicalize on the way out, as upstream's decode and print would.

type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

interface Parsed {
  /** value = mantissa × 10^exponent, exactly. */
  mantissa: bigint
  exponent: number
  format: QuantityFormat
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]))
const binarySuffixByPower = new Map(Object.entries(binarySuffixes).map(([s, p]) => [p, s]))

function parse(text: string): Parsed | undefined {
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text.trim())
  if (!match) return undefined
  const [, sign, whole, fraction = '', suffix] = match
  if (whole === '' && fraction === '') return undefined
  let mantissa = BigInt(`${whole}${fraction}` || '0')
  if (sign === '-') mantissa = -mantissa
  let exponent = -fraction.length
  let format: QuantityFormat = 'DecimalSI'
  if (Object.hasOwn(decimalSuffixes, suffix)) exponent += decimalSuffixes[suffix]
  else if (Object.hasOwn(binarySuffixes, suffix)) {
    mantissa *= 2n ** BigInt(binarySuffixes[suffix])
    format = 'BinarySI'
  } else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix)
    if (!e) return undefined
    exponent += Number(e[1])
    format = 'DecimalExponent'
  }
  // Upstream rounds anything finer than a nano-unit up (away from zero): asking for a little gets some.
  if (exponent < -9 && mantissa !== 0n) {
    const divisor = 10n ** BigInt(-9 - exponent)
    const rounded = mantissa / divisor
    mantissa = mantissa % divisor === 0n ? rounded : rounded + (mantissa < 0n ? -1n : 1n)
    exponent = -9
  }
  return { mantissa, exponent, format }
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n
}

/** Quantity.String() of a quantity as stored (string or JSON number); unparsable input comes back as given. */
export function quantityString(value: unknown): string {
  if (value === undefined || value === null) return '0'
  const text = String(value)
  const q = parse(text)
  if (!q) return text
  if (q.mantissa === 0n) return '0'
  let format = q.format
  if (format === 'BinarySI') {
    // Small or fractional binary quantities print in decimal rather than lose precision.
    const integral = q.exponent >= 0 || q.mantissa % 10n ** BigInt(-q.exponent) === 0n
    const magnitude = q.exponent >= 0 ? abs(q.mantissa) * 10n ** BigInt(q.exponent) : abs(q.mantissa) / 10n ** BigInt(-q.exponent)
    if (!integral || magnitude < 1024n) format = 'DecimalSI'
    else {
      let amount = q.exponent >= 0 ? q.mantissa * 10n ** BigInt(q.exponent) : q.mantissa / 10n ** BigInt(-q.exponent)
      let power = 0
      while (abs(amount) >= 1024n && amount % 1024n === 0n && binarySuffixByPower.has(power + 10)) {
        amount /= 1024n
        power += 10
      }
      return `${amount}${binarySuffixByPower.get(power) ?? ''}`
    }
  }
  // Strip factors of ten, then step down to an exponent that is a multiple of three.
  let { mantissa, exponent } = q
  while (mantissa % 10n === 0n) {
    mantissa /= 10n
    exponent += 1
  }
  const off = ((exponent % 3) + 3) % 3
  mantissa *= 10n ** BigInt(off)
  exponent -= off
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`
  return `${mantissa}${decimalSuffixByExponent.get(exponent) ?? `e${exponent}`}`
}
