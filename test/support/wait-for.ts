// Wait for a condition instead of sleeping; on timeout say what was last seen.
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await probe()
      if (v !== undefined && v !== false) return v as T
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out after ${ms}ms waiting for ${what}; last error: ${last}`)
}
