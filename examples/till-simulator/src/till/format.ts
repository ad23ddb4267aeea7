export { displayMoney } from '../format.js'

/** A text progress bar of `width` cells. @category till */
export const progressBar = (done: number, total: number, width: number): string => {
  const filled = total <= 0 ? width : Math.max(0, Math.min(width, Math.floor((done * width) / total)))
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
}

/**
 * A code short enough for one screen line: a signed coupon (`TSR1.DEMO.NMDQ…` is 90+ characters)
 * keeps its head and its tail, `TSR1.DEMO.NMDQ…HCTTUIT`; a short code is unchanged.
 * @category till
 */
export const shortCode = (code: string, max = 24): string =>
  code.length <= max ? code : `${code.slice(0, max - 8)}…${code.slice(-7)}`
