import type { PurchaseLine } from '@tessera/core'
import type { DemoShop } from '../shop/shop.js'

/**
 * The demo's transaction history as JSONL, one `{ "memberId", "at", "amount" }` line per member
 * purchase (amount in cents, negative for a return) before `at`: the 12 seeded months plus the
 * sales this process closed. `tessera value fit --history FILE --until DATE` reads it.
 * @category demo
 */
export const historyJsonl = (shop: Pick<DemoShop, 'members' | 'purchasesOf'>, at: string): string => {
  const lines: string[] = []
  for (const m of shop.members) {
    for (const p of shop.purchasesOf(m, at)) {
      const line: PurchaseLine = { memberId: m.memberId, at: p.at, amount: p.amount }
      lines.push(JSON.stringify(line))
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
