import { currentHost } from '../ports/host.js'
import type { Money } from './Money.js'

/**
 * Formats money for a receipt or a message through the host's money port: `Intl.NumberFormat` where
 * the runtime has it, exact (the decimal string is passed to Intl, never a float), else the built-in
 * formats. `formatMoney({ amount: 2999, currency: 'EUR' }, 'fr-FR')` gives `"29,99 €"`.
 * @category money
 */
export const formatMoney = (value: Money, locale = 'en-GB'): string => currentHost().money.format(value, locale)
