/**
 * Every reason code an explanation can carry, with a one-line description (the docs list them from
 * here). Codes are stable upper-case strings: clients may switch on them.
 * @category rules
 */
export const REASON_CODES = {
  NOT_STARTED: 'the campaign has not started yet (`validity.from` is later than the basket time)',
  ENDED: 'the campaign has ended (`validity.until` is at or before the basket time)',
  WRONG_DAY: 'the basket time falls on a day of the week the campaign does not run (in its time zone)',
  OUTSIDE_HOURS: 'the basket time is outside the campaign hours (in its time zone)',
  CARD_REQUIRED: 'the campaign needs a loyalty card (or an identified customer), and the basket has none',
  CUSTOMER_CONDITION: 'the customer does not meet the eligibility condition (`by` names which one)',
  CODE_REQUIRED: 'the campaign needs a code of its pool, and the basket carries none',
  WRONG_CHANNEL: 'the basket comes from a channel the campaign does not cover',
  WRONG_STORE: 'the basket comes from a store the campaign does not cover',
  MIN_SPEND: 'the spend on the selected lines is below the threshold (`required`, `actual` in minor units)',
  MIN_QUANTITY: 'fewer units of the selected lines than required',
  MIN_MEASURE: 'less measured quantity of the selected lines than required (in the condition unit)',
  MIN_DISTINCT: 'fewer distinct products among the selected lines than required',
  MISSING_ITEM: 'the basket holds no line the `contains` selector picks',
  CONDITION_NOT_MET: 'a `not` condition was met, so the campaign does not apply',
  NOT_ENOUGH_UNITS: 'not enough free units for one group of a consuming reward (buy X get Y, fixed price, bundle)',
  NO_SAVING: 'the units are already cheaper than the fixed or bundle price',
  NOTHING_DISCOUNTABLE:
    'no selected line is left to discount (none matches, all are `discountable: false`, or all are at zero)',
  EXCLUDED_BY_EXCLUSIVE: 'an exclusive campaign gave the better deal and applies alone (`by` names it)',
  LOST_IN_GROUP: 'another campaign of the same stacking group gave the better deal (`by` names it)',
  LOST_BEST_DEAL:
    'the campaign would have applied alone, but lost the best-deal choice: an exclusive one to a better combination, or one that competes for the same units to a rival that makes more of them (`by` names it)',
  LIMIT_REACHED: 'a usage limit is reached (`by`: total or perCustomer)',
  BUDGET_EXHAUSTED: 'the campaign budget (discount or points) is spent',
  BUDGET_PARTIAL:
    'applied, but cut to what is left of the budget (`required`: what it would have given, `actual`: what it gave)',
  HELD_OUT: 'the customer is in the control group of the campaign: they qualified but get no reward',
} as const

/** A reason code. @category rules */
export type ReasonCode = keyof typeof REASON_CODES
