// Just enough of resource.Quantity to check and compare container resources
// (`500m` < `1`, `1Gi` > `1G`). Values become floating-point numbers, which
// is exact for every quantity a pod realistically asks for.

export const quantityFormatMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 }
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 }

/** The numeric value of a quantity, or undefined when upstream would not parse it. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(value)
  if (!match) return undefined
  const [, digits, suffix] = match
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(digits)) return undefined
  const base = Number(digits)
  if (Object.hasOwn(binarySuffixes, suffix)) return base * binarySuffixes[suffix]
  if (Object.hasOwn(decimalSuffixes, suffix)) return base * decimalSuffixes[suffix]
  const exponent = /^[eE]([-+]?\d+)$/.exec(suffix)
  return exponent ? base * 10 ** Number(exponent[1]) : undefined
}
