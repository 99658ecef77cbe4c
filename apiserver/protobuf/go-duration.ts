// Go's time.Duration.String(), which metav1.Duration uses for its JSON form:
// "1h2m3.5s", "1.5ms", "0s".

const second = 1_000_000_000n

export function formatGoDuration(nanoseconds: number | bigint): string {
  let u = BigInt(nanoseconds)
  const negative = u < 0n
  if (negative) u = -u
  let text: string
  if (u < second) {
    if (u === 0n) return '0s'
    const [precision, unit] = u < 1_000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms']
    const [fraction, whole] = formatFraction(u, precision)
    text = `${whole}${fraction}${unit}`
  } else {
    const [fraction, seconds] = formatFraction(u, 9)
    text = `${seconds % 60n}${fraction}s`
    const minutes = seconds / 60n
    if (minutes > 0n) {
      text = `${minutes % 60n}m${text}`
      const hours = minutes / 60n
      if (hours > 0n) text = `${hours}h${text}`
    }
  }
  return negative ? `-${text}` : text
}

/** The fraction v/10**precision without trailing zeros (and without the point when it is 0), and the whole part. */
function formatFraction(v: bigint, precision: number): [string, bigint] {
  let digits = ''
  let significant = false
  for (let i = 0; i < precision; i++) {
    const digit = v % 10n
    significant ||= digit !== 0n
    if (significant) digits = `${digit}${digits}`
    v /= 10n
  }
  return [significant ? `.${digits}` : '', v]
}
